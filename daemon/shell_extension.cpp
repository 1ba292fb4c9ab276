// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/shell_extension.hpp"

#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdint>

#include "daemon/log.hpp"
#include "dbus/names.hpp"

namespace nocontact::daemon {

namespace names = nocontact::dbus::names;

struct ShellExtensionWatch::Handlers {
    static int onUid(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<ShellExtensionWatch*>(userdata);
        std::uint32_t uid = 0;
        bool ok = !sd_bus_message_is_method_error(m, nullptr) &&
                  sd_bus_message_read_basic(m, 'u', &uid) > 0;
        // Unref'd inside its own callback: sd-bus holds a reference until the callback returns.
        self->asked_ = sd_bus_slot_unref(self->asked_);
        if (ok && uid == getuid()) {
            self->believe(self->claimed_);
            return 1;
        }
        log::write(log::Priority::Warning,
                   "A program of another user took the name of nocontact's GNOME Shell "
                   "extension; nocontact does not rely on it.");
        self->believe("");
        return 1;
    }
};

ShellExtensionWatch::ShellExtensionWatch(sd_bus* bus, std::function<void()> changed)
    : bus_(bus),
      changed_(std::move(changed)),
      follower_(bus, names::kShellExtensionService,
                [this](const std::string& owner) { setOwner(owner); }) {
    follower_.start();
}

ShellExtensionWatch::~ShellExtensionWatch() {
    sd_bus_slot_unref(asked_);
}

void ShellExtensionWatch::setOwner(const std::string& owner) {
    claimed_ = owner;
    asked_ = sd_bus_slot_unref(asked_);  // a question about an earlier owner is moot
    if (owner.empty()) return believe(owner);
    int r = sd_bus_call_method_async(bus_, &asked_, names::kBusService, names::kBusPath,
                                     names::kBusInterface, "GetConnectionUnixUser",
                                     &Handlers::onUid, this, "s", owner.c_str());
    if (r < 0) believe("");  // cannot ask: not relied on
}

void ShellExtensionWatch::believe(const std::string& owner) {
    if (owner == owner_) return;
    owner_ = owner;
    if (changed_) changed_();
}

}  // namespace nocontact::daemon
