// SPDX-License-Identifier: GPL-3.0-or-later
// The Daemon (daemon/daemon.hpp) wired together: start and stop, the state folder, the monitor,
// digests, the server's rules kept in step with the levels, and the notification server's
// changes. What it does with each notification is daemon/notifications_flow.hpp's, Status is in
// daemon_status.cpp, the policy in daemon_policy.cpp; the other daemon_*.cpp say what they do.
#include "daemon/daemon.hpp"

#include "base/i18n.hpp"

#include <glib.h>
#include <malloc.h>
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <utility>

#include "base/local_time.hpp"
#include "build_info.hpp"
#include "config/folders.hpp"
#include "config/loader.hpp"
#include "config/withdrawal.hpp"
#include "daemon/bus_source.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/policy_watcher.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/sdbus_source.hpp"
#include "daemon/strings.hpp"
#include "daemon/timer.hpp"
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

bool nameHasOwner(sdbus::IConnection& bus, const std::string& name) {
    auto proxy = dbus::sd::proxy(bus, dbus::names::kBusService, dbus::names::kBusPath);
    bool has = false;
    proxy->callMethod("NameHasOwner")
        .onInterface(dbus::names::kBusInterface)
        .withArguments(name)
        .storeResultsTo(has);
    return has;
}

// The daemon's own name, before anything else: a second nocontactd in the same session (one
// started by hand beside the service) stops here, before it reads the journal, keeps a policy
// as the last that worked, writes a server's rules or shows anything.
void claimName(sdbus::IConnection& bus) {
    try {
        dbus::sd::requestName(bus, dbus::names::kService);
    } catch (const sdbus::Error&) {
        if (!nameHasOwner(bus, dbus::names::kService)) throw;
        throw AlreadyRunning(
            "nocontactd is already running in this session, so this one stops without changing "
            "anything (nocontactctl status tells about the one running)");
    }
}

}  // namespace

Daemon::Daemon(Options options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    if (options_.clock) impl_->clock = options_.clock;
    if (options_.timer) impl_->timer = options_.timer;
    impl_->policy_file =
        options_.policy_file.empty() ? config::defaultPolicyPath() : options_.policy_file;
}

Daemon::~Daemon() {
    if (impl_->reaching) impl_->reaching->thawAll();
    impl_->timer->cancel(impl_->rules_timer);
    impl_->timer->cancel(impl_->monitor_retry);
    if (impl_->modem_idle) g_source_remove(impl_->modem_idle);
    impl_->modem.reset();
    impl_->system_source.reset();
    sd_bus_close_unref(impl_->system_bus);
}

void Daemon::start(GMainLoop* loop) {
    impl_->loop = loop;
    impl_->service_bus = options_.bus_address.empty()
                             ? sdbus::createSessionBusConnection()
                             : sdbus::createSessionBusConnectionWithAddress(options_.bus_address);
    // The object and its watch on subscribers' connections before the name: every call then
    // waits in the connection until start() is done, and finds them (a subscriber that has gone
    // meanwhile is forgotten when the loop reads that it went).
    impl_->service = std::make_unique<Service>(*impl_->service_bus, *this);
    claimName(*impl_->service_bus);
    prepareStateDir();
    if (!options_.dry_run) {
        impl_->keeper = std::make_unique<Keeper>(options_.state_dir, options_.journal_retry,
                                                 *impl_->clock, *impl_->timer);
        impl_->keeper_bus_name = impl_->keeper->ownBusName();
    }
    followCalls();
    pairPhoneHalves();
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
            [this](const std::vector<dbus::Observed>& found) {
                impl_->notifications->recovered(found);
            },
            [this] { return impl_->shapes_memo.shapes(impl_->engine.policy(), impl_->profiles); });
        if (impl_->keeper) impl_->keeper->markReposts([this] { return impl_->rules->active(); });
    }
    followNotifications();
    // After the withholder, so a broken policy at start can be told as a notification too;
    // before the monitor, so no notification is judged without the policy.
    reload();
    watchJournal();  // after the withholder too: a journal in memory from the start is told
    if (impl_->keeper) impl_->keeper->reoffer(impl_->engine);  // nothing waits unseen
    followDigests();
    impl_->actor_source =
        BusSource::forSdBus(impl_->withholder->bus(), [this] { busLost("actor"); });
    impl_->actor_source->attach();
    impl_->quiet_source =
        BusSource::forSdBusSender(impl_->withholder->quietBus(), [this] { busLost("quiet"); });
    impl_->quiet_source->attach();
    watchReachingOut();
    followPhones();

    impl_->monitor = std::make_unique<dbus::Monitor>(
        options_.bus_address, [this](dbus::Observed& o) { return impl_->notifications->called(o); },
        [this](const dbus::Observed& o) { impl_->notifications->shown(o); });
    impl_->monitor->skipSenders([this](std::string_view sender) { return isOwnSender(sender); });
    impl_->monitor->start();
    watchMonitor();

    impl_->extension = std::make_unique<ShellExtensionWatch>(impl_->withholder->bus(), [this] {
        if (extensionActive())
            log::write(log::Priority::Info,
                       "The GNOME Shell extension asks before GNOME shows "
                       "a notification; nocontact closes none itself.");
        else
            log::write(log::Priority::Info, "The GNOME Shell extension stopped.");
    });
    impl_->service_source = sdbusSource(*impl_->service_bus, [this] { busLost("service"); });
    impl_->service_source->attach();

    watchPolicy();
    impl_->started = true;
    notify::startWatchdog();
    notify::ready(impl_->policy_loaded ? "watching over notifications"
                                       : "watching; no policy is in use yet");
}

