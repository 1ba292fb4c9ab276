// SPDX-License-Identifier: GPL-3.0-or-later
// The pause before a messaging app opens (reaching out): part of PausePresenter, beside the
// pause for a contact's messages in pause.cpp.
#include <algorithm>

#include "daemon/log.hpp"
#include "daemon/pause/markup.hpp"
#include "daemon/pause/pause.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

namespace {
constexpr const char* kActionOpen = "open";
constexpr const char* kActionLetGo = "let-go";
constexpr int kFullProgress = 100;
// A pause closed unanswered this many times in a row lets the app through: the person has
// answered, in their way, and a server that closes everything must not trap the app.
constexpr int kMaxShownAgain = 3;
}  // namespace

void PausePresenter::openReach(const ReachRequest& request) {
    if (reaches_.count(request.unit) > 0) return;  // one pause per launch
    Reach reach{.request = request, .reason = {}};
    if (!request.reasons.empty()) {
        std::size_t& turn = reason_turns_[request.contact];
        reach.reason = request.reasons[turn++ % request.reasons.size()];
    }
    auto [it, inserted] = reaches_.emplace(request.unit, std::move(reach));
    if (!showReach(it->second, true)) return;
    updateTicker();
}

namespace {

// The words of one pause: an app, or a call one way or the other.
struct ReachWords {
    std::string title, countdown, ready, go_on, let_go;
};

ReachWords wordsFor(const ReachRequest& request, int seconds_left) {
    using Kind = ReachRequest::Kind;
    if (request.kind == Kind::App) {
        return {strings::reachTitle(request.app), strings::reachCountdown(seconds_left),
                strings::reachReady(), i18n::tr(strings::kOpenApp), i18n::tr(strings::kLetGo)};
    }
    const bool incoming = request.kind == Kind::IncomingCall;
    return {incoming ? strings::callingTitle(request.contact)
                     : strings::callingThemTitle(request.contact),
            strings::callCountdown(seconds_left, incoming), strings::callReady(incoming),
            i18n::tr(incoming ? strings::kAnswer : strings::kCallAnyway),
            i18n::tr(incoming ? strings::kLetItRing : strings::kHangUp)};
}

}  // namespace

NotificationContent PausePresenter::reachContent(const Reach& reach,
                                                 Notifier::Capabilities caps) const {
    auto text = [&](const std::string& s) { return caps.body_markup ? escapeMarkup(s) : s; };
    const ReachRequest& request = reach.request;
    const ReachWords words = wordsFor(request, request.seconds - reach.elapsed);
    std::vector<std::string> lines;
    if (request.day_count) {
        lines.push_back(
            strings::pauseDayCount(*request.day_count, text(request.contact), caps.body_markup));
    }
    if (!reach.reason.empty()) lines.push_back(text(reach.reason));
    bool done = reach.elapsed >= request.seconds;
    lines.push_back(text(done ? words.ready : words.countdown));
    if (request.frozen) lines.push_back(text(strings::reachWaiting(request.app)));
    // Normal urgency, as every pause: a breath, not an alarm. It stays until answered where the
    // server allows (an app may be waiting, frozen, for the answer).
    NotificationContent content{.app_name = kPauseAppName,
                                .summary = words.title,
                                .body = {},
                                .until_closed = true,
                                .urgency = Urgency::Normal};
    for (const auto& line : lines)
        content.body += (content.body.empty() ? "" : "\n") + line;
    int seconds = std::max(request.seconds, 1);
    content.value = std::min(reach.elapsed, seconds) * kFullProgress / seconds;
    if (caps.actions) {
        if (done) content.actions.push_back({kActionOpen, words.go_on});
        content.actions.push_back({kActionLetGo, words.let_go});
    }
    return content;
}

