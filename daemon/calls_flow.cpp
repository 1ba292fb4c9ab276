// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/calls_flow.hpp"

#include <utility>

#include "base/i18n.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

using namespace phone;

namespace {

// GNOME Calls on a Linux phone places its calls through ModemManager: one call, seen twice.
// The same number in the same direction within this time is that one call.
constexpr auto kSameCallWindow = std::chrono::seconds(60);
constexpr std::size_t kMaxCalls = 256;  // a bound, never reached in use

// The last digits of a number, for telling one call seen by two sources from another.
std::string digitsOf(const std::string& number) {
    std::string digits;
    for (char c : number)
        if (c >= '0' && c <= '9') digits += c;
    return digits.size() > 9 ? digits.substr(digits.size() - 9) : digits;
}

std::string levelOf(const policy::Decision& d) {
    return d.journalLevel();
}

}  // namespace

void CallsFlow::changed(const std::string& source, const dbus::PhoneCall& call) {
    using State = dbus::PhoneCall::State;
    if (call.state == State::Ended) return gone(call.path);
    if (auto seen = calls_.find(call.path); seen != calls_.end()) {
        if (call.state == State::Active) connected(call.path, seen->second);
        return;
    }
    if (call.state != State::Ringing && call.state != State::Dialing) return;
    if (calls_.size() >= kMaxCalls) calls_.clear();
    CallSeen fresh;
    fresh.source = source;
    fresh.incoming = call.incoming;
    calls_[call.path] = std::move(fresh);
    const auto now = ctx_.clock.now();
    if (seenThroughTheOther(source, call, now.utc)) return;
    policy::Event event =
        phoneEvent(source, policy::Kind::Call, call.incoming, call.name, call.number);
    policy::Decision decision = ctx_.judge(event, now);
    if (!decision.contact) return;  // a stranger's call is never touched
    if (call.incoming) ctx_.engine.noteCall(*decision.contact, now);
    CallSeen& seen = calls_[call.path];
    seen.contact = ctx_.engine.policy().contacts[*decision.contact].name;
    seen.level = levelOf(decision);
    seen.event = event;
    logCall(source, seen, decision);
    if (ctx_.dry_run || !ctx_.keeper) return;
    const bool reject = decision.has(policy::Action::Reject);
    ctx_.keeper->call(ctx_.engine, source, call.path, event, decision,
                      reject ? "" : doneAbout(decision, source));
    seen.paused =
        decision.has(call.incoming ? policy::Action::Pause : policy::Action::PauseBeforeUse);
    if (reject) end(call.path);
    if (decision.has(policy::Action::Silence)) quiet(source, call.path);
}

// The same number, the same way, from the other service within kSameCallWindow: one call.
bool CallsFlow::seenThroughTheOther(const std::string& source, const dbus::PhoneCall& call,
                                    policy::SysTime now) {
    const std::string digits = digitsOf(call.number);
    if (digits.empty()) return false;
    const std::string key = (call.incoming ? "in:" : "out:") + digits;
    auto same = recent_.find(key);
    if (same != recent_.end() && same->second.source != source &&
        now - same->second.at < kSameCallWindow)
        return true;
    if (recent_.size() >= kMaxCalls) recent_.clear();
    recent_[key] = Recent{source, now};
    return false;
}

void CallsFlow::logCall(const std::string& source, const phone::CallSeen& seen,
                        const policy::Decision& decision) const {
    log::Fields fields{.contact = seen.contact,
                       .app = source,
                       .action = std::string(policy::actionName(decision.primary())),
                       .level = seen.level,
                       .kind = seen.incoming ? "call" : "outgoing call",
                       .source = source};
    if (ctx_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
}

// Answered (by the person, in the dialer) or picked up by them: a pause about the call has
// nothing left to ask. A call to them that went on while its pause was open is reaching out.
void CallsFlow::connected(const std::string& path, phone::CallSeen& seen) {
    if (!seen.paused) return;
    seen.paused = false;
    if (!ctx_.keeper) return;
    ctx_.keeper->reachGone(path);
    if (!seen.incoming && !seen.answered)
        ctx_.keeper->record(seen.contact, "user", seen.event, "", "went-on", "reach_answer");
}

void CallsFlow::gone(const std::string& path) {
    if (calls_.erase(path) > 0 && ctx_.keeper) ctx_.keeper->reachGone(path);
}

void CallsFlow::forget(const std::string& source) {
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (it->second.source != source) {
            ++it;
            continue;
        }
        if (ctx_.keeper) ctx_.keeper->reachGone(it->first);
        it = calls_.erase(it);
    }
}