void Daemon::watchReachingOut() {
    ReachingFlow::Context context{
        .clock = *impl_->clock,
        .engine = impl_->engine,
        .profiles = impl_->profiles,
        .state_dir = options_.state_dir,
        .dry_run = options_.dry_run,
        .keeper = impl_->keeper.get(),
        .judge = [this](const policy::Event& event) { return judge(event); },
        .intervened =
            [this](const std::string& contact, const std::string& app, const std::string& kind,
                   const std::string& level, const std::string& action) {
                impl_->service->emitIntervened(contact, app, kind, level, action);
            },
    };
    impl_->reaching = std::make_unique<ReachingFlow>(std::move(context), impl_->withholder->bus());
    impl_->reaching->start();
    // One answer for the pauses before an app and before a call: each goes back to its flow.
    if (impl_->keeper) {
        impl_->keeper->onReachAnswer([this](const ReachChoice& choice) {
            if (choice.kind == ReachRequest::Kind::App) return impl_->reaching->answered(choice);
            impl_->calls->answered(choice);
        });
    }
}

void Daemon::appStarted(const std::string& app_id, std::uint32_t pid) {
    impl_->reaching->appStarted(app_id, pid);
}

void Daemon::followDigests() {
    if (!impl_->keeper) return;  // a dry run keeps nothing to offer
    if (!impl_->digests) {
        impl_->digests = std::make_unique<DigestFlow>(
            *impl_->clock, *impl_->timer, [this] { impl_->keeper->offerDigest(impl_->engine); });
    }
    impl_->digests->follow(impl_->engine.policy().defaults.digest);
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
        impl_->monitor_retry = impl_->timer->after(std::chrono::seconds{1}, [this] {
            impl_->monitor_retry = 0;
            restartMonitor();
        });
    }
}

std::vector<bool> Daemon::heldNow() const {
    const auto& contacts = impl_->engine.policy().contacts;
    auto now = impl_->clock->now();
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
    impl_->rules->update(heldNow());
    // Again at the next moment a level changes by itself (a schedule's edge, the end of a
    // soften or a snooze); nothing runs in between.
    impl_->timer->cancel(std::exchange(impl_->rules_timer, 0));
    auto now = impl_->clock->now();
    std::optional<policy::SysTime> next;
    for (std::size_t i = 0; i < impl_->engine.policy().contacts.size(); ++i) {
        auto at = impl_->engine.explain(i, now).changes_at;
        std::optional<policy::SysTime> t = at.utc;
        if (at.local) {
            auto local = local_time::toUtc(*at.local);
            if (!t || local < *t) t = local;
        }
        if (t && (!next || *t < *next)) next = t;
    }
    if (!next) return;
    // A second past the change, and never sooner than a second from now.
    const auto delay = std::max(*next - now.utc + std::chrono::seconds{1}, std::chrono::seconds{1});
    impl_->rules_timer = impl_->timer->after(delay, [this] {
        impl_->rules_timer = 0;
        refreshRules();
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