// Posts (fresh) or updates the pause. When it cannot be shown, a frozen app is let through:
// the pause must never become a trap. False when the pause is gone.
bool PausePresenter::showReach(Reach& reach, bool fresh) {
    auto content = reachContent(reach, notifier_.capabilities());
    bool shown = false;
    if (fresh || reach.handle == 0) {
        reach.handle = notifier_.post(content);
        shown = reach.handle != 0;
    } else {
        shown = notifier_.update(reach.handle, content);
    }
    if (shown) return true;
    reachFailed(std::string(reach.request.unit));
    return false;
}

// The pause cannot be shown (now, or as a Notifier reports later): a frozen app is let through.
void PausePresenter::reachFailed(const std::string& unit) {
    auto it = reaches_.find(unit);
    if (it == reaches_.end()) return;
    log::write(log::Priority::Warning, "the pause before an app could not be shown",
               {.contact = it->second.request.contact, .action = "pause-before-use"});
    answerReach(unit, ReachChoice::Which::LetThrough);
}

bool PausePresenter::onReachFailed(Notifier::Handle handle) {
    for (const auto& [unit, reach] : reaches_) {
        if (reach.handle != handle) continue;
        reachFailed(std::string(unit));  // a copy: answerReach erases the entry
        return true;
    }
    return false;
}

void PausePresenter::tickReaches() {
    std::vector<std::string> counting;
    for (const auto& [unit, reach] : reaches_)
        if (reach.elapsed < reach.request.seconds) counting.push_back(unit);
    for (const auto& unit : counting) {
        auto it = reaches_.find(unit);
        if (it == reaches_.end()) continue;
        Reach& reach = it->second;
        ++reach.elapsed;
        if (!showReach(reach, false)) continue;
        // Without buttons nobody can answer: the countdown was the pause.
        if (reach.elapsed >= reach.request.seconds && !notifier_.capabilities().actions)
            answerReach(unit, ReachChoice::Which::LetThrough);
    }
}

bool PausePresenter::onReachAction(Notifier::Handle handle, const std::string& key) {
    for (auto& [unit, reach] : reaches_) {
        if (reach.handle != handle) continue;
        std::string which = unit;  // answerReach erases the entry
        if (key == kActionLetGo)
            answerReach(which, ReachChoice::Which::LetGo);
        else if (key == kActionOpen && reach.elapsed >= reach.request.seconds)
            answerReach(which, ReachChoice::Which::OpenAnyway);
        return true;
    }
    return false;
}

// Closed without an answer: while the app waits frozen, the pause comes back so the choice
// stays within reach; otherwise the app is open already and the pause simply ends.
bool PausePresenter::onReachClosed(Notifier::Handle handle) {
    for (auto it = reaches_.begin(); it != reaches_.end(); ++it) {
        if (it->second.handle != handle) continue;
        if (it->second.request.frozen && it->second.shown_again < kMaxShownAgain) {
            ++it->second.shown_again;
            it->second.handle = 0;
            showReach(it->second, true);
        } else if (it->second.request.frozen) {
            it->second.handle = 0;
            answerReach(std::string(it->first), ReachChoice::Which::LetThrough);
        } else {
            reaches_.erase(it);
            updateTicker();
        }
        return true;
    }
    return false;
}

void PausePresenter::answerReach(const std::string& unit, ReachChoice::Which which) {
    auto it = reaches_.find(unit);
    if (it == reaches_.end()) return;
    ReachChoice choice{.kind = it->second.request.kind,
                       .unit = unit,
                       .app = it->second.request.app,
                       .app_id = it->second.request.app_id,
                       .contact = it->second.request.contact,
                       .which = which,
                       .frozen = it->second.request.frozen};
    Notifier::Handle handle = it->second.handle;
    reaches_.erase(it);
    if (handle != 0) notifier_.close(handle);
    updateTicker();
    if (on_reach_) on_reach_(choice);
}

void PausePresenter::closeReach(const std::string& unit) {
    auto it = reaches_.find(unit);
    if (it == reaches_.end()) return;
    Notifier::Handle handle = it->second.handle;
    reaches_.erase(it);
    if (handle != 0) notifier_.close(handle);
    updateTicker();
}

}  // namespace nocontact::daemon
