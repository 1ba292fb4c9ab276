// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dbus/phone.hpp"

typedef struct sd_bus sd_bus;

// Follows KDE Connect (`org.kde.kdeconnect` on the session bus) and reports what the paired
// phones send: forwarded notifications, ringing and missed calls, and SMS. Runs on a
// connection the caller owns (the daemon's actor connection); every call is asynchronous and
// nothing a phone or kdeconnectd sends can make it throw.
//  - Devices: `devices(false, true)` on /modules/kdeconnect when the service appears, and
//    again on deviceAdded / deviceVisibilityChanged / deviceListChanged (hot-plug; an added
//    device may only be discovered, not paired); deviceRemoved drops one at once.
//  - Notifications plugin (…/devices/<id>/notifications): notificationPosted and
//    notificationUpdated -> the notification object's properties (appName, title, text,
//    ticker), read with GetAll, a few at a time -> `notification`; notificationRemoved and
//    allNotificationsRemoved (or the device removed) -> `gone`.
//  - Telephony plugin (…/devices/<id>/telephony): callReceived(event, number, contactName).
//  - SMS plugin (…/devices/<id>, org.kde.kdeconnect.device.conversations):
//    conversationUpdated(v) and conversationCreated(v) (a new thread's first message) carrying
//    a ConversationMessage struct. kdeconnectd also sends conversationUpdated for the older
//    messages an SMS app asks it to load: `date_ms` tells them apart.
// Follows the service's owner: a restart is seen as gone then present again; the
// notifications the old kdeconnectd showed are reported gone (the new one numbers from 1).
namespace nocontact::dbus {

class KdeConnectWatch {
  public:
    struct Callbacks {
        std::function<void(const PhoneNotification&)> notification;  // posted or updated
        std::function<void(const std::string& device, const std::string& id)> notification_gone;
        std::function<void(const PhoneRing&)> ring;
        std::function<void(const PhoneConversationMessage&)> sms;
        std::function<void(bool present)> presence;  // kdeconnectd appeared / went away
    };

    KdeConnectWatch(sd_bus* bus, Callbacks callbacks);
    ~KdeConnectWatch();
    KdeConnectWatch(const KdeConnectWatch&) = delete;
    KdeConnectWatch& operator=(const KdeConnectWatch&) = delete;

    // Adds the match rules and asks whether the service is there. Call once.
    void start();
    // The paired devices kdeconnectd reported (ids), for the status.
    std::vector<std::string> devices() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::dbus
