// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace nocontact::ctl {

// Exit codes of nocontactctl (DESIGN.md §6).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
// Ctrl-C stopped `read`'s pause: nothing changed (128 + SIGINT, as a shell says it).
inline constexpr int kExitInterrupted = 130;

// `nocontactctl check [FILE] [--json]`: diagnostics on `err`, a one-line summary on `out`; or
// one JSON object on `out` (file, valid, contacts, schedules, diagnostics).
int runCheck(const std::string& file, bool json, std::ostream& out, std::ostream& err);

struct ExplainOptions {
    std::string policy_file;        // empty: the user's policy
    std::optional<std::string> at;  // ISO-8601 local time, e.g. 2026-11-27T23:30
    bool text = false;              // one readable line per notification instead of JSON
};

// `nocontactctl explain`: JSON lines in, one verdict line out for each.
int runExplain(const ExplainOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err);

}  // namespace nocontact::ctl
