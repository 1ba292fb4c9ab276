// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/sdbus_source.hpp"

#include <sdbus-c++/Error.h>

namespace nocontact::daemon {

std::unique_ptr<BusSource> sdbusSource(sdbus::IConnection& connection,
                                       std::function<void()> on_lost) {
    auto poll = [&connection]() {
        auto data = connection.getEventLoopPollData();
        return PollData{data.fd, data.events, data.timeout_usec};
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
