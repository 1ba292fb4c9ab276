// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <daemon1_proxy.h>

#include <sdbus-c++/sdbus-c++.h>
#include <ostream>

#include "ctl/bus_words.hpp"
#include "dbus/names.hpp"

namespace nocontact::ctl {

// org.nocontact.Daemon1 through the proxy generated from the XML. The command line listens to
// no signal; its calls are blocking, which a short-lived command may do.
class Client : public sdbus::ProxyInterfaces<org::nocontact::Daemon1_proxy> {
  public:
    explicit Client(sdbus::IConnection& c)
        : ProxyInterfaces(c, dbus::names::kService, dbus::names::kPath) {
        registerProxy();
    }
    ~Client() { unregisterProxy(); }

  private:
    void onIntervened(const std::string&, const std::string&, const std::string&,
                      const std::string&, const std::string&) override {}
    void onPolicyReloaded(const bool&, const std::string&) override {}
};

// What went wrong talking to the daemon, said plainly (busErrorWords); returns the exit code (1).
inline int daemonError(const sdbus::Error& e, std::ostream& err) {
    err << "nocontactctl: " << busErrorWords(e.getName(), e.getMessage()) << "\n";
    return 1;
}

}  // namespace nocontact::ctl
