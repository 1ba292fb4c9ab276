// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/daemon_client.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <nlohmann/json.hpp>
#include <ostream>

#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "dbus/names.hpp"

namespace nocontact::ctl {

namespace {

using json = nlohmann::ordered_json;
using Status = std::map<std::string, sdbus::Variant>;
using LevelRow = sdbus::Struct<std::string, std::string, std::string>;

template <typename T>
T get(const Status& s, const char* key, T fallback = {}) {
    auto it = s.find(key);
    if (it == s.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

json statusJson(const Status& s) {
    json out;
    for (const char* key : {"version", "policy_file", "policy_message", "withholding",
                            "server_name", "server_version"}) {
        out[key] = get<std::string>(s, key);
    }
    out["policy_loaded"] = get<bool>(s, "policy_loaded");
    out["dry_run"] = get<bool>(s, "dry_run");
    for (const char* key : {"contacts", "seen", "withheld", "held", "refused", "failed",
                            "malformed", "monitor_restarts"}) {
        out[key] = get<std::uint32_t>(s, key);
    }
    out["levels"] = json::array();
    for (const auto& row : get<std::vector<LevelRow>>(s, "levels")) {
        out["levels"].push_back({{"contact", std::get<0>(row)},
                                 {"level", std::get<1>(row)},
                                 {"why", std::get<2>(row)}});
    }
    return out;
}

std::string withholdingSentence(const std::string& path) {
    if (path == "close") return "withheld notifications are closed";
    if (path == "needs-gnome-shell-extension") {
        return "this server refuses to close other apps' notifications; GNOME needs the "
               "nocontact GNOME Shell extension";
    }
    return "no notification server is running yet";
}

void printStatus(const json& s, std::ostream& out) {
    out << "nocontactd " << s["version"].get<std::string>() << " is running"
        << (s["dry_run"].get<bool>() ? " in dry-run mode (deciding, not acting)" : "") << ".\n"
        << "Policy: " << s["policy_file"].get<std::string>() << "\n  "
        << s["policy_message"].get<std::string>() << "\n";
    std::string server = s["server_name"].get<std::string>();
    out << "Notifications: "
        << (server.empty() ? "no server" : server + " " + s["server_version"].get<std::string>())
        << "; " << withholdingSentence(s["withholding"].get<std::string>()) << ".\n"
        << "Seen " << s["seen"] << ", withheld " << s["withheld"] << "; " << s["held"]
        << " waiting for you.\n";
    for (const auto& row : s["levels"])
        out << "  " << row["why"].get<std::string>() << "\n";
}

}  // namespace

int runStatus(bool as_json, std::ostream& out, std::ostream& err) {
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
        json s = statusJson(client.Status());
        if (as_json) {
            out << s.dump(2) << '\n';
        } else {
            printStatus(s, out);
        }
        return kExitOk;
    } catch (const sdbus::Error& e) {
        return daemonError(e, err);
    }
}

int runReload(std::ostream& out, std::ostream& err) {
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
        auto [applied, message] = client.Reload();
        (applied ? out : err) << message << '\n';
        if (!applied) err << "Nothing was changed.\n";
        return applied ? kExitOk : kExitError;
    } catch (const sdbus::Error& e) {
        return daemonError(e, err);
    }
}

}  // namespace nocontact::ctl
