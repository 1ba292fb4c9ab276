// SPDX-License-Identifier: GPL-3.0-or-later
// Reaching out: the user opening a messaging app. No contact is named, so the strictest
// contact decides whether a pause comes first.
#include "policy/effective.hpp"
#include "policy/engine.hpp"

namespace nocontact::policy {

namespace {

// The app as a person knows it: the policy's profile name, else what the source showed
// (the daemon puts the profile's name in `sender`), else the profile id.
std::string appLabel(const Policy& policy, const Event& e, const Words& w) {
    for (const AppProfile& p : policy.apps) {
        if (p.id == e.app && !p.name.empty()) return p.name;
    }
    if (!e.sender.empty()) return e.sender;
    return e.app.empty() ? std::string{w.tr("this app")} : e.app;
}

Decision counted(std::string why) {
    Decision d;
    d.actions = {Action::Show, Action::Count};
    d.why = std::move(why);
    return d;
}

}  // namespace

std::size_t Engine::strictestContact(const Moment& now) const {
    // Only levels here, no sentences: this runs over every contact.
    std::size_t strictest = 0;
    Level highest = Level::Open;
    for (std::size_t i = 0; i < policy_.contacts.size(); ++i) {
        const Contact& c = policy_.contacts[i];
        Level l = effectiveLevel(policy_, c, activeOverride(c.name, now), now).level;
        if (i == 0 || l > highest) {
            strictest = i;
            highest = l;
        }
    }
    return strictest;
}

Decision Engine::decideReachingOut(const Event& e, const Moment& now) {
    std::string app = appLabel(policy_, e, words_);
    if (policy_.contacts.empty())
        return counted(
            fillIn(words_.tr("No one is in your policy, so {app} opens freely."), {{"app", app}}));
    if (const Override* snooze = activeSnooze(now))
        return counted(explainSnooze(*snooze, now, words_));

    std::size_t strictest = strictestContact(now);
    Explained ex = explain(strictest, now);
    Decision d;
    d.contact = strictest;
    d.level = ex.level;
    d.wake_at = ex.changes_at;
    const ReachingOut& rules = policy_.reaching_out;
    if (ex.level < rules.from) {
        d.actions = {Action::Count};
        if (ex.level == Level::Gentle) d.actions.push_back(Action::Nudge);
        d.why = fillIn(words_.tr("{app} opens without a pause."), {{"app", app}}) + " " + ex.why;
        return d;
    }
    auto last = last_reach_pause_.find(e.app);
    if (last != last_reach_pause_.end() && now.utc - last->second < rules.grace) {
        d.actions = {Action::Count};
        d.why = fillIn(words_.tr("You paused for {app} {duration} ago; no second pause."),
                       {{"app", app}, {"duration", formatDuration(now.utc - last->second)}});
        d.wake_at.atUtc(last->second + rules.grace);
        return d;
    }
    d.actions = {Action::PauseBeforeUse, Action::Count};
    if (rules.freeze && ex.level >= Level::Firm) d.actions.push_back(Action::Freeze);
    d.why = fillIn(words_.tr("A pause before {app} opens."), {{"app", app}}) + " " + ex.why;
    last_reach_pause_.insert_or_assign(e.app, now.utc);
    return d;
}

}  // namespace nocontact::policy
