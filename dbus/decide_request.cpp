// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/decide_request.hpp"

#include <utility>

#include "dbus/decode.hpp"

namespace nocontact::dbus {

namespace {

using Request = std::map<std::string, sdbus::Variant>;

// Cuts at most dbus::kMaxTextBytes, backing off so that no UTF-8 sequence is split; counts
// what was cut in `cut`.
std::string capped(const std::string& s, std::uint64_t& cut) {
    if (s.size() <= dbus::kMaxTextBytes) return s;
    std::size_t n = dbus::kMaxTextBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    cut += s.size() - n;
    return s.substr(0, n);
}

// Reads `key` into `out` when present; false when it is present with another type.
template <typename T>
bool read(const Request& request, const char* key, T& out) {
    auto it = request.find(key);
    if (it == request.end()) return true;
    if (!it->second.containsValueOfType<T>()) return false;
    out = it->second.get<T>();
    return true;
}

bool interfaceOf(const std::string& source, policy::Interface& out) {
    static const std::map<std::string, policy::Interface> kSources = {
        {"fdo", policy::Interface::Fdo},
        {"gtk", policy::Interface::Gtk},
        {"portal", policy::Interface::Portal}};
    auto it = kSources.find(source);
    if (it == kSources.end()) return false;
    out = it->second;
    return true;
}

}  // namespace

std::variant<DecideRequest, std::string> decodeDecideRequest(const Request& request) {
    DecideRequest decided;
    dbus::Observed& o = decided.observed;
    policy::Notification& n = o.notification;
    std::string source;
    if (!read(request, "source", source) || !interfaceOf(source, n.interface))
        return std::string("source must be \"fdo\", \"gtk\" or \"portal\".");
    const std::pair<const char*, std::string*> texts[] = {
        {"app_name", &n.app_name}, {"app_id", &n.app_id},   {"id", &n.id},
        {"icon", &n.app_icon},     {"summary", &n.summary}, {"body", &n.body},
        {"sender", &o.sender}};
    for (auto [key, field] : texts) {
        if (!read(request, key, *field)) return std::string(key) + " must be a string.";
    }
    if (!read(request, "actions", n.actions)) return std::string("actions must be strings.");
    if (!read(request, "hints", n.hints)) return std::string("hints must map text to text.");
    if (!read(request, "sender_pid", decided.sender_pid))
        return std::string("sender_pid must be an unsigned 32-bit number.");
    if (!read(request, "deadline_usec", decided.deadline_usec))
        return std::string("deadline_usec must be a signed 64-bit number.");
    n.summary = capped(n.summary, n.cut_bytes);
    n.body = capped(n.body, n.cut_bytes);
    return decided;
}

}  // namespace nocontact::dbus
