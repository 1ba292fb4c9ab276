// SPDX-License-Identifier: GPL-3.0-or-later
// Decide, asked by the GNOME Shell extension (gnome-shell/) before GNOME shows a notification,
// and how the daemon tells its own notifications apart. Part of Daemon (daemon/daemon.hpp).
#include <glib.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/log.hpp"
#include "dbus/decide_request.hpp"

namespace nocontact::daemon {

bool Daemon::decide(const dbus::DecideRequest& request) {
    const dbus::Observed& observed = request.observed;
    // Pauses and messages the person chose to read: GNOME's notification service tells the
    // sender's process in the sender-pid hint.
    if (request.sender_pid == static_cast<std::uint32_t>(getpid())) return false;
    if (isOwnSender(observed.sender)) return false;
    auto [event, decision] = judge(observed);
    if (!decision.contact) return false;  // strangers are not our business
    if (tooLate(request)) {
        // GNOME Shell has stopped waiting and shown it: journaled as shown, never also held.
        log::write(log::Priority::Warning,
                   "GNOME Shell stopped waiting for nocontact's answer; a message was shown.");
        decision.actions = {policy::Action::Show, policy::Action::Count};
    }
    if (options_.dry_run || !impl_->keeper) {
        announce(observed, event, decision);
        return false;
    }
    // On disk before the answer; the pause is posted after it, from the loop's next turn.
    if (!impl_->keeper->keep(impl_->engine, observed, event, decision, true)) {
        ++impl_->unkept;  // shown, never lost: the Keeper logged why, Status counts it
        return false;
    }
    announce(observed, event, decision);
    if (!decision.has(policy::Action::Withhold)) return false;
    ++impl_->withheld;
    return true;
}

bool Daemon::tooLate(const dbus::DecideRequest& request) const {
    // The answer still has to travel back and be read before the deadline.
    constexpr std::int64_t kAnswerMarginUsec = 50'000;
    return request.deadline_usec != 0 &&
           impl_->clock->monotonicUsec() + kAnswerMarginUsec >= request.deadline_usec;
}

bool Daemon::isOwnSender(std::string_view sender) const {
    if (sender.empty()) return false;
    // Pauses and re-posted messages (a message the person chose to read must not be taken
    // away again) come from the keeper's connection; placeholders from the withholder's two.
    if (sender == impl_->keeper_bus_name) return true;
    return impl_->withholder && impl_->withholder->own(sender);
}

bool Daemon::extensionActive() const {
    return impl_->extension && !impl_->extension->owner().empty();
}

}  // namespace nocontact::daemon
