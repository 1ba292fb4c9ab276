// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <daemon1_proxy.h>

#include <sdbus-c++/sdbus-c++.h>
#include <map>
#include <ostream>
#include <string>
#include <utility>

#include "ctl/bus_words.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::ctl {

// org.nocontact.Daemon1 through the proxy generated from the XML. The command line listens to
// no signal; its calls are blocking, which a short-lived command may do.
class Client : public sdbus::ProxyInterfaces<org::nocontact::Daemon1_proxy> {
  public:
    explicit Client(sdbus::IConnection& c)
        : ProxyInterfaces(c, dbus::sd::service(dbus::names::kService),
                          dbus::sd::path(dbus::names::kPath)),
          connection_(c) {
        registerProxy();
    }
    ~Client() { unregisterProxy(); }

    // The session bus it talks on, for asking others there too.
    sdbus::IConnection& connection() const { return connection_; }

  private:
    void onIntervened(const std::string&, const std::string&, const std::string&,
                      const std::string&, const std::string&) override {}
    void onPolicyReloaded(const bool&, const std::string&) override {}

    sdbus::IConnection& connection_;
};

// Status's dictionary, and its per-contact level rows (contact, level, why).
using Status = std::map<std::string, sdbus::Variant>;
using LevelRow = sdbus::Struct<std::string, std::string, std::string>;

// A Status value of type T, or `fallback` when the key is missing or of another type (a newer
// or older nocontactd).
template <typename T>
T statusValue(const Status& s, const char* key, T fallback = {}) {
    auto it = s.find(key);
    if (it == s.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

// What went wrong talking to the daemon, said plainly (busErrorWords); returns the exit code (1).
inline int daemonError(const sdbus::Error& e, std::ostream& err) {
    err << "nocontactctl: " << busErrorWords(e.getName(), e.getMessage()) << "\n";
    return 1;
}

// Talks to nocontactd: connects to the session bus, makes a Client and returns use(client). A
// D-Bus error on the way (no session bus, no nocontactd, a refusal) goes to on_error instead,
// and its answer is returned. The connection lasts as long as `use` runs.
template <typename Use, typename OnError>
auto askDaemon(Use&& use, OnError&& on_error) {
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
        return use(client);
    } catch (const sdbus::Error& e) {
        return on_error(e);
    }
}

// askDaemon for a command: `use` returns the exit code; a D-Bus error is said plainly on `err`
// (daemonError) and the exit code is 1.
template <typename Use>
int withDaemon(std::ostream& err, Use&& use) {
    return askDaemon(std::forward<Use>(use),
                     [&err](const sdbus::Error& e) { return daemonError(e, err); });
}

}  // namespace nocontact::ctl
