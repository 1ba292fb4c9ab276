// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/sdbus_source.hpp"

#include <sdbus-c++/Error.h>

#include "dbus/sdbus_compat.hpp"

namespace nocontact::daemon {

std::unique_ptr<BusSource> sdbusSource(sdbus::IConnection& connection,
                                       std::function<void()> on_lost) {
    // sdbus-c++ throws once the connection is closed; an exception must never cross GLib's C
    // frames, so a closed connection simply has nothing to poll.
    auto poll = [&connection]() {
        try {
            auto data = dbus::sd::pollData(connection);
            return PollData{data.fd, data.events, data.timeout_usec, data.event_fd};
        } catch (const sdbus::Error&) {
            return PollData{};
        }
    };
    // sdbus-c++ reports a broken connection by throwing from processing.
    auto process = [&connection]() -> int {
        try {
            return dbus::sd::processPending(connection) ? 1 : 0;
        } catch (const sdbus::Error&) {
            return -1;
        }
    };
    return std::make_unique<BusSource>(std::move(poll), std::move(process), std::move(on_lost));
}

}  // namespace nocontact::daemon
