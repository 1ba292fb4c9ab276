// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/decode.hpp"

#include <systemd/sd-bus.h>

#include <charconv>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace nocontact::dbus {

namespace {

using policy::Notification;

// Hint types kept as text; everything else (arrays, structs, variants) carries no sender.
constexpr std::string_view kBasicHintTypes = "sbynqiuxtd";

// The GTK/portal dictionary keys we keep; each must hold a string.
constexpr const char* kGtkTextKeys[] = {"priority", "category", "default-action"};

bool hasSignature(sd_bus_message* m, const char* signature) {
    const char* s = sd_bus_message_get_signature(m, 1);
    return s && std::strcmp(s, signature) == 0 && sd_bus_message_rewind(m, 1) >= 0;
}

// Cuts at most kMaxTextBytes, backing off so that no UTF-8 sequence is split; counts what
// was cut in *cut.
std::string capped(const char* s, std::uint64_t* cut = nullptr) {
    std::string_view v(s);
    if (v.size() <= kMaxTextBytes) return std::string(v);
    std::size_t n = kMaxTextBytes;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80)
        --n;
    if (cut) *cut += v.size() - n;
    return std::string(v.substr(0, n));
}

bool readString(sd_bus_message* m, std::string& out, bool cap = false,
                std::uint64_t* cut = nullptr) {
    const char* s = nullptr;
    if (sd_bus_message_read_basic(m, 's', &s) <= 0 || !s) return false;
    out = cap ? capped(s, cut) : std::string(s);
    return true;
}

template <typename T>
std::string number(T value) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : std::string();
}

// Reads one basic value of `type` and prints it as the corpus does.
bool basicText(sd_bus_message* m, char type, std::string& out) {
    union {
        const char* s;
        int b;
        std::uint8_t y;
        std::int16_t n;
        std::uint16_t q;
        std::int32_t i;
        std::uint32_t u;
        std::int64_t x;
        std::uint64_t t;
        double d;
    } v{};
    if (sd_bus_message_read_basic(m, type, &v) <= 0) return false;
    switch (type) {
        case 's':
            out = v.s ? capped(v.s) : std::string();
            break;
        case 'b':
            out = v.b ? "true" : "false";
            break;
        case 'y':
            out = number(unsigned{v.y});
            break;
        case 'n':
            out = number(v.n);
            break;
        case 'q':
            out = number(v.q);
            break;
        case 'i':
            out = number(v.i);
            break;
        case 'u':
            out = number(v.u);
            break;
        case 'x':
            out = number(v.x);
            break;
        case 't':
            out = number(v.t);
            break;
        default:
            out = number(v.d);
            break;
    }
    return true;
}

// Reads the variant the cursor is on. Returns false if the message is broken; `kept` is false
// when the variant holds a type we do not keep (it is skipped).
bool variantText(sd_bus_message* m, std::string& out, bool& kept) {
    char type = 0;
    const char* contents = nullptr;
    if (sd_bus_message_peek_type(m, &type, &contents) <= 0 || type != 'v' || !contents)
        return false;
    kept = std::strlen(contents) == 1 && kBasicHintTypes.find(contents[0]) != std::string::npos;
    if (!kept) return sd_bus_message_skip(m, "v") >= 0;
    return sd_bus_message_enter_container(m, 'v', contents) > 0 && basicText(m, contents[0], out) &&
           sd_bus_message_exit_container(m) >= 0;
}

// Walks an a{sv}; `entry` reads (or skips) the value of each key and says if all went well.
bool readDict(sd_bus_message* m, const std::function<bool(const std::string&)>& entry) {
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return false;
    int r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        std::string key;
        if (!readString(m, key) || !entry(key)) return false;
        if (sd_bus_message_exit_container(m) < 0) return false;
    }
    return r == 0 && sd_bus_message_exit_container(m) >= 0;
}

bool readActions(sd_bus_message* m, std::vector<std::string>& actions) {
    if (sd_bus_message_enter_container(m, 'a', "s") <= 0) return false;
    int r;
    const char* s = nullptr;
    while ((r = sd_bus_message_read_basic(m, 's', &s)) > 0)
        actions.emplace_back(s ? s : "");
    return r == 0 && sd_bus_message_exit_container(m) >= 0;
}

bool readHints(sd_bus_message* m, std::map<std::string, std::string>& hints) {
    return readDict(m, [&](const std::string& key) {
        std::string value;
        bool kept = false;
        if (!variantText(m, value, kept)) return false;
        if (kept) hints[key] = std::move(value);
        return true;
    });
}

// A GTK/portal dictionary value we keep must be a string; anything else is malformed.
bool stringVariant(sd_bus_message* m, std::string& out, std::uint64_t* cut = nullptr) {
    return sd_bus_message_enter_container(m, 'v', "s") > 0 && readString(m, out, true, cut) &&
           sd_bus_message_exit_container(m) >= 0;
}

bool readGtkDict(sd_bus_message* m, Notification& n) {
    return readDict(m, [&](const std::string& key) {
        if (key == "title") return stringVariant(m, n.summary, &n.cut_bytes);
        if (key == "body") return stringVariant(m, n.body, &n.cut_bytes);
        for (const char* text_key : kGtkTextKeys) {
            if (key != text_key) continue;
            std::string value;
            if (!stringVariant(m, value)) return false;
            if (key == "default-action") n.actions = {"default", value};
            n.hints[key] = std::move(value);
            return true;
        }
        return sd_bus_message_skip(m, "v") >= 0;  // icon, buttons, targets: no sender there
    });
}

}  // namespace

std::optional<Notification> decodeNotify(sd_bus_message* m) {
    if (!m || !hasSignature(m, "susssasa{sv}i")) return std::nullopt;
    Notification n;
    n.interface = policy::Interface::Fdo;
    std::int32_t expire = 0;
    if (!readString(m, n.app_name) || sd_bus_message_read_basic(m, 'u', &n.replaces_id) <= 0 ||
        !readString(m, n.app_icon) || !readString(m, n.summary, true, &n.cut_bytes) ||
        !readString(m, n.body, true, &n.cut_bytes) || !readActions(m, n.actions) ||
        !readHints(m, n.hints) || sd_bus_message_read_basic(m, 'i', &expire) <= 0) {
        return std::nullopt;
    }
    return n;
}

std::optional<std::uint32_t> decodeNotifyReply(sd_bus_message* m) {
    std::uint32_t id = 0;
    if (!m || !hasSignature(m, "u") || sd_bus_message_read_basic(m, 'u', &id) <= 0)
        return std::nullopt;
    return id;
}

std::optional<Notification> decodeGtkAddNotification(sd_bus_message* m) {
    if (!m || !hasSignature(m, "ssa{sv}")) return std::nullopt;
    Notification n;
    n.interface = policy::Interface::Gtk;
    if (!readString(m, n.app_id) || !readString(m, n.id) || !readGtkDict(m, n)) return std::nullopt;
    return n;
}

std::optional<Notification> decodePortalAddNotification(sd_bus_message* m) {
    if (!m || !hasSignature(m, "sa{sv}")) return std::nullopt;
    Notification n;
    n.interface = policy::Interface::Portal;
    if (!readString(m, n.id) || !readGtkDict(m, n)) return std::nullopt;
    return n;
}

}  // namespace nocontact::dbus
