// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The desktop portal hands what an app asks it to show to its backend, and the GTK backend
// (xdg-desktop-portal-gtk) sends it on to the desktop's notification server, where nocontactd
// judges it. For a sandboxed app the copy names the app (its desktop entry is the app's id);
// for one that is not sandboxed (Chromium with no notification server when it started) the
// portal knows no id, and the copy has no app name and no desktop entry at all. PortalCopies
// remembers the last few things programs asked the portal to show, and which program asked,
// so that such a copy is read with that program's profile. In memory only; no clock: an entry
// is taken by the first copy with its title and body, or pushed out by newer ones.

#include <cstddef>
#include <deque>
#include <string>

#include "policy/notification.hpp"

namespace nocontact::daemon {

class PortalCopies {
  public:
    static constexpr std::size_t kRemembered = 16;

    // A portal AddNotification (`n`) from `program`, the file name of the sender's executable
    // ("chromium"); nothing is remembered without one.
    void sent(const policy::Notification& n, std::string program);
    // When a program lately sent the portal the same title and body as `copy`, an FDO
    // notification, that is forgotten; and when `copy` names no app (no app name, no desktop
    // entry), the program becomes its app name. Returns whether it did.
    bool name(policy::Notification& copy);

  private:
    struct Sent {
        std::string title, body, program;
    };
    std::deque<Sent> sent_;
};

}  // namespace nocontact::daemon
