// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dbus/phone.hpp"

typedef struct sd_bus_message sd_bus_message;

// Reading what ModemManager sends (for dbus/modem_watch.*): each reader takes only the D-Bus
// type it expects and treats anything else as absent. None throws; a reader that fails may
// leave the message anywhere, so the caller stops reading it.
namespace nocontact::dbus::modem {

// MMCallState, MMCallDirection and MMSmsState (ModemManager's include/ModemManager-enums.h).
enum : std::int32_t {
    kCallUnknown = 0,
    kCallDialing = 1,
    kCallRingingOut = 2,
    kCallRingingIn = 3,
    kCallActive = 4,
    kCallHeld = 5,
    kCallWaiting = 6,
    kCallTerminated = 7,
};
inline constexpr std::int32_t kDirectionOutgoing = 2;
inline constexpr std::uint32_t kSmsReceived = 3;
inline constexpr std::uint32_t kSmsSent = 5;

// RINGING_IN and WAITING ring, DIALING and RINGING_OUT dial, ACTIVE and HELD talk, TERMINATED
// ends; anything else (UNKNOWN, a value newer than this code, no State at all) is Other.
PhoneCall::State callState(std::int32_t mm_state);

// Reads a variant that holds exactly `type` (a basic type) into `out`. False, with the variant
// left unread, when it holds anything else.
bool readVariant(sd_bus_message* m, char type, void* out);

// Walks an a{sv}: `read` gets each key and either reads its variant (with readVariant,
// returning true) or returns false to have it skipped. False when the message is not an a{sv}.
bool forEachProperty(sd_bus_message* m, const std::function<bool(const char* key)>& read);

// Which of the interfaces the watch follows an object has.
struct Interfaces {
    bool voice = false;      // org.freedesktop.ModemManager1.Modem.Voice
    bool messaging = false;  // org.freedesktop.ModemManager1.Modem.Messaging
};

// The interfaces named in an a{sa{sv}} (InterfacesAdded, GetManagedObjects), properties
// skipped; none when the message holds something else.
Interfaces readInterfaces(sd_bus_message* m);

// The interfaces named in an as (InterfacesRemoved, after its object path).
Interfaces readInterfaceNames(sd_bus_message* m);

// Number, Direction and State of a call from an a{sv} (GetAll, PropertiesChanged) into `call`
// (number and incoming) and `state`; true when State was among them.
bool readCall(sd_bus_message* m, PhoneCall& call, std::int32_t* state);

// Number, Text and State of an SMS from an a{sv} into `sms` (number and text); its State, 0
// when there is none.
std::uint32_t readSms(sd_bus_message* m, PhoneSms& sms);

// Only the State of an SMS from an a{sv} (PropertiesChanged); 0 when there is none.
std::uint32_t readSmsState(sd_bus_message* m);

// The object paths of an ao (ListCalls, List); those read before anything of another type.
std::vector<std::string> readPaths(sd_bus_message* m);

}  // namespace nocontact::dbus::modem
