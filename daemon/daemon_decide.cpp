// SPDX-License-Identifier: GPL-3.0-or-later
// One judge for every door, the notifications flow wired to the monitor and to Decide (asked by
// the GNOME Shell extension, gnome-shell/), and how the daemon tells its own notifications
// apart. Part of Daemon (daemon/daemon.hpp).
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "dbus/decide_request.hpp"

namespace nocontact::daemon {

policy::Decision Daemon::judge(const policy::Event& event) {
    return judge(event, impl_->clock->now());
}

policy::Decision Daemon::judge(const policy::Event& event, const policy::Moment& now) {
    // The daemon acts on decisions and reads none of their sentences (nocontactctl explain does).
    return impl_->engine.handle(event, now, policy::Engine::Say::Nothing);
}

void Daemon::followNotifications() {
    impl_->notifications = std::make_unique<NotificationsFlow>(NotificationsFlow::Context{
        .clock = *impl_->clock,
        .engine = impl_->engine,
        .profiles = impl_->profiles,
        .dry_run = options_.dry_run,
        .keeper = impl_->keeper.get(),
        .rules = impl_->rules.get(),
        .withholder = *impl_->withholder,
        .pairs = *impl_->phone_pairs,
        .judge = [this](const policy::Event& event) { return judge(event); },
        .pairing = [this] { return impl_->kdeconnect != nullptr; },
        .extension_active = [this] { return extensionActive(); },
        .own_sender = [this](std::string_view sender) { return isOwnSender(sender); },
        .withdrawal = [this] { return withdrawal(); },
        .intervened =
            [this](const std::string& contact, const std::string& app, const std::string& kind,
                   const std::string& level, const std::string& action) {
                impl_->service->emitIntervened(contact, app, kind, level, action);
            },
        .tell = [this](const std::string& summary,
                       const std::string& body) { tellUser(summary, body); },
    });
}

bool Daemon::decide(const dbus::DecideRequest& request) {
    return impl_->notifications->decide(request);
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
