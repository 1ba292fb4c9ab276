// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the decoders of other apps' notification calls (dbus/decode.hpp): Notify,
// org.gtk.Notifications.AddNotification, the portal's AddNotification and Notify's reply; and of
// what the phone sources read (dbus/kdeconnect_decode.hpp, dbus/modem_decode.hpp). Every
// message any app could send is reachable: the input picks a signature (the right one most of
// the time, else any the grammar below makes: basic types, arrays, dictionaries, variants,
// structs, nested) and the values in it, the message is sealed as a received one would be, and
// each decoder reads it. A decoder may refuse it; it must never crash, hang or leak.
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "dbus/decode.hpp"
#include "dbus/kdeconnect_decode.hpp"
#include "dbus/modem_decode.hpp"

namespace {

// An unconnected bus to build messages on: a socket pair no one answers, enough for sd-bus to
// let messages be made and sealed.
sd_bus* messageFactory() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0)
        __builtin_trap();
    sd_bus* bus = nullptr;
    if (sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, fds[0], fds[0]) < 0 || sd_bus_start(bus) < 0)
        __builtin_trap();
    return bus;
}

// Keys the decoders look for, so dictionaries hit them often.
constexpr const char* kKeys[] = {
    "desktop-entry",  "sender-pid", "image-data",    "urgency",
    "category",       "title",      "body",          "priority",
    "default-action", "icon",       "x-kde-appname", "transient",
    "appName",        "text",       "ticker",        "Number",
    "State",          "Direction",  "Text",          "org.freedesktop.ModemManager1.Modem.Voice"};

constexpr int kMaxDepth = 4;

// A complete type from the grammar, at most kMaxDepth containers deep.
std::string completeType(FuzzedDataProvider& in, int depth) {
    static const char kBasic[] = "sbynqiuxtdog";
    int pick = in.ConsumeIntegralInRange<int>(0, depth >= kMaxDepth ? 11 : 16);
    if (pick <= 11) return std::string(1, kBasic[pick]);
    switch (pick) {
        case 12:
            return "v";
        case 13:
            return "a" + completeType(in, depth + 1);
        case 14:
            return "a{s" + completeType(in, depth + 1) + "}";
        case 15:
            return "a{sv}";
        default: {
            std::string s = "(";
            int n = in.ConsumeIntegralInRange<int>(1, 3);
            for (int i = 0; i < n; ++i)
                s += completeType(in, depth + 1);
            return s + ")";
        }
    }
}

// The first complete type at the start of `sig`, and its length.
std::size_t typeLength(const std::string& sig, std::size_t at) {
    char c = sig[at];
    if (c == 'a') return 1 + typeLength(sig, at + 1);
    if (c == '(' || c == '{') {
        char close = c == '(' ? ')' : '}';
        std::size_t i = at + 1;
        while (sig[i] != close)
            i += typeLength(sig, i);
        return i + 1 - at;
    }
    return 1;
}

std::string text(FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange<int>(0, 4) == 0)
        return kKeys[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kKeys) - 1)];
    return in.ConsumeRandomLengthString(256);
}

int appendValue(sd_bus_message* m, FuzzedDataProvider& in, const std::string& type, int depth);

int appendBasic(sd_bus_message* m, FuzzedDataProvider& in, char type) {
    switch (type) {
        case 's': {
            std::string s = text(in);
            return sd_bus_message_append_basic(m, 's', s.c_str());  // invalid UTF-8: refused
        }
        case 'o':
            return sd_bus_message_append_basic(m, 'o', "/org/example/Fuzz");
        case 'g':
            return sd_bus_message_append_basic(m, 'g', "sa{sv}");
        case 'b': {
            int b = in.ConsumeBool();
            return sd_bus_message_append_basic(m, 'b', &b);
        }
        case 'y': {
            auto v = in.ConsumeIntegral<std::uint8_t>();
            return sd_bus_message_append_basic(m, 'y', &v);
        }
        case 'n': {
            auto v = in.ConsumeIntegral<std::int16_t>();
            return sd_bus_message_append_basic(m, 'n', &v);
        }
        case 'q': {
            auto v = in.ConsumeIntegral<std::uint16_t>();
            return sd_bus_message_append_basic(m, 'q', &v);
        }
        case 'i': {
            auto v = in.ConsumeIntegral<std::int32_t>();
            return sd_bus_message_append_basic(m, 'i', &v);
        }
        case 'u': {
            auto v = in.ConsumeIntegral<std::uint32_t>();
            return sd_bus_message_append_basic(m, 'u', &v);
        }
        case 'x': {
            auto v = in.ConsumeIntegral<std::int64_t>();
            return sd_bus_message_append_basic(m, 'x', &v);
        }
        case 't': {
            auto v = in.ConsumeIntegral<std::uint64_t>();
            return sd_bus_message_append_basic(m, 't', &v);
        }
        case 'd': {
            double v = in.ConsumeFloatingPoint<double>();
            return sd_bus_message_append_basic(m, 'd', &v);
        }
    }
    return -1;
}

