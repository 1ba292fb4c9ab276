// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/shell_launches.hpp"

#include <glib.h>

namespace nocontact::daemon {

namespace {
// A unit launch and GNOME Shell's report of it arrive within milliseconds of each other; ten
// seconds covers a slow start, and is far shorter than any grace between two pauses.
constexpr auto kSameLaunch = std::chrono::seconds(10);

struct Wait {
    std::string profile;
    std::function<void()> then;
    std::map<std::string, unsigned>* waits;
};
}  // namespace

ShellLaunches::~ShellLaunches() {
    for (const auto& [profile, source] : waits_)
        g_source_remove(source);
}

void ShellLaunches::unitLaunched(const std::string& profile, Instant now) {
    unit_launches_.insert_or_assign(profile, now);
}

bool ShellLaunches::unitLaunchedRecently(const std::string& profile, Instant now) const {
    auto it = unit_launches_.find(profile);
    return it != unit_launches_.end() && now - it->second < kSameLaunch;
}

bool ShellLaunches::waitForUnit(const std::string& profile, std::chrono::milliseconds wait,
                                std::function<void()> then) {
    if (waits_.count(profile) > 0) return false;
    auto* data = new Wait{profile, std::move(then), &waits_};
    waits_[profile] = g_timeout_add_full(
        G_PRIORITY_DEFAULT, static_cast<guint>(wait.count()),
        [](gpointer p) -> gboolean {
            auto* w = static_cast<Wait*>(p);
            w->waits->erase(w->profile);
            w->then();
            return G_SOURCE_REMOVE;
        },
        data, [](gpointer p) { delete static_cast<Wait*>(p); });
    return true;
}

}  // namespace nocontact::daemon
