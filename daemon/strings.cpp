// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/strings.hpp"

namespace nocontact::daemon::strings {

namespace {
// A notification body has room for a few lines; the rest is one command away.
constexpr std::size_t kMaxBodyLines = 3;
}  // namespace

std::string policyRefusedBody(const std::string& diagnostics) {
    std::string lines;
    std::size_t count = 0, pos = 0;
    while (pos < diagnostics.size() && count < kMaxBodyLines) {
        auto end = diagnostics.find('\n', pos);
        if (end == std::string::npos) end = diagnostics.size();
        lines += diagnostics.substr(pos, end - pos) + "\n";
        pos = end + 1;
        ++count;
    }
    return "Nothing changed: the policy you had keeps working.\n" + lines +
           "`nocontactctl check` shows every detail.";
}

std::string noPolicyYet(const std::string& file) {
    return "There is no policy at " + file +
           " yet, so nocontact is only watching. A commented example to start from is in "
           "/usr/share/doc/nocontact/examples/policy.yaml.";
}

std::string policyGone(const std::string& file) {
    return "The policy file " + file +
           " is gone. nocontact keeps using the last good policy until a new one is saved there.";
}

}  // namespace nocontact::daemon::strings
