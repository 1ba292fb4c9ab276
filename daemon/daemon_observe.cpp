// SPDX-License-Identifier: GPL-3.0-or-later
// Each notification the monitor sees, judged and carried out: kept, withheld (or hidden by the
// server's own rule), announced; and what the server's rules held while nocontact was not
// running. Part of Daemon (daemon/daemon.hpp); the wiring lives in daemon.cpp.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "base/i18n.hpp"
#include "base/local_time.hpp"
#include "config/withdrawal.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"
#include "dbus/sender_program.hpp"

namespace nocontact::daemon {

namespace {

bool withholds(const policy::Decision& d) {
    return d.has(policy::Action::Withhold);
}

}  // namespace

void Daemon::onObserved(const dbus::Observed& observed) {
    if (isOwnNotification(observed)) return;  // our placeholders and notices
    // FDO calls were counted when they were made (needsId); GTK ones come only here. The
    // portal's are counted as the copy it forwards to the desktop's server.
    if (observed.notification.interface == policy::Interface::Gtk) ++impl_->seen;
    // The portal forwards what apps send it to the desktop's server, where the monitor sees it
    // again and can withhold it: judge that copy only, never both. Which program sent it is
    // remembered, for a copy that names no app.
    if (observed.notification.interface == policy::Interface::Portal) {
        sd_bus* bus = impl_->withholder ? impl_->withholder->bus() : nullptr;
        impl_->portal_copies.sent(observed.notification, dbus::senderProgram(bus, observed.sender));
        return;
    }
    // Judged and kept at its Notify call (needsId): only the screen is left.
    if (auto early = impl_->kept_early.take(observed.ticket)) {
        Judged judged{.event = std::move(early->event), .decision = std::move(early->decision)};
        // A policy applied since numbers its contacts its own way (or no longer has this one:
        // kept and withheld all the same, and not announced under someone else's name).
        if (early->policy != impl_->policies_applied)
            judged.decision.contact = impl_->engine.matcher().byContactName(early->contact);
        return act(observed, judged, early->kept);
    }
    // Kept at its call, and what was decided then is forgotten (thousands waited meanwhile):
    // judged again, never kept twice.
    const bool kept_at_call = observed.ticket != 0;
    // The server showed nothing and nothing was kept: there is nothing to do.
    if (observed.refused && !kept_at_call) return;
    // GNOME Shell asks Decide about each one before showing it: kept there, exactly once.
    if (extensionActive()) return;
    Judged judged = judge(observed);
    if (!judged.decision.contact) return;  // strangers are not our business, not even in the log
    Keeper::Kept kept = kept_at_call ? Keeper::Kept{.ok = true, .nudge = {}, .pause = {}}
                                     : keepFirst(observed, judged);
    act(observed, judged, kept);
}

policy::Decision Daemon::judge(const policy::Event& event) {
    return judge(event, impl_->clock->now());
}

policy::Decision Daemon::judge(const policy::Event& event, const policy::Moment& now) {
    // The daemon acts on decisions and reads none of their sentences (nocontactctl explain does).
    return impl_->engine.handle(event, now, policy::Engine::Say::Nothing);
}

Daemon::Judged Daemon::judge(const dbus::Observed& observed) {
    Judged judged{.event = impl_->profiles.toEvent(observed.notification), .decision = {}};
    judged.decision = judge(judged.event);
    // KDE Connect's desktop copy of what a phone sent: the phone's own half may know better.
    if (judged.event.app == phone::kKdeConnect && impl_->kdeconnect) {
        auto half = takeKdeHalf(observed, judged.decision.contact.has_value());
        if (half && !judged.decision.contact)
            return {.event = std::move(half->event), .decision = std::move(half->decision)};
    }
    return judged;
}

// At the call, before the server has drawn anything: a contact's message is judged and kept
// here, once, so that when the reply brings its id only the withholding call is left to make.
bool Daemon::needsId(dbus::Observed& observed) {
    if (isOwnNotification(observed)) return false;
    impl_->portal_copies.name(observed.notification);
    ++impl_->seen;  // another app's notification, whoever it is from
    if (extensionActive()) return false;
    Judged judged{.event = impl_->profiles.toEvent(observed.notification), .decision = {}};
    // KDE Connect's copy is judged with the phone's own half, when the reply comes.
    if (judged.event.app == phone::kKdeConnect && impl_->kdeconnect) return true;
    judged.decision = judge(judged.event);
    if (!judged.decision.contact) return false;
    Keeper::Kept kept = keepFirst(observed, judged);
    std::string contact = impl_->engine.policy().contacts[*judged.decision.contact].name;
    observed.ticket = impl_->kept_early.put({.event = std::move(judged.event),
                                             .decision = std::move(judged.decision),
                                             .kept = std::move(kept),
                                             .policy = impl_->policies_applied,
                                             .contact = std::move(contact)});
    return true;
}

bool Daemon::isOwnNotification(const dbus::Observed& observed) const {
    return isOwnSender(observed.sender);
}

void Daemon::announce(const dbus::Observed& observed, const policy::Event& event,
                      const policy::Decision& decision) {
    const auto& contact = impl_->engine.policy().contacts[*decision.contact];
    std::string level(policy::levelName(*decision.level));
    std::string action(policy::actionName(decision.primary()));
    if (event.direction == policy::Direction::Incoming) noteCounted(contact.name);
    log::Fields fields{contact.name,
                       event.app,
                       action,
                       level,
                       std::string(policy::kindName(event.kind)),
                       std::string(policy::interfaceName(observed.notification.interface))};
    if (options_.dry_run) {
        log::write(log::Priority::Info, "Would intervene (dry run).", fields);
    } else {
        log::write(log::Priority::Info, "Intervened.", fields);
    }
    impl_->service->emitIntervened(contact.name, event.app,
                                   std::string(policy::kindName(event.kind)), level, action);
}

Keeper::Kept Daemon::keepFirst(const dbus::Observed& observed, Judged& judged) {
    // Nothing is kept in a dry run; everything is kept nowhere without a Keeper.
    if (options_.dry_run || !impl_->keeper) return {.ok = true, .nudge = {}, .pause = {}};
    const bool hidden = impl_->rules && impl_->rules->hides(observed.notification);
    // Its id will never come, so it stays on screen: no pause over a message already in view.
    if (observed.unanswerable && !hidden && withholds(judged.decision))
        std::erase(judged.decision.actions, policy::Action::Pause);
    // When the disk cannot take it, it is kept in memory (and the person told); a message that
    // could be kept nowhere stays where it is.
    return impl_->keeper->store(impl_->engine, observed, judged.event, judged.decision);
}

void Daemon::act(const dbus::Observed& observed, Judged& judged, Keeper::Kept& kept) {
    const policy::Decision& decision = judged.decision;
    if (options_.dry_run) {
        if (decision.contact) announce(observed, judged.event, decision);
        return;
    }
    // Found in the server when nocontactd started, and dealt with then.
    if (impl_->rules && impl_->rules->alreadyTaken(observed)) return;
    // The server's own rule hid it: it was never drawn, and nothing is put in its place.
    const bool hidden = impl_->rules && impl_->rules->hides(observed.notification);
    if (observed.unanswerable && !hidden && withholds(decision))
        return keepUnanswerable(observed, judged, kept);
    // Kept on disk before it is taken off the screen: a crash in between loses nothing.
    if (!kept.ok) {
        // Left on screen, not an intervention: the Keeper logged why, Status counts it.
        ++impl_->unkept;
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
        ++impl_->withheld;
        impl_->rules->taken(observed);
    } else if (withholds(decision)) {
        withhold(observed);
    }
    if (decision.contact) announce(observed, judged.event, decision);
    if (impl_->keeper) impl_->keeper->show(kept, false);
}

// Its id will never come (the app asked for no reply, or the reply said nothing), so it stays on
// screen: kept all the same, with no pause over a message already in view, and counted for
// Status. (One whose reply was waited for too long was kept with its pause in the journal's row.)
void Daemon::keepUnanswerable(const dbus::Observed& observed, Judged& judged, Keeper::Kept& kept) {
    if (!kept.ok) {
        ++impl_->unkept;
        return;
    }
    kept.pause = nullptr;
    std::erase(judged.decision.actions, policy::Action::Pause);
    if (impl_->unanswerable++ == 0) {
        log::write(log::Priority::Warning,
                   "The notification server never said which notification a contact's message "
                   "became (the app asked for no reply, or the reply never came), so it could "
                   "not be closed; it is kept, but it was shown.");
    }
    if (judged.decision.contact) announce(observed, judged.event, judged.decision);
    if (impl_->keeper) impl_->keeper->show(kept, false);
}

void Daemon::showHidden(const dbus::Observed& observed) {
    impl_->rules->taken(observed);
    if (impl_->keeper) impl_->keeper->showAsItCame(observed);
}

void Daemon::onRecovered(const std::vector<dbus::Observed>& found) {
    std::map<std::string, std::size_t> per_contact;
    for (const auto& observed : found) {
        // Judged alone, never paired with a phone's half: it was held before nocontactd started,
        // and no half from then is waiting for it.
        policy::Event event = impl_->profiles.toEvent(observed.notification);
        policy::Decision decision = judge(event);
        // Nobody's now (the policy changed meanwhile), or nobody holds it now: shown as it came.
        if (!decision.contact || !withholds(decision)) {
            showHidden(observed);
            continue;
        }
        if (!impl_->keeper->keep(impl_->engine, observed, event, decision, true)) {
            ++impl_->unkept;
            showHidden(observed);
            continue;
        }
        impl_->rules->taken(observed);
        ++impl_->withheld;
        announce(observed, event, decision);
        ++per_contact[impl_->engine.policy().contacts[*decision.contact].name];
    }
    if (!per_contact.empty()) {
        std::size_t kept = 0;
        for (const auto& [contact, n] : per_contact)
            kept += n;
        log::detail(log::Priority::Info,
                    "Messages the notification server's rules held while nocontact was not "
                    "running are kept now",
                    std::to_string(kept));
        tellUser(i18n::tr(strings::kRecoveredSummary), strings::recoveredBody(per_contact));
    }
}

void Daemon::withhold(const dbus::Observed& observed) {
    // A placeholder only where it shows less of the message than a close alone (a history
    // that keeps closed text, or a server that draws before any close arrives): anywhere else
    // it is one more thing drawn, and the close should come as early as it can.
    static const std::optional<std::string> kNone;
    if (!impl_->placeholder) impl_->placeholder = i18n::tr(strings::kWithheldPlaceholder);
    const bool replace = withdrawal() == config::Withdrawal::ReplaceThenClose;
    impl_->withholder->withhold(
        observed, replace ? impl_->placeholder : kNone,
        [this](dbus::Withholder::Outcome outcome, const std::string& detail) {
            switch (outcome) {
                case dbus::Withholder::Outcome::Withheld:
                    ++impl_->withheld;
                    break;
                case dbus::Withholder::Outcome::RefusedByServer:
                    if (impl_->refused++ > 0) break;  // said once; Status keeps counting
                    log::write(log::Priority::Warning,
                               "The notification server would not let nocontact close a "
                               "notification; GNOME needs the nocontact GNOME Shell extension.");
                    break;
                case dbus::Withholder::Outcome::Failed:
                    ++impl_->failed;
                    log::detail(log::Priority::Warning, "Could not withhold a notification",
                                detail);
                    break;
            }
        });
}

}  // namespace nocontact::daemon
