// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "policy/policy.hpp"

namespace nocontact::config {

// Reads a parsed policy document into `out` (DESIGN.md §3), reporting every problem.
void readPolicy(Reporter& rep, const YamlNode& root, policy::Policy& out);

// Reads `contacts:`; numbers without a country code are read in `region`.
std::vector<policy::Contact> readContacts(Reporter& rep, const Entry& e, const std::string& region);

// Shared value readers.
std::optional<policy::Level> readLevel(Reporter& rep, const Entry& e);
// A duration within [low, high]; `low_text` and `high_text` are how the bounds are written
// ("3s", "10m").
std::optional<policy::Seconds> readDuration(Reporter& rep, const Entry& e, policy::Seconds low,
                                            policy::Seconds high, std::string_view low_text,
                                            std::string_view high_text);
// The index of one of `choices`; any other value is reported with `message`, a translated
// sentence naming the choices, with {key} and {got} in it.
std::optional<int> readChoice(Reporter& rep, const Entry& e,
                              std::initializer_list<std::string_view> choices,
                              const std::string& message);

}  // namespace nocontact::config
