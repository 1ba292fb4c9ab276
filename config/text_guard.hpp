// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

#include "config/reporter.hpp"

namespace nocontact::config {

// The schema readers recurse once per nesting level they read. A policy needs about eight; this
// leaves room for hand-written flow lists and refuses hostile files long before any stack is in
// danger.
inline constexpr int kMaxNesting = 64;

// Checks, before any YAML parsing, that `text` is a file we are willing to parse: at most
// kMaxFileBytes, UTF-8 text without control characters, nested at most kMaxNesting deep.
// Reports one error at the first problem and returns false.
bool checkText(Reporter& rep, std::string_view text);

}  // namespace nocontact::config
