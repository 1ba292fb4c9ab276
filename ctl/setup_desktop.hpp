// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/xfce_log.hpp"

namespace nocontact::ctl {

// What `nocontactctl setup` asks of the desktop: the session's notification server and the
// commands it runs. The real one talks to the session bus and runs programs from PATH; tests
// give it a private bus and fake programs.
class Desktop {
  public:
    struct Server {
        std::string name;     // as GetServerInformation says: "dunst", "mako", ...
        std::string version;  // "1.9.0 (2022-06-27)"
    };
    virtual ~Desktop() = default;

    // The notification server running now, asked only when one owns the name: a call to an
    // unowned name on a bus with service files would start one.
    virtual std::optional<Server> notificationServer() = 0;
    // How many notifications dunst shows or keeps waiting to show; nullopt when it cannot say.
    virtual std::optional<std::uint32_t> dunstShowing() = 0;
    // How many notifications swaync has (on screen or in its control centre, which a restart
    // empties); nullopt when it cannot say.
    virtual std::optional<std::uint32_t> swayncShowing() = 0;
    // Whether dunst knows a rule of this name, found by setting it to `enabled` (what its file
    // says already); nullopt when it cannot say.
    virtual std::optional<bool> dunstKnowsRule(const std::string& name, bool enabled) = 0;
    // dunst 1.10 and later: ConfigReload. mako: Reload. swaync: ReloadConfig.
    virtual bool dunstReload() = 0;
    virtual bool makoReload() = 0;
    virtual bool swayncReload() = 0;
    // nocontactd, when it runs, reads the policy again and with it the rules setup wrote.
    virtual bool reloadNocontactd() = 0;
    // The systemd user unit the server runs as ("dunst.service"), if any.
    virtual std::optional<std::string> serverUnit() = 0;
    // Whether the bus would start the server again by itself (D-Bus activation).
    virtual bool serverActivatable() = 0;
    // Ends the server process (SIGTERM); true once it has left the bus.
    virtual bool endServer() = 0;
    // xfce4-notifyd's log settings (xfconf); nullopt when xfconf does not answer.
    virtual std::optional<config::XfceLog> xfceLog() = 0;
    // Sets the apps xfce4-notifyd keeps out of its log; nullopt takes the setting away. Throws
    // std::runtime_error with a sentence a person can read.
    virtual void setXfceExcluded(const std::optional<std::vector<std::string>>& apps) = 0;
    // Runs a program from PATH; its standard output in `out`. -1 when it cannot be run.
    virtual int run(const std::vector<std::string>& argv, std::string* out = nullptr) = 0;
};

// The session's desktop; nullptr (with a sentence in `why`) without a session bus.
std::unique_ptr<Desktop> sessionDesktop(std::string& why);

}  // namespace nocontact::ctl
