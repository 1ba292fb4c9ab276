// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "config/withdrawal.hpp"

namespace nocontact::config {
namespace {

// What each server's GetServerInformation says (name, vendor, version, as seen on Debian 12),
// and how a kept message is taken back from it: the table README shows.
struct Row {
    const char* name;
    const char* vendor;
    const char* version;
    Withdrawal expected;
};

constexpr Row kTable[] = {
    {"dunst", "knopwob", "1.9.0 (2022-06-27)", Withdrawal::ReplaceThenClose},
    {"mako", "emersion", "1.7.1", Withdrawal::ReplaceThenClose},
    // Plasma draws the message before any close can reach it: the placeholder at least
    // replaces the text (measured on 5.27; 6 gives the same name).
    {"Plasma", "KDE", "5.27.5", Withdrawal::ReplaceThenClose},
    {"Plasma", "KDE", "6.3.4", Withdrawal::ReplaceThenClose},
    {"xfce4-notifyd", "Xfce", "0.7.3", Withdrawal::CloseNow},
    {"SwayNotificationCenter", "ErikReider", "0.7.3", Withdrawal::CloseNow},
    {"gnome-shell", "GNOME", "43.9", Withdrawal::CloseNow},
    {"notification-daemon", "GNOME", "3.20.0", Withdrawal::CloseNow},
    {"some-new-server", "someone", "0.1", Withdrawal::CloseNow},
    // Not said yet (GetServerInformation's answer is on its way): no history may keep the text.
    {"", "", "", Withdrawal::ReplaceThenClose},
};

TEST(AWithdrawal, IsChosenPerServerAsTheTableSays) {
    for (const Row& row : kTable) {
        EXPECT_EQ(withdrawalFor(row.name), row.expected)
            << row.name << " " << row.vendor << " " << row.version << ": expected "
            << withdrawalName(row.expected);
    }
}

TEST(AWithdrawal, MatchesTheServersNameExactly) {
    // Only the server that is dunst keeps dunst's history; a look-alike name says nothing.
    EXPECT_EQ(withdrawalFor("Dunst"), Withdrawal::CloseNow);
    EXPECT_EQ(withdrawalFor("dunst-fork"), Withdrawal::CloseNow);
    EXPECT_EQ(withdrawalFor("makoo"), Withdrawal::CloseNow);
    EXPECT_EQ(withdrawalFor("plasma"), Withdrawal::CloseNow);
}

TEST(AWithdrawal, IsNamedAsStatusSaysIt) {
    EXPECT_STREQ(withdrawalName(Withdrawal::ReplaceThenClose), "replace-then-close");
    EXPECT_STREQ(withdrawalName(Withdrawal::CloseNow), "close-now");
}

TEST(AWithdrawal, IsFoundByTheNameStatusSays) {
    EXPECT_EQ(withdrawalNamed("replace-then-close"), Withdrawal::ReplaceThenClose);
    EXPECT_EQ(withdrawalNamed("close-now"), Withdrawal::CloseNow);
    EXPECT_EQ(withdrawalNamed(""), std::nullopt);
    EXPECT_EQ(withdrawalNamed("Close-Now"), std::nullopt);
    EXPECT_EQ(withdrawalNamed("close"), std::nullopt);
}

}  // namespace
}  // namespace nocontact::config
