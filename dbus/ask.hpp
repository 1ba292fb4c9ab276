// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include <systemd/sd-bus.h>

#include "dbus/phone.hpp"

// Asking another service to do something, the way every watcher does it.
namespace nocontact::dbus {

// An error reply as "Name: message".
std::string errorText(sd_bus_message* m);

// Calls `member` (no arguments) of `interface` at `path` on `service`, asynchronously and
// never auto-starting the service (a late Hangup must not launch it). `done` gets ok, or the
// error's text, or "not sent: ..."; the call floats, so it may outlive whoever asked.
void askAsync(sd_bus* bus, const char* service, const std::string& path, const char* interface,
              const char* member, PhoneDone done);

}  // namespace nocontact::dbus
