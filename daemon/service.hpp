// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>

#include <sys/types.h>

#include <sdbus-c++/sdbus-c++.h>

#include "daemon/port.hpp"

namespace nocontact::daemon {

// True when a caller with uid `caller` may talk to the daemon run by uid `owner`: only the same
// user, root included (root has no business reading someone's no-contact state).
bool callerAllowed(uid_t caller, uid_t owner);

// org.nocontact.Daemon1 on the daemon's service connection (sdbus-c++, glue generated from the
// XML). Refuses callers with another uid. Emits the signals the daemon asks for.
class Service {
  public:
    Service(sdbus::IConnection& connection, DaemonPort& daemon);
    ~Service();

    void emitIntervened(const std::string& contact, const std::string& app, const std::string& kind,
                        const std::string& level, const std::string& action);
    void emitPolicyReloaded(bool applied, const std::string& message);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::daemon
