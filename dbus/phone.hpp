// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// What the phone sources (KDE Connect, GNOME Calls, ModemManager) report, reduced to plain
// values the daemon turns into policy events. Numbers are passed on exactly as the service
// gave them; the policy core normalises them (E.164) with the policy's region.
namespace nocontact::dbus {

// ok, or the D-Bus error's name and message ("org.freedesktop.ModemManager1.Error.Core.
// Unauthorized: ..."), for every asking call the sources make.
using PhoneDone = std::function<void(bool ok, const std::string& error)>;

// A call seen by GNOME Calls or ModemManager, each time it is first seen or changes state.
struct PhoneCall {
    enum class State {
        Ringing,  // incoming, ringing now (GNOME Calls INCOMING/WAITING, MM RINGING_IN/WAITING)
        Dialing,  // outgoing, not yet answered (DIALING, ALERTING / RINGING_OUT)
        Active,   // talking (ACTIVE, HELD)
        Ended,    // DISCONNECTED / TERMINATED
        Other,    // UNKNOWN or a value this version does not know
    };
    std::string path;  // the call's object path: the key for hangup/accept
    bool incoming = true;
    State state = State::Other;
    std::string number;  // Id (GNOME Calls) / Number (ModemManager), as given; may be empty
    std::string name;    // DisplayName (GNOME Calls) when the contact is known; else empty
};

// An SMS ModemManager has received (state RECEIVED) or sent.
struct PhoneSms {
    std::string path;
    bool incoming = true;
    std::string number;
    std::string text;  // never logged
};

// A notification forwarded from the phone by KDE Connect's notifications plugin.
struct PhoneNotification {
    std::string device;  // the device id (from the object path)
    std::string id;      // the public id (last part of the object path)
    std::string app;     // appName on the phone ("WhatsApp", "Messages")
    std::string title;   // the conversation or the sender
    std::string text;    // never logged
    std::string ticker;  // "title: text" on older phones
};

// KDE Connect telephony's callReceived(event, number, contactName).
struct PhoneRing {
    std::string device;
    std::string event;  // "callReceived" (ringing) or "missedCall"
    std::string number;
    std::string contact_name;  // the phone's address book name, or the number again
};

// KDE Connect SMS plugin's conversationUpdated: the newest message of a conversation.
struct PhoneConversationMessage {
    std::string device;
    std::int64_t thread = 0;
    std::int32_t uid = 0;
    // Android's message type: 1 inbox, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued.
    static constexpr std::int32_t kInbox = 1, kSent = 2;
    std::int32_t type = kInbox;
    bool incoming = true;                // type 1 (inbox)
    std::vector<std::string> addresses;  // the other party first, as the phone sends them
    std::string body;                    // never logged
    std::int64_t date_ms = 0;
};

}  // namespace nocontact::dbus
