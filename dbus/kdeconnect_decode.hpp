// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dbus/phone.hpp"

typedef struct sd_bus_message sd_bus_message;

// Pure decoders of what kdeconnectd sends (KDE/kdeconnect-kde): no I/O. Each checks the
// message's signature first and the type of every value it keeps, so a malformed message
// yields nullopt, never a crash; each rewinds the message first. The device id comes from the
// object path (kdeConnectDeviceOf) and is left empty here.
namespace nocontact::dbus {

// The device id in "/modules/kdeconnect/devices/<id><suffix>", or "" for any other path
// (an id is exactly one path element).
std::string kdeConnectDeviceOf(std::string_view path, std::string_view suffix);

// The reply to GetAll("org.kde.kdeconnect.device.notifications.notification"), "a{sv}"
// (plugins/notifications/notification.h): appName, title, text and ticker. A missing property,
// or one that is not a string, is left empty; text and ticker are cut at kMaxTextBytes.
std::optional<PhoneNotification> decodeKdeConnectNotification(sd_bus_message* m);

// conversationUpdated / conversationCreated, "v" holding a ConversationMessage
// (interfaces/conversationmessage.h operator<<): (isa(s)xiixixa(xsss)), or the older
// (isa(s)xiixix) without attachments. Only the first nine fields are read, so fields added
// after them are tolerated. The body is cut at kMaxTextBytes.
std::optional<PhoneConversationMessage> decodeConversationMessage(sd_bus_message* m);

// Telephony's callReceived(event, number, contactName), "sss".
std::optional<PhoneRing> decodeCallReceived(sd_bus_message* m);

}  // namespace nocontact::dbus
