// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/xfconf.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "base/i18n.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::ctl {
namespace {

constexpr const char* kXfconfService = "org.xfce.Xfconf";
constexpr const char* kXfconfPath = "/org/xfce/Xfconf";
constexpr const char* kXfconfInterface = "org.xfce.Xfconf";
// xfconfd answers at once; one that does not within this is not there for us.
constexpr auto kCallTimeout = std::chrono::seconds(5);

template <typename T>
T valueOr(const std::map<std::string, sdbus::Variant>& all, const char* key, T fallback) {
    auto it = all.find(key);
    if (it == all.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

// xfconf keeps a string list as an array of variants.
std::vector<std::string> strings(const std::map<std::string, sdbus::Variant>& all,
                                 const char* key) {
    std::vector<std::string> out;
    for (const auto& v : valueOr(all, key, std::vector<sdbus::Variant>{}))
        if (v.containsValueOfType<std::string>()) out.push_back(v.get<std::string>());
    return out;
}

}  // namespace

std::optional<config::XfceLog> readXfceLog(sdbus::IConnection& connection) {
    try {
        auto proxy = dbus::sd::proxy(connection, kXfconfService, kXfconfPath);
        std::map<std::string, sdbus::Variant> all;
        proxy->callMethod("GetAllProperties")
            .onInterface(kXfconfInterface)
            .withTimeout(kCallTimeout)
            .withArguments(std::string(config::kXfceChannel), std::string("/"))
            .storeResultsTo(all);
        config::XfceLog log;
        log.on = valueOr(all, config::kXfceLogOn, false);
        log.level = valueOr(all, config::kXfceLogLevel, std::uint32_t{0});
        log.level_apps = valueOr(all, config::kXfceLogLevelApps, std::uint32_t{0});
        log.excluded = strings(all, config::kXfceExcluded);
        return log;
    } catch (const sdbus::Error& e) {
        // A channel nobody ever wrote to is not an error of ours: the defaults (log off).
        if (e.getName() == "org.xfce.Xfconf.Error.ChannelNotFound") return config::XfceLog{};
        return std::nullopt;
    }
}

void writeXfceExcluded(sdbus::IConnection& connection,
                       const std::optional<std::vector<std::string>>& apps) {
    try {
        auto proxy = dbus::sd::proxy(connection, kXfconfService, kXfconfPath);
        std::string channel = config::kXfceChannel, property = config::kXfceExcluded;
        if (!apps) {
            proxy->callMethod("ResetProperty")
                .onInterface(kXfconfInterface)
                .withTimeout(kCallTimeout)
                .withArguments(channel, property, false);
            return;
        }
        std::vector<sdbus::Variant> list(apps->begin(), apps->end());
        proxy->callMethod("SetProperty")
            .onInterface(kXfconfInterface)
            .withTimeout(kCallTimeout)
            .withArguments(channel, property, sdbus::Variant(list));
    } catch (const sdbus::Error&) {
        throw std::runtime_error(
            i18n::tr("xfce4-notifyd's settings could not be changed through xfconf."));
    }
}

}  // namespace nocontact::ctl
