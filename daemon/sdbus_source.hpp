// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>

#include <sdbus-c++/IConnection.h>

#include "daemon/bus_source.hpp"

namespace nocontact::daemon {

// A BusSource for an sdbus-c++ connection: GLib's loop polls the connection's fd with the events
// and timeout it asks for, and has it process while it has work. Never use
// enterEventLoop()/enterEventLoopAsync() on the same connection: one loop, one thread.
// `on_lost` runs once if the connection fails. The returned source is not attached yet: call
// attach() (thread-default main context). The connection must outlive the source.
std::unique_ptr<BusSource> sdbusSource(sdbus::IConnection& connection,
                                       std::function<void()> on_lost);

}  // namespace nocontact::daemon
