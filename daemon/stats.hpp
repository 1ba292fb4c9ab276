// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/journal/store.hpp"
#include "policy/time.hpp"

// `nocontactctl stats`: what the journal says about the last N days, counted without a bus or
// a clock so it can be tested on its own. The measure is one sec's: how often the person reached
// for someone, and how often a pause was honoured rather than overridden.
namespace nocontact::daemon {

struct StatsDay {
    policy::Date day{};
    int messages = 0;  // their messages and calls that nocontact saw
    int reached = 0;   // the person reaching out (a message or a call to them)
};

struct StatsStreak {
    std::string contact;
    // Day N of the person's space from them (policy::dayNumber: 1 on day one, as the pause
    // says it); nullopt without a day one.
    std::optional<int> day;
    // The person's last message or call to them, whenever it was.
    std::optional<policy::SysTime> last_reached;
};

// Whether a journal event is the person reaching out: a message or a call to them that went
// on. Opening a messaging app is not (perhaps it was to write to someone else), whatever was
// answered to its pause. JournalStore::lastReachedOut asks the same in SQL.
bool reachesOut(const EventRow& e);

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
