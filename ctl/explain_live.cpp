// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/explain_live.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>

#include "base/i18n.hpp"
#include "base/local_time.hpp"
#include "ctl/client.hpp"

namespace nocontact::ctl {

namespace {

using i18n::fill;
using i18n::tr;

bool sameFile(const std::string& a, const std::string& b) {
    std::error_code ec;
    return a == b || std::filesystem::equivalent(a, b, ec);
}

// The level nocontactd has `contact` at now, as a change of the person's: a harden when it is
// firmer than the policy's, a soften otherwise. Empty when the contact is not in `engine`.
std::optional<policy::Override> liveChange(const policy::Engine& engine, const std::string& contact,
                                           policy::Level live, policy::SysTime from) {
    auto index = engine.matcher().byContactName(contact);
    if (!index) return std::nullopt;
    const auto& c = engine.policy().contacts[*index];
    const auto base = c.strictness.value_or(engine.policy().defaults.strictness);
    policy::Override change;
    change.type = live > base ? policy::Override::Type::Harden : policy::Override::Type::Soften;
    change.contact = c.name;
    change.to = live;
    change.start = from;
    return change;
}

// Puts the changes of `status` into `engine`; the contacts they are for.
std::string applyChanges(policy::Engine& engine, const Status& status, policy::SysTime from) {
    std::string names;
    const auto changed = statusValue<std::vector<std::string>>(status, "changed_levels");
    for (const auto& row : statusValue<std::vector<LevelRow>>(status, "levels")) {
        if (std::ranges::find(changed, std::get<0>(row)) == changed.end()) continue;
        auto level = policy::parseLevel(std::get<1>(row));
        auto change = level ? liveChange(engine, std::get<0>(row), *level, from) : std::nullopt;
        if (!change) continue;
        engine.addOverride(*change);
        names += (names.empty() ? "" : ", ") + change->contact;
    }
    if (auto until = statusValue<std::int64_t>(status, "snoozed_until"); until > 0) {
        policy::Override snooze;
        snooze.type = policy::Override::Type::Snooze;
        snooze.start = from;
        snooze.until = policy::SysTime{std::chrono::seconds{until}};
        engine.addOverride(snooze);
    }
    return names;
}

}  // namespace

void useLiveLevels(policy::Engine& engine, const std::string& policy_file, policy::SysTime from,
                   std::ostream& err) {
    auto live = askDaemon([](Client& client) { return std::optional<Status>(client.Status()); },
                          [](const sdbus::Error&) { return std::optional<Status>(); });
    if (!live) {
        err << "nocontactctl: "
            << tr("nocontactd is not running here, so these are the policy's own levels, "
                  "without any change of yours.")
            << "\n";
        return;
    }
    const Status& status = *live;
    const auto file = statusValue<std::string>(status, "policy_file");
    if (!sameFile(file, policy_file)) {
        err << "nocontactctl: "
            << fill(tr("nocontactd uses another policy ({file}), so these are this file's own "
                       "levels, without any change of yours."),
                    {{"file", file}})
            << "\n";
        return;
    }
    if (auto names = applyChanges(engine, status, from); !names.empty()) {
        err << "nocontactctl: "
            << fill(
                   tr("judged at the levels nocontactd has now, with your changes for {contacts}."),
                   {{"contacts", names}})
            << "\n";
    }
}

}  // namespace nocontact::ctl
