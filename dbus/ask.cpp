// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/ask.hpp"

#include <cstring>

namespace nocontact::dbus {

std::string errorText(sd_bus_message* m) {
    const sd_bus_error* e = sd_bus_message_get_error(m);
    if (!e || !e->name) return "org.freedesktop.DBus.Error.Failed";
    return std::string(e->name) + (e->message ? std::string(": ") + e->message : "");
}

namespace {

int onDone(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* done = static_cast<PhoneDone*>(userdata);
    if (!*done) return 1;
    if (sd_bus_message_is_method_error(m, nullptr))
        (*done)(false, errorText(m));
    else
        (*done)(true, "");
    return 1;
}

}  // namespace

void askAsync(sd_bus* bus, const char* service, const std::string& path, const char* interface,
              const char* member, PhoneDone done) {
    auto* kept = new PhoneDone(std::move(done));
    sd_bus_message* m = nullptr;
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_message_new_method_call(bus, &m, service, path.c_str(), interface, member);
    if (r >= 0) r = sd_bus_message_set_auto_start(m, 0);
    if (r >= 0) r = sd_bus_call_async(bus, &slot, m, &onDone, kept, 0);
    sd_bus_message_unref(m);
    if (r < 0) {
        if (*kept) (*kept)(false, std::string("not sent: ") + std::strerror(-r));
        delete kept;
        return;
    }
    sd_bus_slot_set_destroy_callback(slot, [](void* p) { delete static_cast<PhoneDone*>(p); });
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
}

}  // namespace nocontact::dbus