// Ends a contact's call as the ladder asks, journals how that went, and for a call the person
// made, says so kindly.
void CallsFlow::end(const std::string& path) {
    const CallSeen seen = calls_[path];
    hangUp(seen.source, path, seen.contact, [this, seen](bool ok) {
        if (ctx_.keeper)
            ctx_.keeper->record(seen.contact, seen.source, seen.event, seen.level,
                                ok ? "reject" : "hangup-refused");
        if (ok && !seen.incoming)
            ctx_.tell(strings::callEndedTitle(seen.contact), strings::callEndedBody());
    });
}

void CallsFlow::hangUp(const std::string& source, const std::string& path,
                       const std::string& contact, std::function<void(bool ok)> then) {
    ctx_.ask(source, path, "Hangup",
             [this, source, contact, then](bool ok, const std::string& error) {
                 if (!ok) refusedToEnd(source, contact, error);
                 if (then) then(ok);
             });
}

// Said once, not for every call: polkit will refuse the next one the same way.
void CallsFlow::refusedToEnd(const std::string& source, const std::string& contact,
                             const std::string& error) {
    if (!hangup_refused_.empty()) return;
    hangup_refused_ = source + ": " + error;
    if (source == kModemManager)
        hangup_refused_ += " (a polkit rule can allow org.freedesktop.ModemManager1.Voice)";
    log::detail(log::Priority::Warning, "A call could not be ended", error);
    if (ctx_.keeper) ctx_.keeper->notice(contact, source, "hangup-refused");
}

void CallsFlow::quiet(const std::string& source, const std::string& path) {
    if (!powersOf(source).silence) return cannotSilence(source);
    ctx_.ask(source, path, "Silence", [this, source](bool ok, const std::string& error) {
        if (ok) return;
        // A Calls from before Silence: it rings on, and that is said once.
        log::detail(log::Priority::Notice, "A call could not be silenced", error);
        cannotSilence(source);
    });
}

void CallsFlow::cannotSilence(const std::string& source) {
    if (!silence_note_.insert(source).second) return;
    log::write(log::Priority::Notice, "This phone source cannot silence a call; it rings on.",
               {.source = source});
}

void CallsFlow::answered(const ReachChoice& choice) {
    auto call = calls_.find(choice.unit);
    if (call == calls_.end()) return;  // ended meanwhile
    CallSeen& seen = call->second;
    seen.paused = false;
    seen.answered = choice.which != ReachChoice::Which::LetThrough;
    const bool incoming = choice.kind == ReachRequest::Kind::IncomingCall;
    if (incoming && choice.which == ReachChoice::Which::OpenAnyway) {
        ctx_.ask(seen.source, choice.unit, "Accept", [](bool ok, const std::string& error) {
            if (!ok) log::detail(log::Priority::Warning, "A call could not be answered", error);
        });
    } else if (!incoming && choice.which == ReachChoice::Which::LetGo) {
        hangUp(seen.source, choice.unit, seen.contact, {});
    }
}

void CallsFlow::cannotEnd(const std::string& source) {
    if (!cannot_end_note_.insert(source).second) return;
    log::write(log::Priority::Notice, "A call through this phone source cannot be ended here.",
               {.source = source});
}

std::vector<std::string> CallsFlow::problems() const {
    std::vector<std::string> problems;
    if (!hangup_refused_.empty()) problems.push_back(hangup_refused_);
    for (const auto& source : silence_note_)
        problems.push_back(
            i18n::fill(i18n::tr("{source}: a ringing call cannot be silenced from here"),
                       {{"source", source}}));
    for (const auto& source : cannot_end_note_)
        problems.push_back(i18n::fill(i18n::tr("{source}: a call cannot be ended from here"),
                                      {{"source", source}}));
    return problems;
}

}  // namespace nocontact::daemon
