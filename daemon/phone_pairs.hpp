// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// KDE Connect reports what a phone sends twice: on its own interface (the phone's half) and as
// a desktop notification (its copy), which is the half that can be withheld. The two are judged
// once, as a pair, whichever comes first; each waits here a little for the other, and a phone
// half whose copy never comes is journaled alone. An incoming SMS waits the same way for its
// messaging app's notification, which counts it when it comes. (DESIGN.md §2.)

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "daemon/clock.hpp"
#include "daemon/phone_events.hpp"
#include "daemon/timer.hpp"
#include "dbus/monitor.hpp"
#include "policy/engine.hpp"

namespace nocontact::daemon {

class PhonePairs {
  public:
    // A phone's half and its desktop copy (or an incoming SMS and its app's notification)
    // arrive within this time of each other.
    static constexpr std::chrono::seconds kWindow{10};

    struct Context {
        const Clock& clock;
        Timer& timer;
        // The daemon's engine, in force now: whose name a half's decision gives.
        const policy::Engine& engine;
        // A desktop copy whose own profile did not place the contact, met by the phone's half
        // that did: carried out as the half's event and decision.
        std::function<void(const dbus::Observed& copy, phone::Half half)> place;
        // A half that met no copy in time (and an SMS no notification counted): journaled alone.
        std::function<void(const phone::Half& half)> record;
    };

    explicit PhonePairs(Context context);
    ~PhonePairs();
    PhonePairs(const PhonePairs&) = delete;
    PhonePairs& operator=(const PhonePairs&) = delete;

    // The phone's own half of a notification or call (a stranger's is dropped): placed with a
    // desktop copy already waiting, or waits for one.
    void meet(phone::Half half);
    // A desktop copy from KDE Connect (`judged`: its own profile placed the contact). The phone
    // half that waited for it, now taken; otherwise the copy waits for its half.
    std::optional<phone::Half> take(const dbus::Observed& copy, bool judged);
    // An incoming SMS from a contact: journaled at the end of the window unless a message from
    // the contact was counted around it.
    void waitForCount(phone::Half sms);
    // A message from `contact` was counted now; an SMS waiting nearby may take it as its own.
    void counted(const std::string& contact);
    // True the first time KDE Connect reports this message of a conversation.
    bool firstSight(const std::string& device, std::int64_t thread, std::int32_t uid);

  private:
    struct Copy {
        policy::SysTime at{};
        dbus::Observed observed;
        bool judged = false;
    };
    void wait(phone::Half half);
    // Points a waiting half's decision at its contact in the policy in force now; false when
    // that policy no longer has the contact.
    bool current(phone::Half& half) const;
    void arm();
    void expire();
    bool takeCounted(const std::string& contact, policy::SysTime around);

    Context ctx_;
    std::deque<Copy> copies_;
    std::deque<phone::Half> waiting_;
    std::set<std::tuple<std::string, std::int64_t, std::int32_t>> sms_seen_;
    // When messages from each contact were counted lately.
    std::map<std::string, std::deque<policy::SysTime>> counted_;
    Timer::Id timer_ = 0;
};

}  // namespace nocontact::daemon
