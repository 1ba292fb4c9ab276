// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/notifications_flow.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "base/i18n.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"
#include "dbus/sender_program.hpp"
#include "policy/ladder.hpp"

namespace nocontact::daemon {

namespace {

bool withholds(const policy::Decision& d) {
    return d.has(policy::Action::Withhold);
}

}  // namespace

void NotificationsFlow::shown(const dbus::Observed& observed) {
    if (ctx_.own_sender(observed.sender)) return;  // our placeholders and notices
    // FDO calls were counted when they were made (called()); GTK ones come only here. The
    // portal's are counted as the copy it forwards to the desktop's server.
    if (observed.notification.interface == policy::Interface::Gtk) ++counts_.seen;
    // The portal forwards what apps send it to the desktop's server, where the monitor sees it
    // again and can withhold it: judge that copy only, never both. Which program sent it is
    // remembered, for a copy that names no app.
    if (observed.notification.interface == policy::Interface::Portal) {
        portal_copies_.sent(observed.notification,
                            dbus::senderProgram(ctx_.withholder.bus(), observed.sender));
        return;
    }
    // Judged and kept at its Notify call (called()): only the screen is left.
    if (auto early = kept_early_.take(observed.ticket)) {
        Judged judged{.event = std::move(early->event), .decision = std::move(early->decision)};
        // A policy applied since numbers its contacts its own way (or no longer has this one:
        // kept and withheld all the same, and not announced under someone else's name).
        if (early->policy != policies_applied_)
            judged.decision.contact = ctx_.engine.matcher().byContactName(early->contact);
        return act(observed, judged, early->kept);
    }
    // Kept at its call, and what was decided then is forgotten (thousands waited meanwhile):
    // judged again, never kept twice.
    const bool kept_at_call = observed.ticket != 0;
    // The server showed nothing and nothing was kept: there is nothing to do.
    if (observed.refused && !kept_at_call) return;
    // GNOME Shell asks Decide about each one before showing it: kept there, exactly once.
    if (ctx_.extension_active()) return;
    Judged judged = judge(observed);
    if (!judged.decision.contact) return;  // strangers are not our business, not even in the log
    Keeper::Kept kept = kept_at_call ? Keeper::Kept{.ok = true, .nudge = {}, .pause = {}}
                                     : keepFirst(observed, judged);
    act(observed, judged, kept);
}

NotificationsFlow::Judged NotificationsFlow::judge(const dbus::Observed& observed) {
    Judged judged{.event = ctx_.profiles.toEvent(observed.notification), .decision = {}};
    judged.decision = ctx_.judge(judged.event);
    // KDE Connect's desktop copy of what a phone sent: the phone's own half may know better.
    if (judged.event.app == phone::kKdeConnect && ctx_.pairing()) {
        auto half = ctx_.pairs.take(observed, judged.decision.contact.has_value());
        if (half && !judged.decision.contact)
            return {.event = std::move(half->event), .decision = std::move(half->decision)};
    }
    return judged;
}

bool NotificationsFlow::called(dbus::Observed& observed) {
    if (ctx_.own_sender(observed.sender)) return false;
    portal_copies_.name(observed.notification);
    ++counts_.seen;  // another app's notification, whoever it is from
    if (ctx_.extension_active()) return false;
    Judged judged{.event = ctx_.profiles.toEvent(observed.notification), .decision = {}};
    // KDE Connect's copy is judged with the phone's own half, when the reply comes.
    if (judged.event.app == phone::kKdeConnect && ctx_.pairing()) return true;
    judged.decision = ctx_.judge(judged.event);
    if (!judged.decision.contact) return false;
    Keeper::Kept kept = keepFirst(observed, judged);
    std::string contact = ctx_.engine.policy().contacts[*judged.decision.contact].name;
    observed.ticket = kept_early_.put({.event = std::move(judged.event),
                                       .decision = std::move(judged.decision),
                                       .kept = std::move(kept),
                                       .policy = policies_applied_,
                                       .contact = std::move(contact)});
    return true;
}

void NotificationsFlow::announce(const dbus::Observed& observed, const policy::Event& event,
                                 const policy::Decision& decision) {
    const auto& contact = ctx_.engine.policy().contacts[*decision.contact];
    std::string level(policy::levelName(*decision.level));
    std::string action(policy::actionName(decision.primary()));
    if (event.direction == policy::Direction::Incoming) ctx_.pairs.counted(contact.name);
    log::Fields fields{contact.name,
                       event.app,
                       action,
                       level,
                       std::string(policy::kindName(event.kind)),
                       std::string(policy::interfaceName(observed.notification.interface))};
    if (ctx_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
    ctx_.intervened(contact.name, event.app, std::string(policy::kindName(event.kind)), level,
                    action);
}

Keeper::Kept NotificationsFlow::keepFirst(const dbus::Observed& observed, Judged& judged) {
    // Nothing is kept in a dry run; everything is kept nowhere without a Keeper.
    if (ctx_.dry_run || !ctx_.keeper) return {.ok = true, .nudge = {}, .pause = {}};
    const bool hidden = ctx_.rules && ctx_.rules->hides(observed.notification);
    // Its id will never come, so it stays on screen: no pause over a message already in view.
    if (observed.unanswerable && !hidden)
        judged.decision = policy::stayingInView(std::move(judged.decision));
    // When the disk cannot take it, it is kept in memory (and the person told); a message that
    // could be kept nowhere stays where it is.
    return ctx_.keeper->store(ctx_.engine, observed, judged.event, judged.decision);
}

void NotificationsFlow::act(const dbus::Observed& observed, Judged& judged, Keeper::Kept& kept) {
    const policy::Decision& decision = judged.decision;
    if (ctx_.dry_run) {
        if (decision.contact) announce(observed, judged.event, decision);
        return;
    }
    // Found in the server when nocontactd started, and dealt with then.
    if (ctx_.rules && ctx_.rules->alreadyTaken(observed)) return;
    // The server's own rule hid it: it was never drawn, and nothing is put in its place.
    const bool hidden = ctx_.rules && ctx_.rules->hides(observed.notification);
    if (observed.unanswerable && !hidden && withholds(decision))
        return keepUnanswerable(observed, judged, kept);
    // Kept on disk before it is taken off the screen: a crash in between loses nothing.
    if (!kept.ok) {
        // Left on screen, not an intervention: the Keeper logged why, Status counts it.
        ++counts_.unkept;
        if (hidden) showHidden(observed);
        return;
    }
    // The log line, the Intervened signal and the pause (a blocking libnotify call) all come
    // after the withholding calls are on their way (sd-bus writes a call at once unless calls
    // sent before still wait to be written): the message is on screen no longer than it must
    // be, and no loop turn is spent waiting.
    if (observed.refused) {
        // The server showed nothing: there is nothing to take back.
    } else if (hidden && !withholds(decision)) {
        showHidden(observed);  // nobody holds it now (a soften, a snooze): shown at once
    } else if (hidden) {
        ++counts_.withheld;
        ctx_.rules->taken(observed);
    } else if (withholds(decision)) {
        withhold(observed);
    }
    if (decision.contact) announce(observed, judged.event, decision);
    if (ctx_.keeper) ctx_.keeper->show(kept, false);
}

// Its id will never come (the app asked for no reply, or the reply said nothing), so it stays on
// screen: kept all the same, with no pause over a message already in view, and counted for
// Status. (One whose reply was waited for too long was kept with its pause in the journal's row.)
void NotificationsFlow::keepUnanswerable(const dbus::Observed& observed, Judged& judged,
                                         Keeper::Kept& kept) {
    if (!kept.ok) {
        ++counts_.unkept;
        return;
    }
    kept.pause = nullptr;
    judged.decision = policy::stayingInView(std::move(judged.decision));
    if (counts_.unanswerable++ == 0) {
        log::write(log::Priority::Warning,
                   "The notification server never said which notification a contact's message "
                   "became (the app asked for no reply, or the reply never came), so it could "
                   "not be closed; it is kept, but it was shown.");
    }
    if (judged.decision.contact) announce(observed, judged.event, judged.decision);
    if (ctx_.keeper) ctx_.keeper->show(kept, false);
}

void NotificationsFlow::showHidden(const dbus::Observed& observed) {
    ctx_.rules->taken(observed);
    if (ctx_.keeper) ctx_.keeper->showAsItCame(observed);
}

void NotificationsFlow::recovered(const std::vector<dbus::Observed>& found) {
    std::map<std::string, std::size_t> per_contact;
    for (const auto& observed : found) {
        // Judged alone, never paired with a phone's half: it was held before nocontactd started,
        // and no half from then is waiting for it.
        policy::Event event = ctx_.profiles.toEvent(observed.notification);
        policy::Decision decision = ctx_.judge(event);
        // Nobody's now (the policy changed meanwhile), or nobody holds it now: shown as it came.
        if (!decision.contact || !withholds(decision)) {
            showHidden(observed);
            continue;
        }
        if (!ctx_.keeper->keep(ctx_.engine, observed, event, decision, true)) {
            ++counts_.unkept;
            showHidden(observed);
            continue;
        }
        ctx_.rules->taken(observed);
        ++counts_.withheld;
        announce(observed, event, decision);
        ++per_contact[ctx_.engine.policy().contacts[*decision.contact].name];
    }
    if (!per_contact.empty()) {
        std::size_t kept = 0;
        for (const auto& [contact, n] : per_contact)
            kept += n;
        log::detail(log::Priority::Info,
                    "Messages the notification server's rules held while nocontact was not "
                    "running are kept now",
                    std::to_string(kept));
        ctx_.tell(i18n::tr(strings::kRecoveredSummary), strings::recoveredBody(per_contact));
    }
}

void NotificationsFlow::withhold(const dbus::Observed& observed) {
    // A placeholder only where it shows less of the message than a close alone (a history
    // that keeps closed text, or a server that draws before any close arrives): anywhere else
    // it is one more thing drawn, and the close should come as early as it can.
    static const std::optional<std::string> kNone;
    if (!placeholder_) placeholder_ = i18n::tr(strings::kWithheldPlaceholder);
    const bool replace = ctx_.withdrawal() == config::Withdrawal::ReplaceThenClose;
    ctx_.withholder.withhold(
        observed, replace ? placeholder_ : kNone,
        [this](dbus::Withholder::Outcome outcome, const std::string& detail) {
            switch (outcome) {
                case dbus::Withholder::Outcome::Withheld:
                    ++counts_.withheld;
                    break;
                case dbus::Withholder::Outcome::RefusedByServer:
                    if (counts_.refused++ > 0) break;  // said once; Status keeps counting
                    log::write(log::Priority::Warning,
                               "The notification server would not let nocontact close a "
                               "notification; GNOME needs the nocontact GNOME Shell extension.");
                    break;
                case dbus::Withholder::Outcome::Failed:
                    ++counts_.failed;
                    log::detail(log::Priority::Warning, "Could not withhold a notification",
                                detail);
                    break;
            }
        });
}

void NotificationsFlow::place(const dbus::Observed& copy, phone::Half half) {
    Judged pair{.event = std::move(half.event), .decision = std::move(half.decision)};
    Keeper::Kept kept = keepFirst(copy, pair);
    act(copy, pair, kept);
}

bool NotificationsFlow::decide(const dbus::DecideRequest& request) {
    const dbus::Observed& observed = request.observed;
    // Pauses and messages the person chose to read: GNOME's notification service tells the
    // sender's process in the sender-pid hint.
    if (request.sender_pid == static_cast<std::uint32_t>(getpid())) return false;
    if (ctx_.own_sender(observed.sender)) return false;
    auto [event, decision] = judge(observed);
    if (!decision.contact) return false;  // strangers are not our business
    if (tooLate(request)) {
        // GNOME Shell has stopped waiting and shown it: journaled as shown, never also held.
        log::write(log::Priority::Warning,
                   "GNOME Shell stopped waiting for nocontact's answer; a message was shown.");
        decision = policy::shownAnyway(std::move(decision));
    }
    if (ctx_.dry_run || !ctx_.keeper) {
        announce(observed, event, decision);
        return false;
    }
    // On disk before the answer; the pause is posted after it, from the loop's next turn.
    if (!ctx_.keeper->keep(ctx_.engine, observed, event, decision, true)) {
        ++counts_.unkept;  // shown, never lost: the Keeper logged why, Status counts it
        return false;
    }
    announce(observed, event, decision);
    if (!decision.has(policy::Action::Withhold)) return false;
    ++counts_.withheld;
    return true;
}

bool NotificationsFlow::tooLate(const dbus::DecideRequest& request) const {
    // The answer still has to travel back and be read before the deadline.
    constexpr std::int64_t kAnswerMarginUsec = 50'000;
    return request.deadline_usec != 0 &&
           ctx_.clock.monotonicUsec() + kAnswerMarginUsec >= request.deadline_usec;
}

}  // namespace nocontact::daemon
