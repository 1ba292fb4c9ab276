// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/daemon.hpp"

#include "config/i18n.hpp"

#include <glib.h>
#include <malloc.h>
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "build_info.hpp"
#include "config/folders.hpp"
#include "config/loader.hpp"
#include "config/local_time.hpp"
#include "config/withdrawal.hpp"
#include "daemon/bus_source.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/policy_watcher.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/sdbus_source.hpp"
#include "daemon/strings.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"
#include "policy/ladder.hpp"
#include "policy/schedule.hpp"

namespace nocontact::daemon {

namespace {

std::string joinDiagnostics(const std::vector<config::Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics) {
        if (!out.empty()) out += '\n';
        out += d.format();
    }
    return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool withholds(const policy::Decision& d) {
    return d.has(policy::Action::Withhold);
}

// GNOME Shell 42 and later refuse to close another app's notification while it is connected;
// known up front from GetServerInformation, before the first refusal proves it.
bool isGnome42OrLater(const dbus::ServerInfo& server) {
    if (server.name != "gnome-shell") return false;
    int major = 0;
    for (char c : server.version) {
        if (c < '0' || c > '9' || major > 1000) break;
        major = major * 10 + (c - '0');
    }
    return major >= 42;
}

}  // namespace

Daemon::Daemon(Options options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    impl_->policy_file =
        options_.policy_file.empty() ? config::defaultPolicyPath() : options_.policy_file;
}

Daemon::~Daemon() {
    thawAll();
    if (impl_->rules_timer) g_source_remove(impl_->rules_timer);
    if (impl_->kde_timer) g_source_remove(impl_->kde_timer);
    if (impl_->modem_idle) g_source_remove(impl_->modem_idle);
    impl_->modem.reset();
    impl_->system_source.reset();
    sd_bus_close_unref(impl_->system_bus);
}

void Daemon::start(GMainLoop* loop) {
    impl_->loop = loop;
    prepareStateDir();
    if (!options_.dry_run) {
        impl_->keeper = std::make_unique<Keeper>(options_.state_dir, options_.journal_retry);
        impl_->keeper_bus_name = impl_->keeper->ownBusName();
    }
    auto builtin = config::loadProfilesFile(config::builtinProfilesPath());
    if (!builtin.ok()) {
        throw std::runtime_error("the built-in app profiles could not be read:\n" +
                                 joinDiagnostics(builtin.diagnostics));
    }
    impl_->builtin = std::move(builtin.profiles);
    impl_->profiles = policy::Profiles({}, impl_->builtin);

    impl_->withholder = std::make_unique<dbus::Withholder>(
        options_.bus_address, [this](const dbus::ServerInfo& info) { onServerChanged(info); });
    impl_->withholder->start();
    if (!options_.dry_run) {
        impl_->rules = std::make_unique<RulesFlow>(
            impl_->withholder->bus(), options_.state_dir,
            [this](const std::vector<dbus::Observed>& found) { onRecovered(found); });
        if (impl_->keeper) impl_->keeper->markReposts([this] { return impl_->rules->active(); });
    }
    // After the withholder, so a broken policy at start can be told as a notification too;
    // before the monitor, so no notification is judged without the policy.
    reload();
    watchJournal();  // after the withholder too: a journal in memory from the start is told
    if (impl_->keeper) impl_->keeper->reoffer(impl_->engine);  // nothing waits unseen
    scheduleDigest();
    impl_->actor_source =
        BusSource::forSdBus(impl_->withholder->bus(), [this] { busLost("actor"); });
    impl_->actor_source->attach();
    watchReachingOut();
    followPhones();

    impl_->monitor = std::make_unique<dbus::Monitor>(
        options_.bus_address, [this](const dbus::Observed& o) { return needsId(o); },
        [this](const dbus::Observed& o) { onObserved(o); });
    impl_->monitor->start();
    watchMonitor();

    impl_->service_bus = options_.bus_address.empty()
                             ? sdbus::createSessionBusConnection()
                             : sdbus::createSessionBusConnectionWithAddress(options_.bus_address);
    impl_->service = std::make_unique<Service>(*impl_->service_bus, *this);
    impl_->extension = std::make_unique<ShellExtensionWatch>(impl_->withholder->bus(), [this] {
        if (extensionActive())
            log::write(log::Priority::Info,
                       "The GNOME Shell extension asks before GNOME shows "
                       "a notification; nocontact closes none itself.");
        else
            log::write(log::Priority::Info, "The GNOME Shell extension stopped.");
    });
    dbus::sd::requestName(*impl_->service_bus, dbus::names::kService);
    impl_->service_source = sdbusSource(*impl_->service_bus, [this] { busLost("service"); });
    impl_->service_source->attach();

    watchPolicy();
    notify::startWatchdog();
    notify::ready(impl_->policy_loaded ? "watching over notifications"
                                       : "watching; no policy is in use yet");
}

void Daemon::scheduleDigest() {
    if (impl_->digest_timer) g_source_remove(impl_->digest_timer);
    impl_->digest_timer = 0;
    if (!impl_->keeper) return;
    auto now = config::momentNow();
    const auto& digest = impl_->engine.policy().defaults.digest;
    auto next = policy::digestAfter(digest, impl_->digest_offered, now.local);
    impl_->digest_due = next;
    if (!next) return;
    auto delay = config::toUtc(*next) - now.utc;
    // At least a second: a digest time that is "now" in a zone change must not spin.
    guint seconds = static_cast<guint>(std::max<std::int64_t>(1, delay.count()));
    impl_->digest_timer = g_timeout_add_seconds(
        seconds,
        [](gpointer self) -> gboolean {
            auto* daemon = static_cast<Daemon*>(self);
            daemon->impl_->digest_timer = 0;
            daemon->impl_->digest_offered = daemon->impl_->digest_due;
            daemon->impl_->keeper->offerDigest(daemon->impl_->engine);
            daemon->scheduleDigest();
            return G_SOURCE_REMOVE;
        },
        this);
}

void Daemon::prepareStateDir() {
    namespace fs = std::filesystem;
    if (options_.state_dir.empty()) {
        const char* state = std::getenv("XDG_STATE_HOME");
        const char* home = std::getenv("HOME");
        if (state && *state) {
            options_.state_dir = std::string(state) + "/nocontact";
        } else if (home && *home) {
            options_.state_dir = std::string(home) + "/.local/state/nocontact";
        } else {
            throw std::runtime_error("neither XDG_STATE_HOME nor HOME is set; use --state-dir");
        }
    }
    std::error_code ec;
    // Held messages will live here: the folder, and any made above it, is for the user's eyes
    // only, whatever the umask. A folder that cannot be written (a read-only or full disk) is no
    // reason to stop: the journal is kept in memory.
    config::makePrivateFolders(options_.state_dir, ec);
    fs::permissions(options_.state_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
        log::detail(log::Priority::Warning, "The state folder cannot be prepared",
                    options_.state_dir + ": " + ec.message());
    }
}

void Daemon::watchMonitor() {
    impl_->monitor_source = BusSource::forSdBus(impl_->monitor->bus(), [this] {
        log::write(log::Priority::Warning, "The bus dropped the monitor; watching again.");
        // Safe inside the source's own callback: BusSource allows being destroyed there.
        impl_->monitor_source.reset();
        restartMonitor();
    });
    impl_->monitor_source->attach();
}

void Daemon::restartMonitor() {
    try {
        impl_->monitor->restart();
        watchMonitor();
    } catch (const std::exception&) {
        // The bus may be restarting too; try again shortly rather than spinning.
        constexpr guint kRetryMs = 1000;
        g_timeout_add(
            kRetryMs,
            [](gpointer self) -> gboolean {
                static_cast<Daemon*>(self)->restartMonitor();
                return G_SOURCE_REMOVE;
            },
            this);
    }
}

void Daemon::onObserved(const dbus::Observed& observed) {
    if (isOwnNotification(observed)) return;  // our placeholders and notices
    // FDO calls were counted when they were made (needsId); GTK ones come only here. The
    // portal's are counted as the copy it forwards to the desktop's server.
    if (observed.notification.interface == policy::Interface::Gtk) ++impl_->seen;
    // The portal forwards what sandboxed apps send to the desktop's server, where the monitor
    // sees it again and can withhold it: judge that copy only, never both.
    if (observed.notification.interface == policy::Interface::Portal) return;
    // GNOME Shell asks Decide about each one before showing it: kept there, exactly once.
    if (extensionActive()) return;
    policy::Event event = impl_->profiles.toEvent(observed.notification);
    policy::Decision decision = impl_->engine.handle(event, config::momentNow());
    // KDE Connect's desktop copy of what a phone sent: the phone's own half may know better.
    if (event.app == phone::kKdeConnect && impl_->kdeconnect) {
        auto half = takeKdeHalf(observed, decision.contact.has_value());
        if (half && !decision.contact) return act(observed, half->event, half->decision);
    }
    if (!decision.contact) return;  // strangers are not our business, not even in the log
    act(observed, event, decision);
}

// Judged again when the reply brings the id (the policy may have changed in between); this
// first look only spares the monitor from waiting for anyone else's replies.
bool Daemon::needsId(const dbus::Observed& observed) {
    if (isOwnNotification(observed)) return false;
    ++impl_->seen;  // another app's notification, whoever it is from
    if (extensionActive()) return false;
    policy::Event event = impl_->profiles.toEvent(observed.notification);
    if (event.app == phone::kKdeConnect && impl_->kdeconnect) return true;  // see takeKdeHalf
    return impl_->engine.handle(event, config::momentNow()).contact.has_value();
}

bool Daemon::isOwnNotification(const dbus::Observed& observed) const {
    return isOwnSender(observed.sender);
}

void Daemon::announce(const dbus::Observed& observed, const policy::Event& event,
                      const policy::Decision& decision) {
    const auto& contact = impl_->engine.policy().contacts[*decision.contact];
    std::string level(policy::levelName(*decision.level));
    std::string action(policy::actionName(decision.primary()));
    if (event.direction == policy::Direction::Incoming) noteCounted(contact.name);
    log::Fields fields{contact.name,
                       event.app,
                       action,
                       level,
                       std::string(policy::kindName(event.kind)),
                       std::string(policy::interfaceName(observed.notification.interface))};
    if (options_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
    impl_->service->emitIntervened(contact.name, event.app,
                                   std::string(policy::kindName(event.kind)), level, action);
}

void Daemon::act(const dbus::Observed& observed, const policy::Event& event,
                 const policy::Decision& decision) {
    if (options_.dry_run) return announce(observed, event, decision);
    // Found in the server when nocontactd started, and dealt with then.
    if (impl_->rules && impl_->rules->alreadyTaken(observed)) return;
    // The server's own rule hid it: it was never drawn, and nothing is put in its place.
    const bool hidden = impl_->rules && impl_->rules->hides(observed.notification);
    if (observed.unanswerable && !hidden && withholds(decision))
        return keepUnanswerable(observed, event, decision);
    // Kept on disk before it is taken off the screen: a crash in between loses nothing. When the
    // disk cannot take it, it is kept in memory (and the person told); a message that could be
    // kept nowhere stays where it is.
    // The log line, the Intervened signal and the pause (a blocking libnotify call, from the
    // loop's next turn) all come after the withholding call is on its way: the message is on
    // screen no longer than it must be.
    if (impl_->keeper && !impl_->keeper->keep(impl_->engine, observed, event, decision, true)) {
        // Left on screen, not an intervention: the Keeper logged why, Status counts it.
        ++impl_->unkept;
        if (hidden) showHidden(observed);
        return;
    }
    if (hidden && !withholds(decision)) {
        showHidden(observed);  // nobody holds it now (a soften, a snooze): shown at once
    } else if (hidden) {
        ++impl_->withheld;
        impl_->rules->taken(observed);
    } else if (withholds(decision)) {
        withhold(observed);
    }
    announce(observed, event, decision);
}

// Its id will never come (the app asked for no reply), so it stays on screen: kept all the same,
// with no pause over a message already in view, and counted for Status.
void Daemon::keepUnanswerable(const dbus::Observed& observed, const policy::Event& event,
                              const policy::Decision& decision) {
    policy::Decision kept = decision;
    std::erase(kept.actions, policy::Action::Pause);
    if (impl_->keeper && !impl_->keeper->keep(impl_->engine, observed, event, kept, true)) {
        ++impl_->unkept;
        return;
    }
    if (impl_->unanswerable++ == 0) {
        log::write(log::Priority::Warning,
                   "A contact's message came without asking for a reply, so the notification "
                   "server never said which one to close; it is kept, but it was shown.");
    }
    announce(observed, event, kept);
}

void Daemon::showHidden(const dbus::Observed& observed) {
    impl_->rules->taken(observed);
    if (impl_->keeper) impl_->keeper->showAsItCame(observed);
}

std::vector<bool> Daemon::heldNow() const {
    const auto& contacts = impl_->engine.policy().contacts;
    auto now = config::momentNow();
    std::vector<bool> held(contacts.size(), false);
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        auto ex = impl_->engine.explain(i, now);
        auto actions = policy::incomingActions(ex.level);
        held[i] = !ex.snoozed && std::find(actions.begin(), actions.end(),
                                           policy::Action::Withhold) != actions.end();
    }
    return held;
}

void Daemon::refreshRules() {
    if (!impl_->rules) return;
    impl_->rules->update(impl_->engine.policy(), impl_->profiles, heldNow());
    // Again at the next moment a level changes by itself (a schedule's edge, the end of a
    // soften or a snooze); nothing runs in between.
    if (impl_->rules_timer) g_source_remove(impl_->rules_timer);
    impl_->rules_timer = 0;
    auto now = config::momentNow();
    std::optional<policy::SysTime> next;
    for (std::size_t i = 0; i < impl_->engine.policy().contacts.size(); ++i) {
        auto at = impl_->engine.explain(i, now).changes_at;
        std::optional<policy::SysTime> t = at.utc;
        if (at.local) {
            auto local = config::toUtc(*at.local);
            if (!t || local < *t) t = local;
        }
        if (t && (!next || *t < *next)) next = t;
    }
    if (!next) return;
    auto delay = std::chrono::duration_cast<std::chrono::seconds>(*next - now.utc).count();
    impl_->rules_timer = g_timeout_add_seconds(
        static_cast<guint>(std::max<std::int64_t>(1, delay + 1)),
        [](gpointer self) -> gboolean {
            auto* daemon = static_cast<Daemon*>(self);
            daemon->impl_->rules_timer = 0;
            daemon->refreshRules();
            return G_SOURCE_REMOVE;
        },
        this);
}

void Daemon::onRecovered(const std::vector<dbus::Observed>& found) {
    std::map<std::string, std::size_t> per_contact;
    for (const auto& observed : found) {
        policy::Event event = impl_->profiles.toEvent(observed.notification);
        policy::Decision decision = impl_->engine.handle(event, config::momentNow());
        // Nobody's now (the policy changed meanwhile), or nobody holds it now: shown as it came.
        if (!decision.contact || !withholds(decision)) {
            showHidden(observed);
            continue;
        }
        if (!impl_->keeper->keep(impl_->engine, observed, event, decision, true)) {
            ++impl_->unkept;
            showHidden(observed);
            continue;
        }
        impl_->rules->taken(observed);
        ++impl_->withheld;
        announce(observed, event, decision);
        ++per_contact[impl_->engine.policy().contacts[*decision.contact].name];
    }
    if (!per_contact.empty()) {
        std::size_t kept = 0;
        for (const auto& [contact, n] : per_contact)
            kept += n;
        log::detail(log::Priority::Info,
                    "Messages the notification server's rules held while nocontact was not "
                    "running are kept now",
                    std::to_string(kept));
        tellUser(i18n::tr(strings::kRecoveredSummary), strings::recoveredBody(per_contact));
    }
}

void Daemon::withhold(const dbus::Observed& observed) {
    // A placeholder only where it shows less of the message than a close alone (a history
    // that keeps closed text, or a server that draws before any close arrives): anywhere else
    // it is one more thing drawn, and the close should come as early as it can.
    std::optional<std::string> placeholder;
    if (withdrawal() == config::Withdrawal::ReplaceThenClose)
        placeholder = i18n::tr(strings::kWithheldPlaceholder);
    impl_->withholder->withhold(
        observed, placeholder,
        [this](dbus::Withholder::Outcome outcome, const std::string& detail) {
            switch (outcome) {
                case dbus::Withholder::Outcome::Withheld:
                    ++impl_->withheld;
                    break;
                case dbus::Withholder::Outcome::RefusedByServer:
                    if (impl_->refused++ > 0) break;  // said once; Status keeps counting
                    log::write(log::Priority::Warning,
                               "The notification server would not let nocontact close a "
                               "notification; GNOME needs the nocontact GNOME Shell extension.");
                    break;
                case dbus::Withholder::Outcome::Failed:
                    ++impl_->failed;
                    log::detail(log::Priority::Warning, "Could not withhold a notification",
                                detail);
                    break;
            }
        });
}

void Daemon::onServerChanged(const dbus::ServerInfo& info) {
    if (impl_->monitor) impl_->monitor->setFdoOwner(info.unique_name);
    if (impl_->rules) impl_->rules->serverChanged(info);
    // A new owner of the name (a restart, another server): what the last one showed is gone.
    const bool restarted = !info.unique_name.empty() && !impl_->server_owner.empty() &&
                           info.unique_name != impl_->server_owner;
    if (!info.unique_name.empty()) impl_->server_owner = info.unique_name;
    if (impl_->keeper) impl_->keeper->serverChanged(restarted);
    if (info.unique_name.empty()) {
        log::write(log::Priority::Notice,
                   "No notification server is running; nocontact is waiting for one.");
    } else if (!info.name.empty() && info.name != impl_->logged_server) {
        // ServerChanged fires once per answer (owner, information, capabilities): say it once.
        impl_->logged_server = info.name;
        log::detail(log::Priority::Info, "Notification server", info.name + " " + info.version);
    }
    notify::status(withholdingPath() == "none" ? "waiting for a notification server"
                                               : "watching over notifications");
}

std::vector<sdbus::Struct<std::string, std::string, std::string>> Daemon::levels() const {
    std::vector<sdbus::Struct<std::string, std::string, std::string>> rows;
    const auto& contacts = impl_->engine.policy().contacts;
    auto now = config::momentNow();
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        auto ex = impl_->engine.explain(i, now);
        rows.emplace_back(contacts[i].name, std::string(policy::levelName(ex.level)), ex.why);
    }
    return rows;
}

