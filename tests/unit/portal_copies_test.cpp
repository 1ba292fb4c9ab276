// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop portal's copies that name no app are read as the program that sent them.
#include "daemon/portal_copies.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nocontact::daemon {
namespace {

using policy::Interface;
using policy::Notification;

Notification portalCall(const std::string& title, const std::string& body) {
    Notification n;
    n.interface = Interface::Portal;
    n.summary = title;
    n.body = body;
    return n;
}

// What xdg-desktop-portal-gtk 1.14 sends on for an app the portal knows no id of: no app name,
// an empty desktop entry.
Notification gtkBackendCopy(const std::string& title, const std::string& body) {
    Notification n;
    n.summary = title;
    n.body = body;
    n.hints["desktop-entry"] = "";
    return n;
}

TEST(PortalCopies, NameACopyThatNamesNoAppAfterTheProgramThatSentIt) {
    PortalCopies copies;
    copies.sent(portalCall("Hiking Club", "web.telegram.org\n\nAlex Morgan: trail at 8?"),
                "chromium");
    Notification copy =
        gtkBackendCopy("Hiking Club", "web.telegram.org\n\nAlex Morgan: trail at 8?");
    EXPECT_TRUE(copies.name(copy));
    EXPECT_EQ(copy.app_name, "chromium");
}

TEST(PortalCopies, NameEachCopyOnceAndOnlyWhenTitleAndBodyAreTheSame) {
    PortalCopies copies;
    copies.sent(portalCall("Alex Morgan", "hi"), "chromium");
    Notification other = gtkBackendCopy("Alex Morgan", "hi there");
    EXPECT_FALSE(copies.name(other));
    EXPECT_EQ(other.app_name, "");
    Notification copy = gtkBackendCopy("Alex Morgan", "hi");
    EXPECT_TRUE(copies.name(copy));
    Notification again = gtkBackendCopy("Alex Morgan", "hi");
    EXPECT_FALSE(copies.name(again));
}

TEST(PortalCopies, LeaveAnAppThatNamesItselfAlone) {
    PortalCopies copies;
    copies.sent(portalCall("Alex Morgan", "hi"), "chromium");
    Notification sandboxed = gtkBackendCopy("Alex Morgan", "hi");
    sandboxed.hints["desktop-entry"] = "org.chromium.Chromium";  // a Flatpak's copy
    EXPECT_FALSE(copies.name(sandboxed));
    Notification named = gtkBackendCopy("Alex Morgan", "hi");
    named.app_name = "Signal";
    EXPECT_FALSE(copies.name(named));
    EXPECT_EQ(named.app_name, "Signal");
}

TEST(PortalCopies, ForgetWhatASandboxedAppSentOnceItsCopyCame) {
    PortalCopies copies;
    copies.sent(portalCall("Alex Morgan", "hi"), "bwrap");
    Notification sandboxed = gtkBackendCopy("Alex Morgan", "hi");
    sandboxed.hints["desktop-entry"] = "org.chromium.Chromium";
    EXPECT_FALSE(copies.name(sandboxed));
    Notification later = gtkBackendCopy("Alex Morgan", "hi");  // another program's, later
    EXPECT_FALSE(copies.name(later));
    EXPECT_EQ(later.app_name, "");
}

TEST(PortalCopies, RememberOnlyTheLatestAndNothingWithoutAProgram) {
    PortalCopies copies;
    copies.sent(portalCall("unknown", "x"), "");
    Notification unknown = gtkBackendCopy("unknown", "x");
    EXPECT_FALSE(copies.name(unknown));
    for (std::size_t i = 0; i <= PortalCopies::kRemembered; ++i)
        copies.sent(portalCall("n" + std::to_string(i), "b"), "chromium");
    Notification oldest = gtkBackendCopy("n0", "b");
    EXPECT_FALSE(copies.name(oldest));
    Notification newest = gtkBackendCopy("n" + std::to_string(PortalCopies::kRemembered), "b");
    EXPECT_TRUE(copies.name(newest));
}

}  // namespace
}  // namespace nocontact::daemon
