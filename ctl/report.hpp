// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace nocontact::ctl {

struct StatsOptions {
    std::string contact;  // empty: everyone
    unsigned days = 28;
    bool json = false;
};

// `nocontactctl stats [CONTACT] [--days N] [--json]`: the day of the person's space from each
// contact (as the pause counts it) and when they last wrote or called, their messages and calls
// and the contact's as calendar heat-maps, and pauses honoured vs. overridden.
int runStats(const StatsOptions& options, std::ostream& out, std::ostream& err);

// `nocontactctl journal [--since WHEN] [--json]`: what happened, oldest first, no message text.
int runJournal(const std::optional<std::string>& since, bool json, std::ostream& out,
               std::ostream& err);

// `nocontactctl export --json`: everything nocontact keeps about the person's no contact except
// message text, as one JSON object.
int runExport(std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