std::string Daemon::withholdingPath() const {
    if (extensionActive()) return "gnome-shell-extension";
    if (!impl_->withholder) return "none";
    const auto& server = impl_->withholder->server();
    if (server.unique_name.empty()) return "none";
    if (server.refuses_foreign_close || isGnome42OrLater(server)) {
        return "needs-gnome-shell-extension";
    }
    return "close";
}

config::Withdrawal Daemon::withdrawal() const {
    if (options_.withdrawal) return *options_.withdrawal;
    return config::withdrawalFor(impl_->withholder ? impl_->withholder->server().name : "");
}

std::map<std::string, sdbus::Variant> Daemon::status() const {
    std::map<std::string, sdbus::Variant> s;
    const auto& policy = impl_->engine.policy();
    s["version"] = sdbus::Variant(std::string(NOCONTACT_VERSION));
    s["policy_file"] = sdbus::Variant(impl_->policy_file);
    s["policy_loaded"] = sdbus::Variant(impl_->policy_loaded);
    s["policy_message"] = sdbus::Variant(impl_->policy_message);
    s["policy_last_good"] = sdbus::Variant(impl_->policy_last_good);
    s["contacts"] = sdbus::Variant(static_cast<std::uint32_t>(policy.contacts.size()));
    s["dry_run"] = sdbus::Variant(options_.dry_run);
    s["pause_seconds"] =
        sdbus::Variant(static_cast<std::uint32_t>(impl_->engine.policy().defaults.pause.count()));
    s["withholding"] = sdbus::Variant(withholdingPath());
    s["withheld"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->withheld));
    s["refused"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->refused));
    s["held"] =
        sdbus::Variant(static_cast<std::uint32_t>(impl_->keeper ? impl_->keeper->waiting() : 0));
    s["failed"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->failed));
    s["unkept"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->unkept));
    s["unanswerable"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->unanswerable));
    journalStatus(s);
    s["levels"] = sdbus::Variant(levels());
    s["changed_levels"] = sdbus::Variant(changedLevels());
    s["held_by_contact"] = sdbus::Variant(heldByContact());
    s["freezer"] = sdbus::Variant(impl_->freezer);
    s["phones"] = sdbus::Variant(
        std::vector<std::string>(impl_->phone_present.begin(), impl_->phone_present.end()));
    s["phone_problems"] = sdbus::Variant(phoneProblems());
    s["not_followed"] = sdbus::Variant(notFollowed());
    s["day_counts"] = sdbus::Variant(dayCounts());
    auto snooze = impl_->engine.activeSnooze(config::momentNow());
    s["snoozed_until"] =
        sdbus::Variant(snooze && snooze->until
                           ? static_cast<std::int64_t>(snooze->until->time_since_epoch().count())
                           : std::int64_t{0});
    if (impl_->withholder) {
        const auto& server = impl_->withholder->server();
        s["server_name"] = sdbus::Variant(server.name);
        s["server_vendor"] = sdbus::Variant(server.vendor);
        s["server_version"] = sdbus::Variant(server.version);
        s["server_capabilities"] = sdbus::Variant(server.capabilities);
        s["withdrawal"] = sdbus::Variant(std::string(config::withdrawalName(withdrawal())));
    }
    if (impl_->rules) {
        auto rules = impl_->rules->report(policy, heldNow());
        s["rules_server"] = sdbus::Variant(rules.server);
        s["held_before_drawing"] = sdbus::Variant(rules.before);
        s["held_after_drawing"] = sdbus::Variant(rules.after);
        s["rules_problem"] = sdbus::Variant(rules.note);
    }
    if (impl_->monitor) {
        const auto& c = impl_->monitor->counters();
        s["seen"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->seen));
        s["malformed"] = sdbus::Variant(static_cast<std::uint32_t>(c.malformed));
        s["monitor_restarts"] = sdbus::Variant(static_cast<std::uint32_t>(c.restarts));
    }
    return s;
}

