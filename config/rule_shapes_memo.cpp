// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/rule_shapes_memo.hpp"

#include <string_view>

namespace nocontact::config {

namespace {

// Each part with its length first, so that no two different lists read the same.
void put(std::string& key, std::string_view part) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
}

void put(std::string& key, const std::vector<std::string>& parts) {
    put(key, std::to_string(parts.size()));
    for (const std::string& part : parts)
        put(key, part);
}

// What the shapes depend on, or nothing when that cannot be said cheaply (app profiles of the
// policy's own).
std::optional<std::string> keyOf(const policy::Policy& policy) {
    if (!policy.apps.empty()) return std::nullopt;
    std::string key;
    put(key, policy.defaults.region);
    put(key, std::to_string(policy.contacts.size()));
    for (const policy::Contact& c : policy.contacts) {
        put(key, c.name);
        put(key, c.names);
        put(key, c.phones);
        put(key, c.emails);
        put(key, std::to_string(c.handles.size()));
        for (const auto& [service, handles] : c.handles) {
            put(key, service);
            put(key, handles);
        }
        put(key, std::to_string(static_cast<int>(c.groups)));
        put(key, std::to_string(static_cast<int>(c.calls)));
        put(key, c.repeat_calls_break_through ? "1" : "0");
    }
    return key;
}

}  // namespace

const std::vector<RuleShape>& RuleShapesMemo::shapes(const policy::Policy& policy,
                                                     const policy::Profiles& profiles) {
    std::optional<std::string> key = keyOf(policy);
    if (key && key_ && *key == *key_) return shapes_;
    key_.reset();  // a throw below leaves nothing to be found again
    shapes_ = ruleShapes(policy, profiles);
    ++worked_out_;
    key_ = std::move(key);
    return shapes_;
}

}  // namespace nocontact::config
