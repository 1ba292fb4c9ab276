// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reaching out (DESIGN.md §2–§4): the person opening a messaging app. The systemd user manager
// starts desktop apps in units of their own; when one is a messaging app and a contact's level
// asks for it, a pause comes first, with the app frozen while it lasts when the policy says so
// and the machine can. GNOME Shell also reports the launches it makes (AppStarted, from its
// extension); one that no unit follows within a second is paused without a freeze.
//
// Apps frozen behind a pause are listed in the state folder's "frozen-apps" as well, so that a
// nocontactd that crashed thaws them when it starts again.

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "daemon/clock.hpp"
#include "daemon/keeper.hpp"
#include "daemon/shell_launches.hpp"
#include "dbus/app_unit.hpp"
#include "dbus/units_watch.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

typedef struct sd_bus sd_bus;

namespace nocontact::daemon {

class ReachingFlow {
  public:
    // What the flow needs of the daemon. The engine and profiles are the daemon's own, in force
    // now (a reload replaces what they hold, not them).
    struct Context {
        const Clock& clock;
        const policy::Engine& engine;
        const policy::Profiles& profiles;
        std::string state_dir;  // empty: nothing is listed on disk
        // Decide, log and tell; pause and freeze nothing (what a crash left frozen is still
        // thawed).
        bool dry_run = false;
        Keeper* keeper = nullptr;  // none in a dry run
        // Judges an event by the policy in force, now (every door judges the same way).
        std::function<policy::Decision(const policy::Event&)> judge;
        // Intervened(contact, app, kind, level, action), for the API's subscribers.
        std::function<void(const std::string&, const std::string&, const std::string&,
                           const std::string&, const std::string&)>
            intervened;
    };

    ReachingFlow(Context context, sd_bus* bus);
    ~ReachingFlow();
    ReachingFlow(const ReachingFlow&) = delete;
    ReachingFlow& operator=(const ReachingFlow&) = delete;

    // Follows app units from now on, and thaws what a crashed nocontactd left frozen.
    void start();
    // GNOME Shell started an app (its desktop id, one of its processes or 0).
    void appStarted(const std::string& app_id, std::uint32_t pid);
    // The person answered the pause before an app (ReachRequest::Kind::App).
    void answered(const ReachChoice& choice);
    // On the way out: no app stays frozen behind a pause nobody will answer.
    void thawAll();
    // "untried", "available", or why apps cannot be frozen here (for Status).
    const std::string& freezer() const { return freezer_; }

  private:
    void onAppLaunch(const dbus::AppUnit& unit);
    // A messaging app starting: in `unit` (a systemd unit, which can be frozen), or reported
    // by GNOME Shell only (`unit` is then a key of the launch's).
    void reachOut(const policy::AppProfile& profile, const std::string& unit, bool in_unit);
    void onFrozen(const std::string& unit, const std::string& profile_id, const std::string& app,
                  const std::string& contact, bool ok, const std::string& error);
    void remember(const std::string& unit, bool frozen);
    void thawLeftFrozen();

    Context ctx_;
    std::unique_ptr<dbus::UnitsWatch> units_;
    std::string freezer_ = "untried";
    std::set<std::string> frozen_;  // frozen behind a pause right now
    ShellLaunches shell_launches_;  // app starts GNOME Shell reported, beside those in units
};

}  // namespace nocontact::daemon
