// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/journal_store.hpp"
#include "policy/time.hpp"

// `nocontactctl stats`: what the journal says about the last N days, counted without a bus or
// a clock so it can be tested on its own. The measure is one sec's: how often the person reached
// for someone, and how often a pause was honoured rather than overridden.
namespace nocontact::daemon {

struct StatsDay {
    policy::Date day{};
    int messages = 0;  // their messages and calls that nocontact saw
    int reached = 0;   // the person reaching out (opening their app, calling them)
};

struct StatsStreak {
    std::string contact;
    // Whole days since the person last reached out to them, or since their `since` day when
    // they have not reached out since then; nullopt when there is neither.
    std::optional<int> days;
    std::optional<policy::SysTime> last_reached;
};

struct Stats {
    std::string contact;            // empty: everyone
    std::vector<StatsDay> per_day;  // oldest first, one per local day, today last
    std::vector<StatsStreak> streaks;
    // Answers to pauses in the window. Honoured: let go (a message, or an app before it
    // opened), kept for later, or left to run out. Overridden: read at once, or opened anyway.
    int honoured = 0, overridden = 0;
    int let_go = 0, later = 0, read = 0, opened_anyway = 0;
};

struct StatsContact {
    std::string name;
    std::optional<policy::Date> since;  // the effective day one (a final straw moves it)
};

struct StatsInput {
    std::string contact;  // empty: everyone
    int days = 28;
    policy::Date today{};
    ToLocal to_local;
    std::vector<StatsContact> contacts;  // the policy's contacts
    // Every event and choice from at least `days` + 1 days back (older ones are ignored), and
    // the person's last reaching out to each contact, whenever it was.
    std::vector<EventRow> events;
    std::vector<ChoiceRow> choices;
    std::vector<EventRow> last_reached;
};

Stats computeStats(const StatsInput& input);

}  // namespace nocontact::daemon
