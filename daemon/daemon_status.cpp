// SPDX-License-Identifier: GPL-3.0-or-later
// What the daemon reports over org.nocontact.Daemon1 about itself: Status, the contacts' levels,
// and how it can take a message off the screen on this server. Part of Daemon (daemon/daemon.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "base/local_time.hpp"
#include "build_info.hpp"
#include "config/withdrawal.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"

namespace nocontact::daemon {

namespace {

// GNOME Shell 42 and later refuse to close another app's notification while it is connected;
// known up front from GetServerInformation, before the first refusal proves it.
bool isGnome42OrLater(const dbus::ServerInfo& server) {
    if (server.name != "gnome-shell") return false;
    int major = 0;
    for (char c : server.version) {
        if (c < '0' || c > '9' || major > 1000) break;
        major = major * 10 + (c - '0');
    }
    return major >= 42;
}

}  // namespace

std::vector<LevelRow> Daemon::levels() const {
    std::vector<LevelRow> rows;
    const auto& contacts = impl_->engine.policy().contacts;
    auto now = impl_->clock->now();
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        auto ex = impl_->engine.explain(i, now);
        rows.push_back({contacts[i].name, ex.level, ex.why});
    }
    return rows;
}

std::string Daemon::withholdingPath() const {
    if (extensionActive()) return "gnome-shell-extension";
    if (!impl_->withholder) return "none";
    const auto& server = impl_->withholder->server();
    if (server.unique_name.empty()) return "none";
    if (server.refuses_foreign_close || isGnome42OrLater(server)) {
        return "needs-gnome-shell-extension";
    }
    return "close";
}

config::Withdrawal Daemon::withdrawal() const {
    if (options_.withdrawal) return *options_.withdrawal;
    return config::withdrawalFor(impl_->withholder ? impl_->withholder->server().name : "");
}

DaemonStatus Daemon::status() const {
    auto count = [](std::uint64_t n) { return static_cast<std::uint32_t>(n); };
    const auto& policy = impl_->engine.policy();
    DaemonStatus s;
    s.version = NOCONTACT_VERSION;
    s.policy_file = impl_->policy_file;
    s.policy_loaded = impl_->policy_loaded;
    s.policy_message = impl_->policy_message;
    s.policy_last_good = impl_->policy_last_good;
    s.contacts = count(policy.contacts.size());
    s.dry_run = options_.dry_run;
    s.pause_seconds = count(policy.defaults.pause.count());
    s.withholding = withholdingPath();
    const NotificationsFlow::Counts& n = impl_->notifications->counts();
    s.withheld = count(n.withheld);
    s.refused = count(n.refused);
    s.held = count(impl_->keeper ? impl_->keeper->waiting() : 0);
    s.failed = count(n.failed);
    s.unkept = count(n.unkept);
    s.unanswerable = count(n.unanswerable);
    s.journal = journalStatus();
    s.levels = levels();
    s.changed_levels = changedLevels();
    s.held_by_contact = heldByContact();
    s.freezer = impl_->reaching ? impl_->reaching->freezer() : std::string("untried");
    s.phones.assign(impl_->phone_present.begin(), impl_->phone_present.end());
    s.phone_problems = phoneProblems();
    s.not_followed = notFollowed();
    s.day_counts = dayCounts();
    auto snooze = impl_->engine.activeSnooze(impl_->clock->now());
    if (snooze) s.snoozed_until = snooze->until;
    if (impl_->withholder) {
        const auto& server = impl_->withholder->server();
        s.server = ServerStatus{server.name, server.vendor, server.version, server.capabilities,
                                std::string(config::withdrawalName(withdrawal()))};
    }
    if (impl_->rules) {
        auto rules = impl_->rules->report(policy, heldNow());
        s.rules = RulesStatus{rules.server, rules.before, rules.after, rules.note};
    }
    if (impl_->monitor) {
        const auto& c = impl_->monitor->counters();
        s.monitor = MonitorStatus{count(n.seen), count(c.malformed), count(c.restarts)};
    }
    return s;
}

}  // namespace nocontact::daemon
