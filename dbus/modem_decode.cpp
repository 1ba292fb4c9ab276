// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/modem_decode.hpp"

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>

#include "dbus/names.hpp"

namespace nocontact::dbus::modem {

PhoneCall::State callState(std::int32_t state) {
    switch (state) {
        case kCallRingingIn:
        case kCallWaiting:
            return PhoneCall::State::Ringing;
        case kCallDialing:
        case kCallRingingOut:
            return PhoneCall::State::Dialing;
        case kCallActive:
        case kCallHeld:
            return PhoneCall::State::Active;
        case kCallTerminated:
            return PhoneCall::State::Ended;
        default:
            return PhoneCall::State::Other;
    }
}

bool readVariant(sd_bus_message* m, char type, void* out) {
    const char contents[2] = {type, '\0'};
    if (sd_bus_message_enter_container(m, 'v', contents) <= 0) return false;
    bool ok = sd_bus_message_read_basic(m, type, out) > 0;
    return sd_bus_message_exit_container(m) >= 0 && ok;
}

bool forEachProperty(sd_bus_message* m, const std::function<bool(const char*)>& read) {
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return false;
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* key = nullptr;
        if (sd_bus_message_read_basic(m, 's', &key) <= 0) return false;
        if (!read(key) && sd_bus_message_skip(m, "v") < 0) return false;
        if (sd_bus_message_exit_container(m) < 0) return false;
    }
    return sd_bus_message_exit_container(m) >= 0;
}

Interfaces readInterfaces(sd_bus_message* m) {
    Interfaces found;
    if (sd_bus_message_enter_container(m, 'a', "{sa{sv}}") <= 0) return {};
    while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
        const char* name = nullptr;
        if (sd_bus_message_read_basic(m, 's', &name) <= 0 || sd_bus_message_skip(m, "a{sv}") < 0 ||
            sd_bus_message_exit_container(m) < 0)
            return {};
        found.voice |= std::strcmp(name, names::kModemManagerVoice) == 0;
        found.messaging |= std::strcmp(name, names::kModemManagerMessaging) == 0;
    }
    if (sd_bus_message_exit_container(m) < 0) return {};
    return found;
}

Interfaces readInterfaceNames(sd_bus_message* m) {
    Interfaces found;
    char** names = nullptr;
    if (sd_bus_message_read_strv(m, &names) < 0 || !names) return found;
    for (char** name = names; *name; ++name) {
        found.voice |= std::strcmp(*name, names::kModemManagerVoice) == 0;
        found.messaging |= std::strcmp(*name, names::kModemManagerMessaging) == 0;
        free(*name);
    }
    free(names);
    return found;
}

bool readCall(sd_bus_message* m, PhoneCall& call, std::int32_t* state) {
    bool has_state = false;
    bool ok = forEachProperty(m, [&](const char* key) {
        const char* number = nullptr;
        std::int32_t direction = 0;
        if (std::strcmp(key, "State") == 0) return has_state = readVariant(m, 'i', state);
        if (std::strcmp(key, "Direction") == 0 && readVariant(m, 'i', &direction)) {
            call.incoming = direction != kDirectionOutgoing;
            return true;
        }
        if (std::strcmp(key, "Number") == 0 && readVariant(m, 's', &number)) {
            call.number = number;
            return true;
        }
        return false;
    });
    return ok && has_state;
}

std::uint32_t readSms(sd_bus_message* m, PhoneSms& sms) {
    std::uint32_t state = 0;
    forEachProperty(m, [&](const char* key) {
        const char* text = nullptr;
        if (std::strcmp(key, "State") == 0) return readVariant(m, 'u', &state);
        bool is_number = std::strcmp(key, "Number") == 0;
        if (!is_number && std::strcmp(key, "Text") != 0) return false;
        if (!readVariant(m, 's', &text)) return false;
        (is_number ? sms.number : sms.text) = text;
        return true;
    });
    return state;
}

std::uint32_t readSmsState(sd_bus_message* m) {
    std::uint32_t state = 0;
    forEachProperty(m, [&](const char* key) {
        return std::strcmp(key, "State") == 0 && readVariant(m, 'u', &state);
    });
    return state;
}

std::vector<std::string> readPaths(sd_bus_message* m) {
    std::vector<std::string> paths;
    const char* path = nullptr;
    if (sd_bus_message_enter_container(m, 'a', "o") <= 0) return paths;
    while (sd_bus_message_read_basic(m, 'o', &path) > 0)
        paths.emplace_back(path);
    return paths;
}

}  // namespace nocontact::dbus::modem
