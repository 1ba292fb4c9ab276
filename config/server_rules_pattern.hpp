// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading an app profile's sender pattern as a literal prefix, the sender, and a literal
// suffix, so that a server rule can say it (server_rules.cpp). Internal to config/.

#include <memory>
#include <optional>
#include <regex>
#include <string>

namespace nocontact::config::rules_detail {

// A sender pattern read as ^PREFIX(GROUP)SUFFIX followed by TAIL.
struct Reduced {
    std::string prefix;
    std::string group;  // the sender group's own pattern text
    // `group` compiled once (null when it does not compile): prefixDecides asks it of every name.
    std::shared_ptr<const std::regex> group_pattern{};
    std::string suffix;
    enum class Tail {
        End,   // `$`: the field ends there (also a rule without a pattern: the whole field)
        Open,  // nothing: whatever follows does not matter
        Rest,  // (.+)$, (.*)$, .* and the like: any further text (see prefixDecides)
    };
    Tail tail = Tail::End;
};

// The pattern as prefix, group and suffix, when the sender group is group 1, nothing before it
// is anything but literal text, and what follows the suffix is one of the tails above.
std::optional<Reduced> reduce(const std::string& pattern_text, int sender_group);

// Whether every field starting with prefix + name + suffix gives exactly `name` as the sender:
// the group matches the name whole and cannot run past it (a lazy `.+?` stops at the first
// suffix, which must not occur earlier; a class that excludes the suffix's first character
// stops there, which the name must not contain). A Rest tail such as `(.+)$` is taken as any
// text: a field whose rest is empty or holds a line break is not one an app sends.
bool prefixDecides(const Reduced& r, const std::string& name);

// A contact's name every server format can carry and every profile reads back unchanged:
// valid UTF-8, no control characters or line separators, none of " < > & (quoting, markup,
// entities), no space at either end, not empty.
bool safeName(const std::string& name);
// An app name or desktop entry a rule can carry: as safeName, and no trailing '*' (a prefix).
bool safeRuleText(const std::string& text);

}  // namespace nocontact::config::rules_detail
