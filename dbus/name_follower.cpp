// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/name_follower.hpp"

#include <systemd/sd-bus.h>

#include <cstring>
#include <stdexcept>
#include <utility>

#include "dbus/match.hpp"
#include "dbus/names.hpp"

namespace nocontact::dbus {

NameFollower::NameFollower(sd_bus* bus, std::string name, Changed changed)
    : bus_(bus), name_(std::move(name)), changed_(std::move(changed)) {}

NameFollower::~NameFollower() {
    sd_bus_slot_unref(match_);
    sd_bus_slot_unref(asked_);
}

struct NameFollower::Handlers {
    // 0: other matches on the connection see the signal too.
    static int onChanged(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<NameFollower*>(userdata);
        const char* name = nullptr;
        const char* old_owner = nullptr;
        const char* new_owner = nullptr;
        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || !name ||
            self->name_ != name)
            return 0;
        self->asked_ = sd_bus_slot_unref(self->asked_);  // its answer could only be as old
        self->report(new_owner ? new_owner : "");
        return 0;
    }

    static int onAnswer(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<NameFollower*>(userdata);
        const char* unique = nullptr;
        if (sd_bus_message_is_method_error(m, nullptr) || sd_bus_message_read(m, "s", &unique) < 0)
            unique = nullptr;  // NameHasNoOwner: not running (yet)
        // Unref'd inside its own callback: sd-bus holds a reference until the callback returns.
        self->asked_ = sd_bus_slot_unref(self->asked_);
        self->report(unique ? unique : "");
        return 1;
    }
};

void NameFollower::start() {
    std::string rule = std::string("type='signal',sender='") + names::kBusService + "',path='" +
                       names::kBusPath + "',interface='" + names::kBusInterface +
                       "',member='NameOwnerChanged',arg0='" + name_ + "'";
    int r = sd_bus_add_match_async(bus_, &match_, rule.c_str(), &Handlers::onChanged,
                                   &keepConnectionOnRefusedMatch, this);
    if (r >= 0)
        r = sd_bus_call_method_async(bus_, &asked_, names::kBusService, names::kBusPath,
                                     names::kBusInterface, "GetNameOwner", &Handlers::onAnswer,
                                     this, "s", name_.c_str());
    if (r < 0) throw std::runtime_error("cannot follow " + name_ + ": " + std::strerror(-r));
}

void NameFollower::report(const std::string& owner) {
    if (reported_ && owner == owner_) return;
    reported_ = true;
    owner_ = owner;
    if (changed_) changed_(owner_);
}

}  // namespace nocontact::dbus
