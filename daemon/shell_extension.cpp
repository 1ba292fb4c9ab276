// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/shell_extension.hpp"

#include <unistd.h>

#include "daemon/log.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::daemon {

namespace names = nocontact::dbus::names;

ShellExtensionWatch::ShellExtensionWatch(sdbus::IConnection& bus, std::function<void()> changed)
    : changed_(std::move(changed)) {
    std::string rule = std::string("type='signal',sender='") + names::kBusService + "',path='" +
                       names::kBusPath + "',interface='" + names::kBusInterface +
                       "',member='NameOwnerChanged',arg0='" + names::kShellExtensionService + "'";
    match_ = dbus::sd::addMatch(bus, rule, [this](sdbus::Message& m) {
        std::string name, old_owner, new_owner;
        m >> name >> old_owner >> new_owner;
        if (name == names::kShellExtensionService) setOwner(new_owner);
    });
    bus_proxy_ = dbus::sd::proxy(bus, names::kBusService, names::kBusPath);
    // Asked after subscribing, so no change falls between the answer and the first signal.
    bus_proxy_->callMethodAsync("GetNameOwner")
        .onInterface(names::kBusInterface)
        .withArguments(std::string(names::kShellExtensionService))
        .uponReplyInvoke([this](dbus::sd::ReplyError error, const std::string& owner) {
            if (!error) setOwner(owner);  // NameHasNoOwner: the extension is not running
        });
}

ShellExtensionWatch::~ShellExtensionWatch() = default;

void ShellExtensionWatch::setOwner(const std::string& owner) {
    claimed_ = owner;
    if (owner.empty()) return believe(owner);
    bus_proxy_->callMethodAsync("GetConnectionUnixUser")
        .onInterface(names::kBusInterface)
        .withArguments(owner)
        .uponReplyInvoke([this, owner](dbus::sd::ReplyError error, std::uint32_t uid) {
            if (owner != claimed_) return;  // it changed hands again meanwhile
            if (!error && uid == getuid()) return believe(owner);
            log::write(log::Priority::Warning,
                       "A program of another user took the name of nocontact's GNOME Shell "
                       "extension; nocontact does not rely on it.");
            believe("");
        });
}

void ShellExtensionWatch::believe(const std::string& owner) {
    if (owner == owner_) return;
    owner_ = owner;
    if (changed_) changed_();
}

}  // namespace nocontact::daemon
