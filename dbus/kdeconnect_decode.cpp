// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/kdeconnect_decode.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstring>

#include "dbus/decode.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

namespace {

// ConversationMessage's first nine fields: eventField, body, addresses, date, type, read,
// threadID, uID, subID. Attachments a(xsss) came after subID in a later version.
constexpr std::string_view kMessagePrefix = "(isa(s)xiixix";
constexpr std::int32_t kMessageTypeInbox = 1;  // 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued
constexpr std::size_t kMaxAddresses = 64;      // a group MMS; the other party comes first

bool hasSignature(sd_bus_message* m, const char* signature) {
    const char* s = sd_bus_message_get_signature(m, 1);
    return s && std::strcmp(s, signature) == 0 && sd_bus_message_rewind(m, 1) >= 0;
}

// Cuts at most kMaxTextBytes, backing off so that no UTF-8 sequence is split.
std::string capped(const char* s) {
    std::string_view v(s ? s : "");
    if (v.size() <= kMaxTextBytes) return std::string(v);
    std::size_t n = kMaxTextBytes;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80)
        --n;
    return std::string(v.substr(0, n));
}

// The notification properties PhoneNotification carries; the others are skipped.
std::string* fieldOf(PhoneNotification& n, const char* key) {
    if (std::strcmp(key, "appName") == 0) return &n.app;
    if (std::strcmp(key, "title") == 0) return &n.title;
    if (std::strcmp(key, "text") == 0) return &n.text;
    if (std::strcmp(key, "ticker") == 0) return &n.ticker;
    return nullptr;
}

// One {sv} entry: a value that is not a string leaves its field empty.
bool readProperty(sd_bus_message* m, PhoneNotification& n) {
    const char* key = nullptr;
    const char* contents = nullptr;
    if (sd_bus_message_read_basic(m, 's', &key) <= 0 || !key) return false;
    std::string* field = fieldOf(n, key);
    if (sd_bus_message_peek_type(m, nullptr, &contents) <= 0) return false;
    if (!field || !contents || std::strcmp(contents, "s") != 0)
        return sd_bus_message_skip(m, "v") >= 0;
    const char* value = nullptr;
    if (sd_bus_message_read(m, "v", "s", &value) < 0) return false;
    *field = capped(value);
    return true;
}

// a(s): ConversationAddress is a struct of one string.
bool readAddresses(sd_bus_message* m, std::vector<std::string>& out) {
    if (sd_bus_message_enter_container(m, 'a', "(s)") <= 0) return false;
    const char* address = nullptr;
    int r = 0;
    while ((r = sd_bus_message_enter_container(m, 'r', "s")) > 0) {
        if (sd_bus_message_read_basic(m, 's', &address) <= 0 || !address) return false;
        if (out.size() < kMaxAddresses) out.emplace_back(address);
        if (sd_bus_message_exit_container(m) < 0) return false;
    }
    return r == 0 && sd_bus_message_exit_container(m) >= 0;
}

// Enters the variant and the struct in it when it holds a ConversationMessage.
bool enterMessage(sd_bus_message* m) {
    const char* contents = nullptr;
    if (sd_bus_message_peek_type(m, nullptr, &contents) <= 0 || !contents) return false;
    std::string_view type = contents;
    if (type.substr(0, kMessagePrefix.size()) != kMessagePrefix || type.back() != ')') return false;
    std::string fields(type.substr(1, type.size() - 2));
    return sd_bus_message_enter_container(m, 'v', contents) > 0 &&
           sd_bus_message_enter_container(m, 'r', fields.c_str()) > 0;
}

}  // namespace

std::string kdeConnectDeviceOf(std::string_view path, std::string_view suffix) {
    std::string_view prefix = names::kKdeConnectDevicesPath;
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix)
        return "";
    std::string_view id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    return id.find('/') == std::string_view::npos ? std::string(id) : "";
}

std::optional<PhoneNotification> decodeKdeConnectNotification(sd_bus_message* m) {
    if (!hasSignature(m, "a{sv}") || sd_bus_message_enter_container(m, 'a', "{sv}") <= 0)
        return std::nullopt;
    PhoneNotification n;
    int r = 0;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        if (!readProperty(m, n) || sd_bus_message_exit_container(m) < 0) return std::nullopt;
    }
    if (r < 0 || sd_bus_message_exit_container(m) < 0) return std::nullopt;
    return n;
}

std::optional<PhoneConversationMessage> decodeConversationMessage(sd_bus_message* m) {
    if (!hasSignature(m, "v") || !enterMessage(m)) return std::nullopt;
    PhoneConversationMessage msg;
    std::int32_t event = 0, type = 0, read = 0;
    std::int64_t sub_id = 0;
    const char* body = nullptr;
    if (sd_bus_message_read(m, "is", &event, &body) < 0 || !readAddresses(m, msg.addresses) ||
        sd_bus_message_read(m, "xiixix", &msg.date_ms, &type, &read, &msg.thread, &msg.uid,
                            &sub_id) < 0)
        return std::nullopt;
    msg.body = capped(body);
    msg.type = type;
    msg.incoming = type == kMessageTypeInbox;
    return msg;  // attachments, when there, are not read
}

std::optional<PhoneRing> decodeCallReceived(sd_bus_message* m) {
    const char* event = nullptr;
    const char* number = nullptr;
    const char* name = nullptr;
    if (!hasSignature(m, "sss") || sd_bus_message_read(m, "sss", &event, &number, &name) < 0 ||
        !event || !number || !name)
        return std::nullopt;
    return PhoneRing{"", event, number, name};
}

}  // namespace nocontact::dbus
