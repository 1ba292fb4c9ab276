// SPDX-License-Identifier: GPL-3.0-or-later
// Calls (DESIGN.md §4) from GNOME Calls and ModemManager: each call is decided once, even when
// both services report it, and the decision is carried out as far as the service allows — the
// call quieted, met by a pause (Answer / Let it ring; for a call to them, Hang up / Let it go
// on), or ended, with what happened in the journal. Part of Daemon (daemon/daemon.hpp).
#include "base/i18n.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/phone_events.hpp"
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

void Daemon::onPhoneCall(const std::string& source, const dbus::PhoneCall& call) {
    using State = dbus::PhoneCall::State;
    if (call.state == State::Ended) return onPhoneCallGone(call.path);
    if (auto seen = impl_->calls.find(call.path); seen != impl_->calls.end()) {
        if (call.state == State::Active) callConnected(call.path, seen->second);
        return;
    }
    if (call.state != State::Ringing && call.state != State::Dialing) return;
    if (impl_->calls.size() >= kMaxCalls) impl_->calls.clear();
    CallSeen fresh;
    fresh.source = source;
    fresh.incoming = call.incoming;
    impl_->calls[call.path] = std::move(fresh);
    const auto now = impl_->clock->now();
    if (seenThroughTheOther(source, call, now.utc)) return;
    policy::Event event =
        phoneEvent(source, policy::Kind::Call, call.incoming, call.name, call.number);
    policy::Decision decision = judge(event, now);
    if (!decision.contact) return;  // a stranger's call is never touched
    if (call.incoming) impl_->engine.noteCall(*decision.contact, now);
    CallSeen& seen = impl_->calls[call.path];
    seen.contact = impl_->engine.policy().contacts[*decision.contact].name;
    seen.level = levelOf(decision);
    seen.event = event;
    logCall(source, seen, decision);
    if (options_.dry_run || !impl_->keeper) return;
    const bool reject = decision.has(policy::Action::Reject);
    impl_->keeper->call(impl_->engine, source, call.path, event, decision,
                        reject ? "" : doneAbout(decision, source));
    seen.paused =
        decision.has(call.incoming ? policy::Action::Pause : policy::Action::PauseBeforeUse);
    if (reject) endCall(call.path);
    if (decision.has(policy::Action::Silence)) quiet(source, call.path);
}

// The same number, the same way, from the other service within kSameCallWindow: one call.
bool Daemon::seenThroughTheOther(const std::string& source, const dbus::PhoneCall& call,
                                 policy::SysTime now) {
    const std::string digits = digitsOf(call.number);
    if (digits.empty()) return false;
    const std::string key = (call.incoming ? "in:" : "out:") + digits;
    auto same = impl_->recent_calls.find(key);
    if (same != impl_->recent_calls.end() && same->second.source != source &&
        now - same->second.at < kSameCallWindow)
        return true;
    if (impl_->recent_calls.size() >= kMaxCalls) impl_->recent_calls.clear();
    impl_->recent_calls[key] = Impl::RecentCall{source, now};
    return false;
}

