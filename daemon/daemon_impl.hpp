// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What a Daemon holds, shared by daemon.cpp (the wiring) and daemon_requests.cpp (the person's
// requests). Private to the daemon: include it nowhere else.

#include <glib.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/bus_source.hpp"
#include "daemon/daemon.hpp"
#include "daemon/keeper.hpp"
#include "daemon/policy_watcher.hpp"
#include "daemon/service.hpp"
#include "daemon/shell_extension.hpp"
#include "dbus/monitor.hpp"
#include "dbus/units_watch.hpp"
#include "dbus/withholder.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

namespace nocontact::daemon {

struct Daemon::Impl {
    GMainLoop* loop = nullptr;
    std::string policy_file;
    std::vector<policy::AppProfile> builtin;
    policy::Engine engine{policy::Policy{}};
    policy::Profiles profiles;
    bool policy_loaded = false;
    std::string policy_message;

    std::unique_ptr<dbus::Monitor> monitor;
    std::unique_ptr<dbus::Withholder> withholder;
    std::unique_ptr<sdbus::IConnection> service_bus;
    std::unique_ptr<Service> service;
    std::unique_ptr<BusSource> monitor_source, actor_source, service_source;
    std::unique_ptr<PolicyWatcher> watcher;
    // Who owns org.nocontact.ShellExtension1 (followed on service_bus).
    std::unique_ptr<ShellExtensionWatch> extension;
    std::unique_ptr<Keeper> keeper;  // none in dry-run: nothing is kept or shown
    std::string keeper_bus_name;
    guint digest_timer = 0;
    std::unique_ptr<dbus::UnitsWatch> units;  // on the actor connection
    // "untried", "available", or why freezing is not possible here (said once).
    std::string freezer = "untried";
    // Apps frozen behind a pause right now; also in the state folder's "frozen-apps", so a
    // nocontactd that crashed thaws them when it starts again.
    std::set<std::string> frozen;

    std::uint64_t withheld = 0, refused = 0, failed = 0;
    std::string logged_server;
    bool watcher_started = false, watching = false;
};

}  // namespace nocontact::daemon
