// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/reaching_flow.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/log.hpp"

namespace nocontact::daemon {

namespace {
constexpr const char* kFrozenFile = "frozen-apps";
}  // namespace

ReachingFlow::ReachingFlow(Context context, sd_bus* bus) : ctx_(std::move(context)) {
    units_ = std::make_unique<dbus::UnitsWatch>(
        bus, [this](const dbus::AppUnit& unit) { onAppLaunch(unit); },
        [this](const std::string& unit) {
            remember(unit, false);
            if (ctx_.keeper) ctx_.keeper->reachGone(unit);
        });
}

ReachingFlow::~ReachingFlow() = default;

// Keeps the list of frozen apps on disk: written whole, then renamed into place.
void ReachingFlow::remember(const std::string& unit, bool frozen) {
    bool changed = frozen ? frozen_.insert(unit).second : frozen_.erase(unit) > 0;
    if (!changed || ctx_.state_dir.empty()) return;
    const std::string file = ctx_.state_dir + "/" + kFrozenFile;
    const std::string next = file + ".new";
    int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    std::string text;
    for (const auto& u : frozen_)
        text += u + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok || ::rename(next.c_str(), file.c_str()) != 0) {
        ::unlink(next.c_str());
        log::write(log::Priority::Warning, "The list of frozen apps could not be saved");
    }
}

// After a crash: apps the last nocontactd froze would wait forever. They open now.
void ReachingFlow::thawLeftFrozen() {
    if (ctx_.state_dir.empty()) return;
    std::ifstream in(ctx_.state_dir + "/" + kFrozenFile);
    std::string unit;
    while (std::getline(in, unit)) {
        if (unit.empty()) continue;
        frozen_.insert(unit);
        units_->thaw(unit, [this, unit](bool, const std::string&) {
            // Gone meanwhile, or thawed: either way it no longer waits for us.
            remember(unit, false);
        });
    }
}

void ReachingFlow::thawAll() {
    // Only what the manager confirms thawed is forgotten; the rest stays on the list, for the
    // next nocontactd to thaw (a lost bus is the likeliest reason to be stopping at all).
    std::vector<std::string> thawed;
    for (const auto& unit : frozen_)
        if (units_->thawNow(unit)) thawed.push_back(unit);
    for (const auto& unit : thawed)
        remember(unit, false);
}

void ReachingFlow::start() {
    units_->start();
    thawLeftFrozen();
}

