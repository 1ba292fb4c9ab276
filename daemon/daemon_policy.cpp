// SPDX-License-Identifier: GPL-3.0-or-later
// The policy file: followed, read and put in force on every change (Reload). A policy file with
// errors: the policy in force stays, and the last policy that worked is kept in the state folder
// so that a restart with the file still broken keeps protecting the person (README: "the one
// that worked stays in place until the file is fixed"). Part of Daemon (daemon/daemon.hpp).
#include <fcntl.h>
#include <glib.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/i18n.hpp"
#include "config/folders.hpp"
#include "config/loader.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/log.hpp"
#include "daemon/policy_watcher.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

namespace {

constexpr const char* kLastGoodFile = "last-good-policy.yaml";

std::string joined(const std::vector<config::Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += (out.empty() ? "" : "\n") + d.format();
    return out;
}

std::optional<std::string> contentsOf(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `text` to `file` whole: 0600 whatever the umask, synced, then renamed into place, so a
// crash leaves the old copy or the new one.
bool writeAtomically(const std::string& file, const std::string& text) {
    std::string next = file + ".XXXXXX";
    int fd = ::mkostemp(next.data(), O_CLOEXEC);  // 0600
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        ok = n > 0 || (n < 0 && errno == EINTR);
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    ok = ::fsync(fd) == 0 && ok;
    ok = ::close(fd) == 0 && ok;
    if (ok && ::rename(next.c_str(), file.c_str()) == 0) return true;
    ::unlink(next.c_str());
    return false;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

DaemonPort::ReloadResult Daemon::reload() {
    if (impl_->started) notify::reloading();
    ReloadResult r = readPolicy();
    impl_->policy_message = r.message;
    if (impl_->service) impl_->service->emitPolicyReloaded(r.applied, r.message);
    // RELOADING=1 must be answered with READY=1, or systemd waits for the reload to end.
    if (impl_->started)
        notify::ready(r.applied              ? "watching over notifications"
                      : impl_->policy_loaded ? "running with the last good policy"
                                             : "watching; no policy is in use yet");
    // Reading a policy leaves its YAML tree and the parser's scraps as free heap (megabytes for
    // a large one), which malloc would keep: give it back once the answer is out.
    g_idle_add(
        [](gpointer) -> gboolean {
            malloc_trim(0);
            return G_SOURCE_REMOVE;
        },
        nullptr);
    return r;
}

DaemonPort::ReloadResult Daemon::readPolicy() {
    followPolicyPath();
    const std::string& file = impl_->policy_file;
    std::error_code ec;
    // Only a file that is not there is gone; one that cannot be reached (a symbolic link that
    // leads back to itself) is read below and reported for what it is.
    if (!std::filesystem::exists(file, ec) && !ec) {
        if (impl_->policy_loaded) {
            // Deleted while in use: keep protecting the person, and say so truthfully.
            log::detail(log::Priority::Warning, "The policy file is gone; the last good one stays",
                        file);
            return {false, strings::policyGone(file)};
        }
        log::detail(log::Priority::Notice, "There is no policy file yet", file);
        return {false, strings::noPolicyYet(file)};
    }
    std::string text;
    auto loaded = config::loadPolicyFile(file, &text);
    if (!loaded.ok()) return refusePolicy(joined(loaded.diagnostics));
    std::string contacts = plural(loaded.policy->contacts.size(), "contact", "contacts");
    applyPolicy(std::move(*loaded.policy));
    impl_->policy_last_good = false;
    keepLastGood(text);
    log::policy(true, contacts);
    return {true, strings::policyApplied(impl_->engine.policy().contacts.size())};
}

void Daemon::applyPolicy(policy::Policy policy) {
    impl_->profiles = policy::Profiles(policy.apps, impl_->builtin);
    impl_->engine = policy::Engine(std::move(policy));
    if (impl_->notifications) impl_->notifications->policyApplied();
    impl_->engine.useWords({.tr = &i18n::tr});
    restoreOverrides();  // a new policy does not undo the person's own changes
    if (impl_->rules) impl_->rules->policyChanged();
    impl_->policy_loaded = true;
    if (impl_->digests) followDigests();      // digest times may have changed
    if (impl_->actor_source) followPhones();  // sources may have been switched on or off
    refreshRules();                           // names, apps and levels may have changed
}

void Daemon::followPolicyPath() {
    if (!options_.policy_file.empty()) return;  // --policy: always that file
    // Without --policy the user may create ~/.config/nocontact/policy.yaml at any time.
    std::string path = config::defaultPolicyPath();
    if (path == impl_->policy_file && impl_->watching) return;
    impl_->policy_file = path;
    if (!impl_->watcher_started) return;  // start() creates the first watcher
    // Not now: this may run inside the current watcher's own callback.
    g_idle_add(
        [](gpointer self) -> gboolean {
            static_cast<Daemon*>(self)->watchPolicy();
            return G_SOURCE_REMOVE;
        },
        this);
}

void Daemon::watchPolicy() {
    impl_->watcher = std::make_unique<PolicyWatcher>(impl_->policy_file, [this] { reload(); });
    impl_->watching = impl_->watcher->start();
    impl_->watcher_started = true;
    if (!impl_->watching) {
        log::detail(log::Priority::Notice,
                    "The policy's folder does not exist yet; after creating it, run "
                    "nocontactctl reload",
                    impl_->policy_file);
    }
}

DaemonPort::ReloadResult Daemon::refusePolicy(const std::string& diagnostics) {
    const std::string copy = options_.state_dir + "/" + kLastGoodFile;
    if (impl_->policy_loaded) {
        log::policy(false, diagnostics);
        tellUser(i18n::tr(strings::kPolicyRefusedSummary),
                 strings::policyRefusedBody(diagnostics, true));
    } else if (useLastGood(diagnostics)) {
        tellUser(i18n::tr(strings::kPolicyRefusedSummary),
                 strings::policyRefusedAtStartBody(diagnostics));
    } else {
        log::detail(log::Priority::Warning,
                    "The policy has errors; nocontact only watches until they are fixed",
                    diagnostics);
        tellUser(i18n::tr(strings::kPolicyRefusedSummary),
                 strings::policyRefusedBody(diagnostics, false));
    }
    // While the copy is in force, Status keeps saying so, with the file's latest errors.
    if (impl_->policy_last_good)
        return {false, strings::policyFromLastGood(impl_->policy_file, copy) + "\n" + diagnostics};
    return {false, diagnostics};
}

bool Daemon::useLastGood(const std::string& diagnostics) {
    const std::string copy = options_.state_dir + "/" + kLastGoodFile;
    std::error_code ec;
    if (options_.state_dir.empty() || !std::filesystem::exists(copy, ec)) return false;
    auto loaded = config::loadPolicyFile(copy);
    if (!loaded.ok()) {
        log::detail(log::Priority::Warning,
                    "The last policy that worked cannot be used either; nocontact only watches",
                    joined(loaded.diagnostics));
        return false;
    }
    applyPolicy(std::move(*loaded.policy));
    impl_->policy_last_good = true;
    log::detail(log::Priority::Warning,
                "The policy has errors; nocontact uses the last policy that worked until they "
                "are fixed",
                diagnostics);
    return true;
}

void Daemon::keepLastGood(const std::string& text) {
    if (options_.dry_run || options_.state_dir.empty()) return;
    const std::string copy = options_.state_dir + "/" + kLastGoodFile;
    if (contentsOf(copy) == text) return;  // a reload of the same file: nothing to write
    if (!writeAtomically(copy, text)) {
        log::detail(log::Priority::Warning,
                    "The policy could not be kept as the last one that worked", copy);
    }
}

}  // namespace nocontact::daemon
