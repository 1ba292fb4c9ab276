// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace nocontact::ctl {

// What a D-Bus error from talking to nocontactd means, as a sentence a person can act on: no
// session bus, nocontactd not running, no answer in time, an older nocontactd, or nocontact's
// own refusal (its message, which is already for people). Never just the error's name.
std::string busErrorWords(const std::string& name, const std::string& message);

}  // namespace nocontact::ctl
