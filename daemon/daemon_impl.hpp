// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What a Daemon holds, shared by daemon.cpp (the wiring) and daemon_requests.cpp (the person's
// requests). Private to the daemon: include it nowhere else.

#include <glib.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/rule_shapes_memo.hpp"
#include "daemon/bus_source.hpp"
#include "daemon/calls_flow.hpp"
#include "daemon/daemon.hpp"
#include "daemon/digest_flow.hpp"
#include "daemon/keeper.hpp"
#include "daemon/notifications_flow.hpp"
#include "daemon/phone_events.hpp"
#include "daemon/phone_pairs.hpp"
#include "daemon/policy_watcher.hpp"
#include "daemon/reaching_flow.hpp"
#include "daemon/rules_flow.hpp"
#include "daemon/service.hpp"
#include "daemon/shell_extension.hpp"
#include "daemon/timer.hpp"
#include "dbus/calls_watch.hpp"
#include "dbus/kdeconnect_watch.hpp"
#include "dbus/modem_watch.hpp"
#include "dbus/monitor.hpp"
#include "dbus/withholder.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

namespace nocontact::daemon {

struct Daemon::Impl {
    GMainLoop* loop = nullptr;
    const Clock* clock = &systemClock();  // the only way daemon/ reads the time
    Timer* timer = &loopTimer();          // and waits for one
    std::string policy_file;
    std::vector<policy::AppProfile> builtin;
    policy::Engine engine{policy::Policy{}};
    policy::Profiles profiles;
    bool policy_loaded = false;
    // start() has finished: from now on a reload tells systemd (RELOADING=1, then READY=1); the
    // first READY=1 waits until everything watches.
    bool started = false;
    // The policy in force is the last one that worked, kept in the state folder, because the
    // file was refused when nocontactd started.
    bool policy_last_good = false;
    std::string policy_message;

    std::unique_ptr<dbus::Monitor> monitor;
    Timer::Id monitor_retry = 0;  // watching again after the bus dropped the monitor
    std::unique_ptr<dbus::Withholder> withholder;
    // The notification server's own rules, where setup put them (none in a dry run).
    std::unique_ptr<RulesFlow> rules;
    config::RuleShapesMemo shapes_memo;  // the rules' shapes, kept across reloads
    Timer::Id rules_timer = 0;           // the next moment someone's level changes by itself
    std::unique_ptr<sdbus::IConnection> service_bus;
    std::unique_ptr<Service> service;
    std::unique_ptr<BusSource> monitor_source, actor_source, quiet_source, service_source;
    std::unique_ptr<PolicyWatcher> watcher;
    // Who owns org.nocontact.ShellExtension1 (followed on the actor connection).
    std::unique_ptr<ShellExtensionWatch> extension;
    std::unique_ptr<Keeper> keeper;  // none in dry-run: nothing is kept or shown
    std::string keeper_bus_name;
    std::unique_ptr<DigestFlow> digests;     // none in a dry run
    std::unique_ptr<ReachingFlow> reaching;  // on the actor connection

    // The flows that hear from the phone sources. Declared before the watches, so that they
    // outlive them, and the pairs before the notifications flow, which uses them.
    // KDE Connect's two halves of what a phone sends, and SMS waiting to be counted:
    std::unique_ptr<PhonePairs> phone_pairs;
    std::unique_ptr<NotificationsFlow> notifications;
    // The calls GNOME Calls and ModemManager report:
    std::unique_ptr<CallsFlow> calls;
    // Phones and calls (daemon_phone.cpp), each while `sources:` has it on.
    std::unique_ptr<dbus::KdeConnectWatch> kdeconnect;
    std::unique_ptr<dbus::CallsWatch> gnome_calls;
    sd_bus* system_bus = nullptr;  // ModemManager's; ours
    std::unique_ptr<BusSource> system_source;
    std::unique_ptr<dbus::ModemWatch> modem;
    std::set<std::string> phone_present;  // the sources whose service is on the bus now
    std::string modem_note;               // why ModemManager is not followed, when it is not
    guint modem_idle = 0;                 // dropping ModemManager after its bus went away

    // When the person was last told the journal went to memory (monotonic µs), and whether
    // that is still the last thing they were told about it.
    std::int64_t told_memory_us = 0;
    bool told_memory = false;
    std::string logged_server;
    std::string server_owner;  // the notification server's unique name, the last one seen
    bool watcher_started = false, watching = false;
};

}  // namespace nocontact::daemon