DaemonPort::ReloadResult Daemon::reload() {
    notify::reloading();
    ReloadResult r = readPolicy();
    impl_->policy_message = r.message;
    if (impl_->service) impl_->service->emitPolicyReloaded(r.applied, r.message);
    // RELOADING=1 must be answered with READY=1, or systemd waits for the reload to end.
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
    if (!loaded.ok()) return refusePolicy(joinDiagnostics(loaded.diagnostics));
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
    impl_->engine.useWords({.tr = &i18n::tr});
    restoreOverrides();  // a new policy does not undo the person's own changes
    impl_->policy_loaded = true;
    if (impl_->digest_timer) scheduleDigest();  // digest times may have changed
    if (impl_->actor_source) followPhones();    // sources may have been switched on or off
    refreshRules();                             // names, apps and levels may have changed
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

void Daemon::tellUser(const std::string& summary, const std::string& text) {
    if (!impl_->withholder || options_.dry_run) return;
    // Diagnostics quote the policy ("got '<3'"): servers that read markup must see it as text.
    const auto& caps = impl_->withholder->server().capabilities;
    bool markup = std::find(caps.begin(), caps.end(), "body-markup") != caps.end();
    std::string body = text;
    if (markup) {
        gchar* escaped = g_markup_escape_text(text.c_str(), -1);
        body = escaped;
        g_free(escaped);
    }
    sd_bus_message* m = nullptr;
    sd_bus* bus = impl_->withholder->bus();
    int r = sd_bus_message_new_method_call(bus, &m, dbus::names::kFdoService, dbus::names::kFdoPath,
                                           dbus::names::kFdoInterface, "Notify");
    if (r < 0) return;
    r = sd_bus_message_append(m, "susssasa{sv}i", "nocontact", 0u, "", summary.c_str(),
                              body.c_str(), 0, 1, "urgency", "y", 1, -1);
    if (r >= 0) sd_bus_call_async(bus, nullptr, m, nullptr, nullptr, 0);
    sd_bus_message_unref(m);
}

void Daemon::busLost(const char* which) {
    log::detail(log::Priority::Error, "The session bus went away; stopping. Connection", which);
    exit_code_ = 1;
    if (impl_->loop) g_main_loop_quit(impl_->loop);
}

}  // namespace nocontact::daemon
