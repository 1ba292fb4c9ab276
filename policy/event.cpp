// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/event.hpp"

namespace nocontact::policy {

std::string_view kindName(Kind k) {
    switch (k) {
        case Kind::Message:
            return "message";
        case Kind::GroupMessage:
            return "group_message";
        case Kind::Call:
            return "call";
        case Kind::MissedCall:
            return "missed_call";
        case Kind::Other:
            return "other";
        case Kind::AppLaunch:
            return "app_launch";
    }
    return "other";
}

std::string_view sourceName(Source s) {
    switch (s) {
        case Source::Notification:
            return "notification";
        case Source::KdeConnect:
            return "kdeconnect";
        case Source::GnomeCalls:
            return "gnome_calls";
        case Source::ModemManager:
            return "modemmanager";
        case Source::Systemd:
            return "systemd";
        case Source::User:
            return "user";
    }
    return "user";
}

}  // namespace nocontact::policy
