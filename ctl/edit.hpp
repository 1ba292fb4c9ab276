// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>

namespace nocontact::ctl {

// `nocontactctl edit [FILE]`, like visudo: opens a copy of the policy in $VISUAL or $EDITOR,
// checks it, and puts it in place only when it is valid (atomically, owner-only: 0600 at most).
// A copy with problems is never installed: the person is shown every problem and offered the
// copy again; if they stop, it is kept beside the policy as FILE.rejected so no edit is lost.
// A new policy starts from the machine's policy (/etc/xdg) or else the commented example.
// Answers are read from `in`.
int runEdit(const std::string& file, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
