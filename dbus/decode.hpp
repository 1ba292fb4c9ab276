// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "policy/notification.hpp"

typedef struct sd_bus_message sd_bus_message;

// Pure decoders of other apps' notification calls: no I/O, no clock. Each one checks the
// message's complete signature first and the type of every value it keeps, so a malformed
// message (wrong signature, odd variant types, truncated body) yields nullopt, never a crash.
// Each rewinds the message first, so a message may be decoded more than once.
namespace nocontact::dbus {

// Summary and body longer than this are cut (at a UTF-8 boundary): no sender name hides
// 64 KiB into a notification, and a flood of huge bodies must not grow our memory.
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;

// org.freedesktop.Notifications.Notify, "susssasa{sv}i". Hints of basic types (s b y n q i u x
// t d) are kept as text; arrays, structs and other containers (image-data) are skipped.
std::optional<policy::Notification> decodeNotify(sd_bus_message* m);

// The server's reply to Notify, "u": the notification's id.
std::optional<std::uint32_t> decodeNotifyReply(sd_bus_message* m);

// org.gtk.Notifications.AddNotification, "ssa{sv}": app_id, id, and title, body, priority,
// category and default-action from the dictionary (which must be strings when present).
std::optional<policy::Notification> decodeGtkAddNotification(sd_bus_message* m);

// org.freedesktop.portal.Notification.AddNotification, "sa{sv}": id and the same dictionary as
// GTK. The app id is not in the call (the portal knows it from the sandbox): left empty.
std::optional<policy::Notification> decodePortalAddNotification(sd_bus_message* m);

}  // namespace nocontact::dbus