// KDE Connect's ConversationMessage, new and old: a variant holding one of these is what
// conversationUpdated carries.
constexpr const char* kConversation[] = {"(isa(s)xiixixa(xsss))", "(isa(s)xiixix)"};

int appendValue(sd_bus_message* m, FuzzedDataProvider& in, const std::string& type, int depth) {
    if (type.size() == 1 && type != "v") return appendBasic(m, in, type[0]);
    if (type == "v") {
        std::string inner = in.ConsumeIntegralInRange<int>(0, 3) == 0
                                ? kConversation[in.ConsumeIntegralInRange<int>(0, 1)]
                                : completeType(in, depth + 1);
        int r = sd_bus_message_open_container(m, 'v', inner.c_str());
        if (r >= 0) r = appendValue(m, in, inner, depth + 1);
        return r < 0 ? r : sd_bus_message_close_container(m);
    }
    if (type[0] == 'a') {
        std::string element = type.substr(1);
        int r = sd_bus_message_open_container(m, 'a', element.c_str());
        int n = in.ConsumeIntegralInRange<int>(0, 6);
        for (int i = 0; r >= 0 && i < n && in.remaining_bytes() > 0; ++i)
            r = appendValue(m, in, element, depth + 1);
        return r < 0 ? r : sd_bus_message_close_container(m);
    }
    // A struct "(...)" or a dictionary entry "{...}": its members in order.
    char kind = type[0] == '(' ? 'r' : 'e';
    std::string members = type.substr(1, type.size() - 2);
    int r = sd_bus_message_open_container(m, kind, members.c_str());
    for (std::size_t at = 0; r >= 0 && at < members.size();) {
        std::size_t len = typeLength(members, at);
        r = appendValue(m, in, members.substr(at, len), depth + 1);
        at += len;
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

// The real signatures, picked most of the time so the decoders get past their first check.
constexpr const char* kSignatures[] = {"susssasa{sv}i", "ssa{sv}", "sa{sv}",    "u", "a{sv}", "v",
                                       "sss",           "ao",      "oa{sa{sv}}"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sd_bus* bus = messageFactory();
    FuzzedDataProvider in(data, size);
    std::string signature;
    if (in.ConsumeIntegralInRange<int>(0, 9) < 7) {
        signature =
            kSignatures[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kSignatures) - 1)];
    } else {
        int n = in.ConsumeIntegralInRange<int>(0, 6);
        for (int i = 0; i < n; ++i)
            signature += completeType(in, 0);
    }
    sd_bus_message* m = nullptr;
    if (sd_bus_message_new_method_call(bus, &m, "org.freedesktop.Notifications",
                                       "/org/freedesktop/Notifications",
                                       "org.freedesktop.Notifications", "Notify") < 0)
        __builtin_trap();
    int r = 0;
    for (std::size_t at = 0; r >= 0 && at < signature.size();) {
        std::size_t len = typeLength(signature, at);
        r = appendValue(m, in, signature.substr(at, len), 0);
        at += len;
    }
    static std::uint64_t cookie = 0;
    if (r >= 0 && sd_bus_message_seal(m, ++cookie, 0) >= 0) {
        (void)nocontact::dbus::decodeNotify(m);
        (void)nocontact::dbus::decodeGtkAddNotification(m);
        (void)nocontact::dbus::decodePortalAddNotification(m);
        (void)nocontact::dbus::decodeNotifyReply(m);
        (void)nocontact::dbus::decodeNotify(m);  // decoders rewind: a second read is the same
        (void)nocontact::dbus::decodeKdeConnectNotification(m);
        (void)nocontact::dbus::decodeConversationMessage(m);
        (void)nocontact::dbus::decodeCallReceived(m);
        // The ModemManager readers read on from where the message stands.
        namespace modem = nocontact::dbus::modem;
        if (sd_bus_message_rewind(m, 1) >= 0) (void)modem::readPaths(m);
        if (sd_bus_message_rewind(m, 1) >= 0 &&
            sd_bus_message_skip(m, "o") >= 0)  // InterfacesAdded: the path, then the interfaces
            (void)modem::readInterfaces(m);
        if (sd_bus_message_rewind(m, 1) >= 0) {
            std::int32_t state = 0;
            (void)modem::forEachProperty(m, [&](const char* key) {
                return std::string_view(key) == "State" && modem::readVariant(m, 'i', &state);
            });
            (void)modem::callState(state);
        }
    }
    sd_bus_message_unref(m);
    return 0;
}
