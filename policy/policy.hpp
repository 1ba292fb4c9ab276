// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/level.hpp"
#include "policy/profile.hpp"
#include "policy/time.hpp"

namespace nocontact::policy {

// The typed form of policy.yaml (DESIGN.md §3). The loader fills it and checks every value;
// the core trusts it. Phone numbers are already E.164, e-mails and handles lower-case, names
// as written (the matcher folds them).

enum class GroupRule { Hold, Show };
enum class CallRule { Auto, Ring, Silence, Reject };

struct Defaults {
    Level strictness = Level::Pause;
    Seconds pause{20};
    std::string region = "US";
    std::vector<TimeOfDay> digest{{8 * 60 + 30}, {19 * 60}};
};

// A temporary raise while the local time is inside [from, to). `days` names the day the span
// starts on; a span with to <= from runs past midnight into the next day.
struct Schedule {
    std::string name;
    std::vector<Weekday> days;  // empty = every day
    TimeOfDay from;
    TimeOfDay to;
    int raise = 1;
};

struct Contact {
    std::string name;
    std::optional<Date> since;
    std::optional<Level> strictness;  // nullopt = defaults.strictness
    std::vector<std::string> reasons;
    std::vector<std::string> names;
    std::vector<std::string> phones;                          // E.164
    std::vector<std::string> emails;                          // lower-case
    std::map<std::string, std::vector<std::string>> handles;  // service -> handles
    GroupRule groups = GroupRule::Hold;
    CallRule calls = CallRule::Auto;
    // A second call within Engine's repeat window rings whatever the level (co-parents,
    // emergencies). Off by default: a repeat caller never breaks through on its own.
    bool repeat_calls_break_through = false;
};

struct ReachingOut {
    Level from = Level::Firm;
    bool freeze = true;
    Seconds grace{600};
};

struct Sources {
    bool kdeconnect = true;
    bool gnome_calls = true;
    bool modemmanager = true;
};

struct Policy {
    int version = 1;
    Defaults defaults;
    std::vector<Schedule> schedules;
    std::vector<Contact> contacts;
    ReachingOut reaching_out;
    Sources sources;
    std::vector<AppProfile> apps;  // the policy's own profiles, tried before the built-in ones
};

}  // namespace nocontact::policy
