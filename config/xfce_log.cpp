// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/xfce_log.hpp"

#include <algorithm>
#include <set>

#include "config/server_rules.hpp"

namespace nocontact::config {

namespace {

// xfce4-notifyd's /log-level-apps value that logs muted apps only.
constexpr std::uint32_t kOnlyMuted = 2;

bool contains(const std::vector<std::string>& list, const std::string& s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

std::vector<std::string> watchedAppNames(const std::vector<policy::AppProfile>& profiles) {
    std::set<std::string> names{kOwnAppName};
    for (const auto& p : profiles)
        for (const auto& name : p.app_names)
            if (!name.empty() && name.back() != '*') names.insert(name);
    return {names.begin(), names.end()};
}

std::vector<std::string> appsLogged(const XfceLog& log, const std::vector<std::string>& apps) {
    std::vector<std::string> out;
    if (!log.on || log.level_apps == kOnlyMuted) return out;
    for (const auto& app : apps)
        if (!contains(log.excluded, app)) out.push_back(app);
    return out;
}

std::vector<std::string> withExcluded(const XfceLog& log, const std::vector<std::string>& apps) {
    std::vector<std::string> out = log.excluded;
    for (const auto& app : apps)
        if (!contains(out, app)) out.push_back(app);
    return out;
}

}  // namespace nocontact::config
