// SPDX-License-Identifier: GPL-3.0-or-later
// A policy file with errors: the policy in force stays, and the last policy that worked is kept
// in the state folder so that a restart with the file still broken keeps protecting the person
// (README: "the one that worked stays in place until the file is fixed").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "config/i18n.hpp"
#include "config/loader.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/log.hpp"
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

}  // namespace

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