namespace {

// GNOME Shell tells of the launches it makes itself before the systemd user manager announces
// the unit it starts them in: its report waits this long for that unit, which can be frozen.
// The unit comes within milliseconds; a second covers a loaded machine, and is short beside
// the time an app takes to draw its first window.
constexpr std::chrono::milliseconds kUnitWait{1000};
// Pauses for apps GNOME Shell reported without a unit are keyed "/gnome-shell/ID/PID": "/"
// never appears in a unit name, so the two kinds of key cannot meet.
constexpr const char* kShellKeyPrefix = "/gnome-shell/";

std::string shellLaunchKey(const std::string& desktop_id, std::uint32_t pid) {
    return kShellKeyPrefix + desktop_id + "/" + std::to_string(pid);
}

bool isShellLaunchKey(const std::string& unit) {
    return unit.rfind(kShellKeyPrefix, 0) == 0;
}

// The process in a key, or 0.
pid_t shellLaunchPid(const std::string& key) {
    auto slash = key.rfind('/');
    if (slash == std::string::npos) return 0;
    try {
        long pid = std::stol(key.substr(slash + 1));
        return pid > 1 ? static_cast<pid_t>(pid) : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

// GNOME Shell's app id is the desktop file's name; profiles know it without ".desktop".
std::string desktopId(std::string app_id) {
    constexpr std::string_view kSuffix = ".desktop";
    if (app_id.size() > kSuffix.size() &&
        app_id.compare(app_id.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
        app_id.resize(app_id.size() - kSuffix.size());
    return app_id;
}

}  // namespace

void ReachingFlow::onAppLaunch(const dbus::AppUnit& unit) {
    const policy::AppProfile* profile = ctx_.profiles.byDesktopId(unit.desktop_id);
    if (!profile || !profile->messaging) return;  // not a way to write to anyone
    shell_launches_.unitLaunched(profile->id, ShellLaunches::Instant{ctx_.clock.monotonicUsec()});
    reachOut(*profile, unit.unit, true);
}

void ReachingFlow::appStarted(const std::string& app_id, std::uint32_t pid) {
    const std::string desktop_id = desktopId(app_id);
    const policy::AppProfile* profile = ctx_.profiles.byDesktopId(desktop_id);
    if (!profile || !profile->messaging) return;
    const std::string profile_id = profile->id;
    if (shell_launches_.unitLaunchedRecently(profile_id,
                                             ShellLaunches::Instant{ctx_.clock.monotonicUsec()}))
        return;  // the start its unit told of, paused through the unit
    shell_launches_.waitForUnit(profile_id, kUnitWait, [this, profile_id, desktop_id, pid] {
        if (shell_launches_.unitLaunchedRecently(
                profile_id, ShellLaunches::Instant{ctx_.clock.monotonicUsec()}))
            return;  // its unit came meanwhile
        // Looked up again: a reload may have come while it waited.
        const policy::AppProfile* again = ctx_.profiles.byDesktopId(desktop_id);
        if (again && again->messaging) reachOut(*again, shellLaunchKey(desktop_id, pid), false);
    });
}

void ReachingFlow::reachOut(const policy::AppProfile& profile, const std::string& unit,
                            bool in_unit) {
    policy::Event event;
    event.source = policy::Source::Systemd;
    event.kind = policy::Kind::AppLaunch;
    event.direction = policy::Direction::Outgoing;
    event.app = profile.id;
    event.sender = profile.name;
    policy::Decision decision = ctx_.judge(event);
    if (!decision.contact) return;  // nobody in the policy
    const auto& contact = ctx_.engine.policy().contacts[*decision.contact];
    const std::string level = decision.level ? std::string(policy::levelName(*decision.level)) : "";
    const std::string action(policy::actionName(decision.primary()));
    log::write(log::Priority::Info, "The person reached for a messaging app.",
               {.contact = contact.name,
                .app = profile.id,
                .action = action,
                .level = level,
                .kind = "app_launch",
                .source = in_unit ? "systemd" : "gnome-shell"});
    ctx_.intervened(contact.name, profile.id, "app_launch", level, action);
    if (ctx_.dry_run || !ctx_.keeper) return;

    const std::string app = profile.name.empty() ? profile.id : profile.name;
    const bool freeze = in_unit && decision.has(policy::Action::Freeze) &&
                        (freezer_ == "untried" || freezer_ == "available");
    if (!freeze) {
        if (!in_unit)
            decision.actions.erase(std::remove(decision.actions.begin(), decision.actions.end(),
                                               policy::Action::Freeze),
                                   decision.actions.end());
        ctx_.keeper->reach(ctx_.engine, unit, profile.id, app, decision, false);
        return;
    }
    // Frozen first, then the pause: the app does not get to draw a window in between.
    units_->freeze(unit, [this, unit, profile_id = profile.id, app, contact = contact.name](
                             bool ok, const std::string& error) {
        onFrozen(unit, profile_id, app, contact, ok, error);
    });
}

namespace {

// Errors that say this manager cannot freeze anything (systemd < 246, cgroup v1, a refusal by
// design), as opposed to "not this unit, not now" (a job still running, a unit not active yet).
bool freezerMissing(const std::string& error) {
    for (const char* name :
         {"org.freedesktop.DBus.Error.NotSupported", "org.freedesktop.DBus.Error.UnknownMethod",
          "org.freedesktop.DBus.Error.AccessDenied"}) {
        if (error.rfind(name, 0) == 0) return true;
    }
    return false;
}

bool noAnswer(const std::string& error) {
    return error.rfind("org.freedesktop.DBus.Error.NoReply", 0) == 0 ||
           error.rfind("org.freedesktop.DBus.Error.Timeout", 0) == 0;
}

}  // namespace

// The manager answered FreezeUnit. The decision was made against the policy of that moment;
// it is looked up again by the contact's name, as a reload may have come in between.
void ReachingFlow::onFrozen(const std::string& unit, const std::string& profile_id,
                            const std::string& app, const std::string& contact, bool ok,
                            const std::string& error) {
    if (ok) {
        freezer_ = "available";
        remember(unit, true);
    } else if (noAnswer(error)) {
        // The freeze may still complete after the call gave up: undo it, whenever it lands.
        units_->thaw(unit, [](bool, const std::string&) {});
    } else if (freezerMissing(error) && (freezer_ == "untried" || freezer_ == "available")) {
        freezer_ = error;
        log::detail(log::Priority::Notice,
                    "Apps cannot be frozen here; the pause before them comes without it", error);
    }
    auto index = ctx_.engine.matcher().byContactName(contact);
    if (!ctx_.keeper || !index) {
        if (ok)
            units_->thaw(unit, [this, unit](bool thawed, const std::string&) {
                if (thawed) remember(unit, false);
            });
        return;
    }
    policy::Decision decision;
    auto now = ctx_.clock.now();
    auto explained = ctx_.engine.explain(*index, now);
    decision.contact = *index;
    decision.level = explained.level;
    decision.actions = {policy::Action::PauseBeforeUse, policy::Action::Count};
    if (ok) decision.actions.push_back(policy::Action::Freeze);
    ctx_.keeper->reach(ctx_.engine, unit, profile_id, app, decision, ok);
}

void ReachingFlow::answered(const ReachChoice& choice) {
    const bool open = choice.which != ReachChoice::Which::LetGo;
    log::write(log::Priority::Info, "The pause before an app ended.",
               {.contact = choice.contact,
                .action = choice.which == ReachChoice::Which::OpenAnyway ? "opened-anyway"
                          : open                                         ? "let-through"
                                                                         : "let-go"});
    if (isShellLaunchKey(choice.unit)) {
        // No unit to thaw or stop: let go, the app's process is asked to close, as systemd
        // would ask it (SIGTERM).
        pid_t pid = shellLaunchPid(choice.unit);
        if (!open && pid > 0) ::kill(pid, SIGTERM);
        return;
    }
    auto thawed = [this, unit = choice.unit](bool ok, const std::string& error) {
        if (!ok) log::detail(log::Priority::Warning, "An app could not be thawed", error);
        if (ok) remember(unit, false);  // otherwise tried again at the next start
    };
    if (open) {
        if (choice.frozen) units_->thaw(choice.unit, thawed);
        return;
    }
    // Let it go: the app closes as it would from its own menu. A frozen app is thawed first,
    // so it can hear the request.
    if (choice.frozen) units_->thaw(choice.unit, thawed);
    units_->stop(choice.unit, [](bool ok, const std::string& error) {
        if (!ok) log::detail(log::Priority::Warning, "An app could not be closed", error);
    });
}

}  // namespace nocontact::daemon
