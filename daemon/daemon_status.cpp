// SPDX-License-Identifier: GPL-3.0-or-later
// What the daemon reports over org.nocontact.Daemon1 about itself: Status, the contacts' levels,
// and how it can take a message off the screen on this server. Part of Daemon (daemon/daemon.hpp).
#include <cstdint>
#include <map>
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

std::vector<sdbus::Struct<std::string, std::string, std::string>> Daemon::levels() const {
    std::vector<sdbus::Struct<std::string, std::string, std::string>> rows;
    const auto& contacts = impl_->engine.policy().contacts;
    auto now = impl_->clock->now();
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        auto ex = impl_->engine.explain(i, now);
        rows.emplace_back(contacts[i].name, std::string(policy::levelName(ex.level)), ex.why);
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

std::map<std::string, sdbus::Variant> Daemon::status() const {
    std::map<std::string, sdbus::Variant> s;
    const auto& policy = impl_->engine.policy();
    s["version"] = sdbus::Variant(std::string(NOCONTACT_VERSION));
    s["policy_file"] = sdbus::Variant(impl_->policy_file);
    s["policy_loaded"] = sdbus::Variant(impl_->policy_loaded);
    s["policy_message"] = sdbus::Variant(impl_->policy_message);
    s["policy_last_good"] = sdbus::Variant(impl_->policy_last_good);
    s["contacts"] = sdbus::Variant(static_cast<std::uint32_t>(policy.contacts.size()));
    s["dry_run"] = sdbus::Variant(options_.dry_run);
    s["pause_seconds"] =
        sdbus::Variant(static_cast<std::uint32_t>(impl_->engine.policy().defaults.pause.count()));
    s["withholding"] = sdbus::Variant(withholdingPath());
    s["withheld"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->withheld));
    s["refused"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->refused));
    s["held"] =
        sdbus::Variant(static_cast<std::uint32_t>(impl_->keeper ? impl_->keeper->waiting() : 0));
    s["failed"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->failed));
    s["unkept"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->unkept));
    s["unanswerable"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->unanswerable));
    journalStatus(s);
    s["levels"] = sdbus::Variant(levels());
    s["changed_levels"] = sdbus::Variant(changedLevels());
    s["held_by_contact"] = sdbus::Variant(heldByContact());
    s["freezer"] = sdbus::Variant(impl_->freezer);
    s["phones"] = sdbus::Variant(
        std::vector<std::string>(impl_->phone_present.begin(), impl_->phone_present.end()));
    s["phone_problems"] = sdbus::Variant(phoneProblems());
    s["not_followed"] = sdbus::Variant(notFollowed());
    s["day_counts"] = sdbus::Variant(dayCounts());
    auto snooze = impl_->engine.activeSnooze(impl_->clock->now());
    s["snoozed_until"] =
        sdbus::Variant(snooze && snooze->until
                           ? static_cast<std::int64_t>(snooze->until->time_since_epoch().count())
                           : std::int64_t{0});
    if (impl_->withholder) {
        const auto& server = impl_->withholder->server();
        s["server_name"] = sdbus::Variant(server.name);
        s["server_vendor"] = sdbus::Variant(server.vendor);
        s["server_version"] = sdbus::Variant(server.version);
        s["server_capabilities"] = sdbus::Variant(server.capabilities);
        s["withdrawal"] = sdbus::Variant(std::string(config::withdrawalName(withdrawal())));
    }
    if (impl_->rules) {
        auto rules = impl_->rules->report(policy, heldNow());
        s["rules_server"] = sdbus::Variant(rules.server);
        s["held_before_drawing"] = sdbus::Variant(rules.before);
        s["held_after_drawing"] = sdbus::Variant(rules.after);
        s["rules_problem"] = sdbus::Variant(rules.note);
    }
    if (impl_->monitor) {
        const auto& c = impl_->monitor->counters();
        s["seen"] = sdbus::Variant(static_cast<std::uint32_t>(impl_->seen));
        s["malformed"] = sdbus::Variant(static_cast<std::uint32_t>(c.malformed));
        s["monitor_restarts"] = sdbus::Variant(static_cast<std::uint32_t>(c.restarts));
    }
    return s;
}

}  // namespace nocontact::daemon
