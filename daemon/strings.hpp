// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

// Every sentence nocontactd shows a person, in one place so it can be read as a whole, kept
// calm and kind, and translated.
namespace nocontact::daemon::strings {

// Put in place of a withheld notification before it is closed, so a server's history (dunst
// keeps closed notifications) holds this and never the message.
inline constexpr const char* kWithheldPlaceholder = "nocontact is keeping a message for you";

inline constexpr const char* kPolicyRefusedSummary = "Your nocontact policy needs a second look";

// The body of the notification shown when an edited policy has errors.
std::string policyRefusedBody(const std::string& diagnostics);

// Said when there is no policy file yet.
std::string noPolicyYet(const std::string& file);

// Said when the policy file disappears while a policy is in use: that policy stays.
std::string policyGone(const std::string& file);

}  // namespace nocontact::daemon::strings
