// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>

namespace nocontact::ctl {

// A temporary change: `soften`, `harden`, `final-straw` or `snooze` (DESIGN.md §4).
struct ChangeOptions {
    std::string change;    // soften | harden | final-straw | snooze
    std::string contact;   // empty for snooze
    std::string to;        // a level, or empty for one step
    std::string duration;  // "2h", "30m"; empty: until changed again
    std::string note;      // the person's own words
};

// Asks the daemon for the change and prints the sentence that explains the new level.
int runChange(const ChangeOptions& options, std::ostream& out, std::ostream& err);

// `nocontactctl reset CONTACT`: back to the policy's level; prints the sentence explaining it.
int runReset(const std::string& contact, std::ostream& out, std::ostream& err);

// `nocontactctl snooze --end`: the snooze ends now.
int runEndSnooze(std::ostream& out, std::ostream& err);

// `nocontactctl note CONTACT TEXT`: a note in the person's own words.
int runNote(const std::string& contact, const std::string& text, std::ostream& out,
            std::ostream& err);

}  // namespace nocontact::ctl
