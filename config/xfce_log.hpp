// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// xfce4-notifyd's notification log: when it is on, xfce4-notifyd writes each notification's
// text to $XDG_CACHE_HOME/xfce4/notifyd/log as it arrives, before nocontact can take a
// contact's message back. Its settings live in xfconf (channel "xfce4-notifyd"); what they
// mean, as xfce4-notifyd 0.7.3 reads them (xfce4-notifyd/xfce-notify-daemon.c):
//  - /notification-log (bool): the log is on;
//  - /log-level (uint): 0 logs only while "Do not disturb" is on, 1 always;
//  - /log-level-apps (uint): 0 all apps, 1 all but muted ones, 2 only muted ones (a shown
//    notification is then never logged);
//  - /applications/excluded-from-log (string list): apps never logged, by their app name.
// Pure: the settings in, what they mean for nocontact's apps out.

#include <cstdint>
#include <string>
#include <vector>

#include "policy/profile.hpp"

namespace nocontact::config {

inline constexpr const char* kXfceChannel = "xfce4-notifyd";
inline constexpr const char* kXfceLogOn = "/notification-log";
inline constexpr const char* kXfceLogLevel = "/log-level";
inline constexpr const char* kXfceLogLevelApps = "/log-level-apps";
inline constexpr const char* kXfceExcluded = "/applications/excluded-from-log";

struct XfceLog {
    bool on = false;
    std::uint32_t level = 0;
    std::uint32_t level_apps = 0;
    std::vector<std::string> excluded;
};

// The app names nocontact watches for contacts' messages, as a notification names its app
// (the profiles' exact app names; patterns such as "Firefox*" cannot be said to xfce4-notifyd),
// and nocontact's own (its pause shows your reasons): sorted, each once.
std::vector<std::string> watchedAppNames(const std::vector<policy::AppProfile>& profiles);

// Of `apps`, those whose notifications the log can take in with these settings: none while the
// log is off, or while it logs only muted apps; otherwise those not excluded.
std::vector<std::string> appsLogged(const XfceLog& log, const std::vector<std::string>& apps);

// The excluded list with `apps` added (its own order kept, the new ones after it).
std::vector<std::string> withExcluded(const XfceLog& log, const std::vector<std::string>& apps);

}  // namespace nocontact::config
