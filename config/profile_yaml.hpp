// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "policy/profile.hpp"

namespace nocontact::config {

// Reads the `apps:` list shared by config/apps.yaml and the policy (schema in DESIGN.md §2 and
// config/apps.yaml). Every pattern is compiled here, once.
std::vector<policy::AppProfile> readProfiles(Reporter& rep, const Entry& apps);

// Pieces of a profile, shared between the profile and rule readers.

// "summary", "body", ..., "hint:NAME".
std::optional<policy::FieldRef> parseField(Reporter& rep, const std::string& text, Pos at);
// Compiles an ECMAScript pattern after checking it is small enough to compile safely.
std::optional<std::regex> compilePattern(Reporter& rep, const std::string& text, Pos at);

std::vector<policy::SenderRule> readSenderRules(Reporter& rep, const Entry& e);
std::vector<policy::KindRule> readKindRules(Reporter& rep, const Entry& e);
std::vector<policy::IdentifierRule> readIdentifierRules(Reporter& rep, const Entry& e);

// Lower-case letters, digits, '_' and '-': the names of handle services.
bool isServiceName(std::string_view name);

}  // namespace nocontact::config
