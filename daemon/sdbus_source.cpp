// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/sdbus_source.hpp"

#include <sdbus-c++/Error.h>

namespace nocontact::daemon {

std::unique_ptr<BusSource> sdbusSource(sdbus::IConnection& connection,
                                       std::function<void()> on_lost) {
    // sdbus-c++ throws once the connection is closed; an exception must never cross GLib's C
    // frames, so a closed connection simply has nothing to poll.
    auto poll = [&connection]() {
        try {
            auto data = connection.getEventLoopPollData();
            return PollData{data.fd, data.events, data.timeout_usec};
        } catch (const sdbus::Error&) {
            return PollData{};
        }
    };
    // sdbus-c++ reports a broken connection by throwing from processPendingRequest().
    auto process = [&connection]() -> int {
        try {
            return connection.processPendingRequest() ? 1 : 0;
        } catch (const sdbus::Error&) {
            return -1;
        }
    };
    return std::make_unique<BusSource>(std::move(poll), std::move(process), std::move(on_lost));
}

}  // namespace nocontact::daemon
