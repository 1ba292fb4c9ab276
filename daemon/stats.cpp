// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/stats.hpp"

#include <algorithm>

#include "policy/day_count.hpp"
#include "policy/normalise.hpp"

namespace nocontact::daemon {

namespace {

bool concerns(const std::string& wanted, const std::string& contact) {
    return wanted.empty() || policy::foldName(wanted) == policy::foldName(contact);
}

// A call to them waited behind a pause, or nocontact ended it: the answer says if it went on.
bool stoppedFirst(const std::string& action) {
    return action == "pause-before-use" || action == "reject";
}

void countAnswer(const EventRow& e, Stats& out) {
    if (e.action == "let-go") {
        ++out.let_go;
        ++out.honoured;
    } else if (e.action == "opened-anyway" || e.action == "went-on") {
        ++out.opened_anyway;
        ++out.overridden;
    }
}

}  // namespace

bool reachesOut(const EventRow& e) {
    if (e.source == "user" && e.kind == "reach_answer") {
        // The pause before a call to them: called anyway, or the call went on meanwhile.
        return e.app == "call" &&
               (e.action == "opened-anyway" || e.action == "went-on" || e.action == "let-through");
    }
    const bool to_them = e.kind == "message" || e.kind == "group_message" || e.kind == "call";
    return e.direction == "outgoing" && to_them && !stoppedFirst(e.action);
}

Stats computeStats(const StatsInput& in) {
    Stats out;
    out.contact = in.contact;
    const int days = std::max(in.days, 1);
    const std::int64_t first = in.today.days - (days - 1);
    out.per_day.resize(static_cast<std::size_t>(days));
    for (int i = 0; i < days; ++i)
        out.per_day[static_cast<std::size_t>(i)].day = {first + i};

    for (const auto& e : in.events) {
        if (!concerns(in.contact, e.contact)) continue;
        std::int64_t index = policy::dateOf(in.to_local(e.time)).days - first;
        if (index < 0 || index >= days) continue;
        auto& day = out.per_day[static_cast<std::size_t>(index)];
        if (reachesOut(e)) ++day.reached;
        if (e.source == "user" && e.kind == "reach_answer") {  // the pause before an app or call
            countAnswer(e, out);
        } else if (e.direction != "outgoing" && e.source != "user" && e.kind != "notice") {
            ++day.messages;  // theirs: not the person's changes, nor notices
        }
    }

    for (const auto& c : in.choices) {
        if (!concerns(in.contact, c.contact)) continue;
        std::int64_t index = policy::dateOf(in.to_local(c.time)).days - first;
        if (index < 0 || index >= days) continue;
        switch (c.choice) {
            case Choice::Read:
                ++out.read;
                ++out.overridden;
                break;
            case Choice::LetGo:
                ++out.let_go;
                ++out.honoured;
                break;
            case Choice::Later:
            case Choice::Expired:
                ++out.later;
                ++out.honoured;
                break;
        }
    }

    for (const auto& contact : in.contacts) {
        if (!concerns(in.contact, contact.name)) continue;
        StatsStreak streak{.contact = contact.name,
                           .day = policy::dayNumber(contact.since, in.today),
                           .last_reached = {}};
        for (const auto& e : in.last_reached) {
            if (policy::foldName(e.contact) != policy::foldName(contact.name)) continue;
            if (!streak.last_reached || e.time > *streak.last_reached) streak.last_reached = e.time;
        }
        out.streaks.push_back(std::move(streak));
    }
    return out;
}

}  // namespace nocontact::daemon
