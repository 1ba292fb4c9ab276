// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "policy/notification.hpp"

namespace nocontact::ctl {

// One line of the notification corpus format (../shared/fixtures/notifications.jsonl): the
// interface, the call's arguments and the hints' D-Bus types. Fields meant for people
// (`sender`, `kind`, `notes`, ...) are never read.
struct JsonNotification {
    std::string id;  // the line's "id", or "" when it has none
    policy::Notification notification;
};

// Reads one JSON line. Every field is type-checked; on any problem the result holds a short,
// precise message ("args.summary must be a string") instead of a notification.
std::variant<JsonNotification, std::string> parseNotificationLine(std::string_view line);

}  // namespace nocontact::ctl
