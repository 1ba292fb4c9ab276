// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nocontact::policy {

// Where an event was seen (DESIGN.md §2).
enum class Source { Notification, KdeConnect, GnomeCalls, ModemManager, Systemd, User };

// What kind of contact it is.
enum class Kind {
    Message,       // a direct message
    GroupMessage,  // a message inside a group chat
    Call,          // a call, ringing now
    MissedCall,    // a call that already ended
    Other,         // presence and other notices that still name the person
    AppLaunch,     // the user opening a messaging app (reaching out)
};

enum class Direction { Incoming, Outgoing };

// Identifiers found with the sender. They are compared after normalisation.
struct Identifier {
    enum class Type { Phone, Email, Handle };
    Type type = Type::Phone;
    std::string value;
    std::string service;  // for handles: "telegram", "matrix", "xmpp", ...
};

// Everything the core needs to know about one thing that happened, reduced from whatever
// source saw it. No timestamps here: time is passed to the engine separately.
struct Event {
    Source source = Source::Notification;
    Kind kind = Kind::Message;
    Direction direction = Direction::Incoming;
    std::string app;                      // app profile id ("signal"), empty when unknown
    std::string service;                  // the profile's service, for handles ("telegram")
    std::string sender;                   // as shown, markup removed; empty when the app hides it
    std::string chat;                     // group chat name, when the sender wrote in a group
    std::vector<Identifier> identifiers;  // numbers, addresses, handles seen with it
    std::string text;                     // message text; never logged
};

std::string_view kindName(Kind k);
std::string_view sourceName(Source s);

}  // namespace nocontact::policy
