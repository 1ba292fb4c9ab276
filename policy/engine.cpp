// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/engine.hpp"

#include <algorithm>
#include <array>

#include "policy/effective.hpp"
#include "policy/ladder.hpp"
#include "policy/schedule.hpp"

namespace nocontact::policy {

namespace {

// Most telling first: what the person will notice most about the decision.
constexpr std::array kPrimaryOrder = {
    Action::Reject,         Action::HoldStrict, Action::HoldForDigest, Action::Pause,
    Action::PauseBeforeUse, Action::Freeze,     Action::Withhold,      Action::Silence,
    Action::Nudge,          Action::Ring,       Action::Notice,        Action::Show,
    Action::Count,
};

Decision leftAlone(std::string_view why) {
    Decision d;
    d.actions = {Action::Show};
    d.why = why;
    return d;
}

std::string_view callRuleName(CallRule r) {
    switch (r) {
        case CallRule::Ring:
            return "ring";
        case CallRule::Silence:
            return "silence";
        case CallRule::Reject:
            return "reject";
        case CallRule::Auto:
            break;
    }
    return "auto";
}

}  // namespace

std::string_view actionName(Action a) {
    switch (a) {
        case Action::Show:
            return "show";
        case Action::Count:
            return "count";
        case Action::Nudge:
            return "nudge";
        case Action::Withhold:
            return "withhold";
        case Action::Pause:
            return "pause";
        case Action::HoldForDigest:
            return "hold-for-digest";
        case Action::HoldStrict:
            return "hold-strict";
        case Action::Ring:
            return "ring";
        case Action::Silence:
            return "silence";
        case Action::Reject:
            return "reject";
        case Action::PauseBeforeUse:
            return "pause-before-use";
        case Action::Freeze:
            return "freeze";
        case Action::Notice:
            return "notice";
    }
    return "unknown";
}

bool Decision::has(Action a) const {
    return std::ranges::find(actions, a) != actions.end();
}

std::string Decision::journalLevel() const {
    if (snoozed) return "snoozed";
    return level ? std::string(levelName(*level)) : std::string();
}

Action Decision::primary() const {
    for (Action a : kPrimaryOrder) {
        if (has(a)) return a;
    }
    return Action::Show;
}

Engine::Engine(Policy policy) : policy_(std::move(policy)), matcher_(policy_) {}

Decision Engine::handle(const Event& event, const Moment& now, Say say) {
    if (event.kind == Kind::AppLaunch) return decideReachingOut(event, now);
    const bool why = say == Say::Why;
    // Without a sender or an identifier nobody can be recognised: do not guess.
    if (event.sender.empty() && event.identifiers.empty())
        return leftAlone(why ? words_.tr("The app hid who this is from, so it is left alone.")
                             : "");
    std::optional<Match> match = matcher_.match(event);
    if (!match) return leftAlone(why ? words_.tr("Not from anyone in your policy.") : "");
    bool ringing = event.kind == Kind::Call && event.direction == Direction::Incoming;
    return ringing ? decideCall(event, *match, now, say) : decideIncoming(event, *match, now, say);
}

namespace {

// The parts every decision about a known contact shares: who, the level, when it may
// change, and the sentence, with what the contact was recognised by.
Decision aboutContact(const Engine& engine, const Match& m, const Moment& now, Engine::Say say,
                      bool& snoozed) {
    Explained ex = engine.explain(m.contact, now, say);
    Decision d;
    d.contact = m.contact;
    d.level = ex.level;
    d.wake_at = ex.changes_at;
    if (say == Engine::Say::Why) d.why = std::move(ex.why) + " " + recognisedBy(m, engine.words());
    snoozed = ex.snoozed;
    d.snoozed = ex.snoozed;
    return d;
}

}  // namespace

Decision Engine::decideIncoming(const Event& e, const Match& m, const Moment& now, Say say) const {
    bool snoozed = false;
    Decision d = aboutContact(*this, m, now, say, snoozed);
    const Contact& c = policy_.contacts[m.contact];
    if (snoozed) {
        d.actions = {Action::Show, Action::Count};
    } else if (e.direction == Direction::Outgoing) {
        d.actions = outgoingActions(*d.level);
    } else if (e.kind == Kind::GroupMessage && c.groups == GroupRule::Show) {
        d.actions = {Action::Show, Action::Count};
        if (say == Say::Why)
            d.why +=
                std::string(" ") + words_.tr("Their messages in groups are shown (groups: show).");
    } else {
        d.actions = incomingActions(*d.level);
    }
    if (d.has(Action::HoldForDigest)) {
        if (auto at = nextDigest(policy_.defaults.digest, now.local)) d.wake_at.atLocal(*at);
    }
    return d;
}

Decision Engine::decideCall(const Event&, const Match& m, const Moment& now, Say say) const {
    bool snoozed = false;
    Decision d = aboutContact(*this, m, now, say, snoozed);
    const Contact& c = policy_.contacts[m.contact];
    auto last = last_call_.find(c.name);
    const bool repeat = last != last_call_.end() && now.utc - last->second < kRepeatCallWindow &&
                        now.utc - last->second >= kSameCallWithin;
    if (snoozed) {
        d.actions = {Action::Show, Action::Count};
        return d;
    }
    if (repeat && c.repeat_calls_break_through) {
        d.actions = {Action::Ring, Action::Count};
        if (say == Say::Why)
            d.why += std::string(" ") + words_.tr(
                                            "A second call within 15 minutes rings through "
                                            "(repeat_calls_break_through).");
        return d;
    }
    d.actions = callActions(*d.level, c.calls);
    if (c.calls != CallRule::Auto && say == Say::Why) {
        d.why += " " + fillIn(words_.tr("Their calls are set to {rule}."),
                              {{"rule", callRuleName(c.calls)}});
    }
    return d;
}

void Engine::noteCall(std::size_t contact, const Moment& now) {
    if (contact < policy_.contacts.size())
        last_call_.insert_or_assign(policy_.contacts[contact].name, now.utc);
}

}  // namespace nocontact::policy
