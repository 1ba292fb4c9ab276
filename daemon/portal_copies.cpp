// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/portal_copies.hpp"

#include <algorithm>

namespace nocontact::daemon {

void PortalCopies::sent(const policy::Notification& n, std::string program) {
    if (program.empty()) return;
    if (sent_.size() == kRemembered) sent_.pop_front();
    sent_.push_back({n.summary, n.body, std::move(program)});
}

bool PortalCopies::name(policy::Notification& copy) {
    if (copy.interface != policy::Interface::Fdo) return false;
    auto it = std::find_if(sent_.begin(), sent_.end(), [&](const Sent& s) {
        return s.title == copy.summary && s.body == copy.body;
    });
    if (it == sent_.end()) return false;
    // Taken by its copy whether or not that names its app (a Flatpak's does): kept no longer.
    std::string program = std::move(it->program);
    sent_.erase(it);
    if (!copy.app_name.empty() || !copy.desktopEntry().empty()) return false;
    copy.app_name = std::move(program);
    return true;
}

}  // namespace nocontact::daemon
