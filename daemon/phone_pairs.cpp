// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/phone_pairs.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace nocontact::daemon {

using phone::Half;

namespace {

constexpr std::size_t kMaxRemembered = 256;  // copies, halves, SMS: a bound, never reached

template <typename Container>
void bound(Container& c) {
    if (c.size() > kMaxRemembered) c.clear();
}

// A notification body as a person reads it: <br/> as a new line, other tags dropped, the five
// XML entities read.
std::string plainBody(const std::string& body) {
    std::string out;
    for (std::size_t i = 0; i < body.size();) {
        if (body[i] == '<') {
            std::size_t end = body.find('>', i);
            if (end == std::string::npos) break;
            if (body.compare(i, 3, "<br") == 0) out += '\n';
            i = end + 1;
        } else if (body[i] == '&') {
            static constexpr std::pair<const char*, char> kEntities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
            bool read = false;
            for (const auto& [entity, c] : kEntities) {
                if (body.compare(i, std::strlen(entity), entity) != 0) continue;
                out += c;
                i += std::strlen(entity);
                read = true;
                break;
            }
            if (!read) out += body[i++];
        } else {
            out += body[i++];
        }
    }
    return out;
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string hint(const dbus::Observed& o, const char* key) {
    auto it = o.notification.hints.find(key);
    return it == o.notification.hints.end() ? "" : it->second;
}

// Whether `copy` is KDE Connect's desktop copy of what the phone half says, in one of the
// shapes KNotifications gives it (formats.md §8): the summary is the title (Plasma) or the
// phone's app, the body is the text, "title: text", or a group's "<b>Sender</b><br/>text".
// A call's copy is its telephony event naming the caller.
bool isCopyOf(const dbus::Observed& copy, const Half& half) {
    const std::string event = hint(copy, "x-kde-eventId");
    const std::string body = plainBody(copy.notification.body);
    if (half.ring) {
        return (event == "callReceived" || event == "missedCall") && !half.caller.empty() &&
               body.find(half.caller) != std::string::npos;
    }
    if (!event.empty() && event != "notification") return false;
    const std::string& summary = copy.notification.summary;
    if (summary != half.title && summary != half.app) return false;
    return body == half.text || body == half.title + ": " + half.text ||
           endsWith(body, "\n" + half.text);
}

}  // namespace

PhonePairs::PhonePairs(Context context) : ctx_(std::move(context)) {}

PhonePairs::~PhonePairs() {
    ctx_.timer.cancel(timer_);
}

// Whichever of the two halves arrives second makes the pair, and the pair is judged once: by
// the copy's own profile when it could place it, else with what the phone said.
void PhonePairs::meet(Half half) {
    const auto now = ctx_.clock.now().utc;
    std::erase_if(copies_,
                  [&](const Copy& c) { return now - c.at > kWindow || c.at - now > kWindow; });
    if (!half.decision.contact) return;  // a stranger's half never takes a copy
    half.source = phone::kKdeConnect;
    for (auto it = copies_.begin(); it != copies_.end(); ++it) {
        if (!isCopyOf(it->observed, half)) continue;
        const bool judged = it->judged;
        dbus::Observed copy = std::move(it->observed);
        copies_.erase(it);
        if (!judged) ctx_.place(copy, std::move(half));
        return;
    }
    wait(std::move(half));
}

std::optional<Half> PhonePairs::take(const dbus::Observed& copy, bool judged) {
    for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
        if (it->sms || !isCopyOf(copy, *it)) continue;
        Half half = std::move(*it);
        waiting_.erase(it);
        if (current(half)) return half;
        break;  // someone the policy in force no longer names: the copy is judged alone
    }
    bound(copies_);
    copies_.push_back({ctx_.clock.now().utc, copy, judged});
    return std::nullopt;
}

void PhonePairs::waitForCount(Half sms) {
    if (!sms.decision.contact) return;  // only a contact's SMS is counted
    sms.sms = true;
    wait(std::move(sms));
}

void PhonePairs::wait(Half half) {
    half.at = ctx_.clock.now().utc;
    half.contact = ctx_.engine.policy().contacts[*half.decision.contact].name;
    bound(waiting_);
    waiting_.push_back(std::move(half));
    arm();
}

// One timer, for the first half's end of window (the halves wait in the order they came, unless
// the wall clock was set back meanwhile: a later half's timer then comes, at most, a window on).
void PhonePairs::arm() {
    if (timer_ != 0 || waiting_.empty()) return;
    const auto left = waiting_.front().at + kWindow - ctx_.clock.now().utc;
    // At least a second, and never longer than the window (a wall clock set back).
    const auto delay = std::clamp<std::chrono::seconds>(left, std::chrono::seconds{1}, kWindow);
    timer_ = ctx_.timer.after(delay, [this] {
        timer_ = 0;
        expire();
        arm();
    });
}

// Halves whose copy did not come are journaled alone; an incoming SMS only when no message
// from the contact was counted around it (its app's notification, judged by the monitor).
void PhonePairs::expire() {
    const auto now = ctx_.clock.now().utc;
    std::vector<Half> due;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        // Its window is over, or the wall clock went back further than a window since it came.
        if (now - it->at < kWindow && it->at - now <= kWindow) {
            ++it;
            continue;
        }
        due.push_back(std::move(*it));
        it = waiting_.erase(it);
    }
    // Notifications first: an SMS's own notification counts for it.
    std::stable_partition(due.begin(), due.end(), [](const Half& h) { return !h.sms; });
    for (Half& half : due) {
        if (!current(half)) continue;
        if (half.sms && takeCounted(half.contact, half.at)) continue;
        ctx_.record(half);
        if (!half.sms) counted(half.contact);
    }
}

bool PhonePairs::current(Half& half) const {
    half.decision.contact = ctx_.engine.matcher().byContactName(half.contact);
    return half.decision.contact.has_value();
}

void PhonePairs::counted(const std::string& contact) {
    const auto now = ctx_.clock.now().utc;
    bound(counted_);
    auto& times = counted_[contact];
    while (!times.empty() && now - times.front() > 2 * kWindow)
        times.pop_front();
    if (times.size() < kMaxRemembered) times.push_back(now);
}

// Takes one count of a message from `contact` within the window of `around`, if there is one.
bool PhonePairs::takeCounted(const std::string& contact, policy::SysTime around) {
    auto it = counted_.find(contact);
    if (it == counted_.end()) return false;
    auto& times = it->second;
    auto near = std::find_if(times.begin(), times.end(), [&](policy::SysTime t) {
        return t >= around - kWindow && t <= around + kWindow;
    });
    if (near == times.end()) return false;
    times.erase(near);
    return true;
}

bool PhonePairs::firstSight(const std::string& device, std::int64_t thread, std::int32_t uid) {
    bound(sms_seen_);
    return sms_seen_.insert({device, thread, uid}).second;
}

}  // namespace nocontact::daemon