void Daemon::logCall(const std::string& source, const phone::CallSeen& seen,
                     const policy::Decision& decision) {
    log::Fields fields{.contact = seen.contact,
                       .app = source,
                       .action = std::string(policy::actionName(decision.primary())),
                       .level = seen.level,
                       .kind = seen.incoming ? "call" : "outgoing call",
                       .source = source};
    if (options_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
}

// Answered (by the person, in the dialer) or picked up by them: a pause about the call has
// nothing left to ask. A call to them that went on while its pause was open is reaching out.
void Daemon::callConnected(const std::string& path, phone::CallSeen& seen) {
    if (!seen.paused) return;
    seen.paused = false;
    if (!impl_->keeper) return;
    impl_->keeper->reachGone(path);
    if (!seen.incoming && !seen.answered)
        impl_->keeper->record(seen.contact, "user", seen.event, "", "went-on", "reach_answer");
}

void Daemon::onPhoneCallGone(const std::string& path) {
    if (impl_->calls.erase(path) > 0 && impl_->keeper) impl_->keeper->reachGone(path);
}

// A source's watch is going away (switched off, its bus lost): its calls are forgotten and
// their pauses closed, so nothing later acts on a path a new instance may give another call.
void Daemon::forgetCalls(const std::string& source) {
    for (auto it = impl_->calls.begin(); it != impl_->calls.end();) {
        if (it->second.source != source) {
            ++it;
            continue;
        }
        if (impl_->keeper) impl_->keeper->reachGone(it->first);
        it = impl_->calls.erase(it);
    }
}

void Daemon::askCall(const std::string& source, const std::string& path, const char* what,
                     dbus::PhoneDone done) {
    if (source == kGnomeCalls && impl_->gnome_calls) {
        if (std::string_view(what) == "Hangup") {
            impl_->gnome_calls->hangup(path, std::move(done));
        } else if (std::string_view(what) == "Accept") {
            impl_->gnome_calls->accept(path, std::move(done));
        } else if (std::string_view(what) == "Silence") {
            impl_->gnome_calls->silence(path, std::move(done));
        }
    } else if (source == kModemManager && impl_->modem) {
        if (std::string_view(what) == "Hangup") {
            impl_->modem->hangup(path, std::move(done));
        } else if (std::string_view(what) == "Accept") {
            impl_->modem->accept(path, std::move(done));
        }
    } else if (done) {
        done(false, "the service is no longer followed");
    }
}

// Ends a contact's call as the ladder asks, journals how that went, and for a call the person
// made, says so kindly.
void Daemon::endCall(const std::string& path) {
    const CallSeen seen = impl_->calls[path];
    hangUp(seen.source, path, seen.contact, [this, seen](bool ok) {
        if (impl_->keeper)
            impl_->keeper->record(seen.contact, seen.source, seen.event, seen.level,
                                  ok ? "reject" : "hangup-refused");
        if (ok && !seen.incoming)
            tellUser(strings::callEndedTitle(seen.contact), strings::callEndedBody());
    });
}

void Daemon::hangUp(const std::string& source, const std::string& path, const std::string& contact,
                    std::function<void(bool ok)> then) {
    askCall(source, path, "Hangup",
            [this, source, contact, then](bool ok, const std::string& error) {
                if (!ok) refusedToEnd(source, contact, error);
                if (then) then(ok);
            });
}

// Said once, not for every call: polkit will refuse the next one the same way.
void Daemon::refusedToEnd(const std::string& source, const std::string& contact,
                          const std::string& error) {
    if (!impl_->hangup_refused.empty()) return;
    impl_->hangup_refused = source + ": " + error;
    if (source == kModemManager)
        impl_->hangup_refused += " (a polkit rule can allow org.freedesktop.ModemManager1.Voice)";
    log::detail(log::Priority::Warning, "A call could not be ended", error);
    if (impl_->keeper) impl_->keeper->notice(contact, source, "hangup-refused");
}

void Daemon::quiet(const std::string& source, const std::string& path) {
    if (!powersOf(source).silence) return cannotSilence(source);
    askCall(source, path, "Silence", [this, source](bool ok, const std::string& error) {
        if (ok) return;
        // A Calls from before Silence: it rings on, and that is said once.
        log::detail(log::Priority::Notice, "A call could not be silenced", error);
        cannotSilence(source);
    });
}

void Daemon::cannotSilence(const std::string& source) {
    if (!impl_->silence_note.insert(source).second) return;
    log::write(log::Priority::Notice, "This phone source cannot silence a call; it rings on.",
               {.source = source});
}

void Daemon::onCallAnswer(const ReachChoice& choice) {
    auto call = impl_->calls.find(choice.unit);
    if (call == impl_->calls.end()) return;  // ended meanwhile
    CallSeen& seen = call->second;
    seen.paused = false;
    seen.answered = choice.which != ReachChoice::Which::LetThrough;
    const bool incoming = choice.kind == ReachRequest::Kind::IncomingCall;
    if (incoming && choice.which == ReachChoice::Which::OpenAnyway) {
        askCall(seen.source, choice.unit, "Accept", [](bool ok, const std::string& error) {
            if (!ok) log::detail(log::Priority::Warning, "A call could not be answered", error);
        });
    } else if (!incoming && choice.which == ReachChoice::Which::LetGo) {
        hangUp(seen.source, choice.unit, seen.contact, {});
    }
}

std::vector<std::string> Daemon::phoneProblems() const {
    std::vector<std::string> problems;
    if (!impl_->modem_note.empty())
        problems.push_back(std::string(kModemManager) + ": " + impl_->modem_note);
    if (!impl_->hangup_refused.empty()) problems.push_back(impl_->hangup_refused);
    for (const auto& source : impl_->silence_note)
        problems.push_back(
            i18n::fill(i18n::tr("{source}: a ringing call cannot be silenced from here"),
                       {{"source", source}}));
    for (const auto& source : impl_->cannot_end_note)
        problems.push_back(i18n::fill(i18n::tr("{source}: a call cannot be ended from here"),
                                      {{"source", source}}));
    return problems;
}

std::vector<NotFollowed> Daemon::notFollowed() const {
    // The words are the status command's to choose: these are the reasons, as keys.
    constexpr const char* kOff = "switched off in the policy";
    std::vector<NotFollowed> rows;
    const auto& on = impl_->engine.policy().sources;
    if (!on.kdeconnect) rows.push_back({kKdeConnect, kOff});
    if (!on.gnome_calls) rows.push_back({kGnomeCalls, kOff});
    if (!on.modemmanager)
        rows.push_back({kModemManager, kOff});
    else if (!impl_->modem_note.empty())
        rows.push_back({kModemManager, impl_->modem_note});
    return rows;
}

}  // namespace nocontact::daemon
