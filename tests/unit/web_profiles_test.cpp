// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in web-notification profiles (config/apps.yaml: chromium-web, firefox-web): every
// site's shapes read the same way in every browser of both families. The real browsers send
// these in tests/e2e/browsers_test.sh; here each shape and browser is one row.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/loader.hpp"
#include "policy/profile.hpp"

namespace nocontact::policy {
namespace {

const Profiles& builtin() {
    static const Profiles profiles = [] {
        auto loaded =
            config::loadProfilesFile(std::string(NOCONTACT_SOURCE_ROOT) + "/config/apps.yaml");
        return Profiles({}, std::move(loaded.profiles));
    }();
    return profiles;
}

struct Browser {
    const char* app_name;
    const char* desktop_entry;
    bool names_the_site;  // the Chromium family puts the site first in the body
};

const std::vector<Browser> kBrowsers = {
    {"Chromium", "chromium", true},
    {"Google Chrome", "google-chrome", true},
    {"Brave", "brave-browser", true},
    {"Vivaldi", "vivaldi-stable", true},
    {"Microsoft Edge", "microsoft-edge", true},
    {"Firefox", "firefox-esr", false},
    {"Firefox", "firefox", false},
    {"LibreWolf", "librewolf", false},
};

// What the browser sends for a site's notification: Chromium links the site before the text
// when the server reads hyperlinks (dunst does).
Notification web(const Browser& b, const std::string& site, const std::string& title,
                 const std::string& text) {
    Notification n;
    n.app_name = b.app_name;
    n.hints["desktop-entry"] = b.desktop_entry;
    n.summary = title;
    n.body =
        b.names_the_site ? "<a href=\"https://" + site + "/\">" + site + "</a>\n\n" + text : text;
    return n;
}

struct Shape {
    const char* site;
    const char* title;
    const char* body;
    const char* sender;  // "" when nobody can be named
    const char* chat;
};

const std::vector<Shape> kShapes = {
    {"web.whatsapp.com", "Alex Morgan", "trail at 8?", "Alex Morgan", ""},
    {"web.whatsapp.com", "Hiking Club", "Alex Morgan: trail at 8?", "Alex Morgan", "Hiking Club"},
    {"web.whatsapp.com", "WhatsApp", "Alex Morgan: trail at 8?", "Alex Morgan", ""},
    {"web.whatsapp.com", "WhatsApp", "1 new message", "", ""},
    {"web.whatsapp.com", "+1 (415) 555-0100", "hi", "+1 (415) 555-0100", ""},
    {"www.messenger.com", "Hiking Club", "Alex Morgan: trail at 8?", "Alex Morgan", "Hiking Club"},
    {"www.messenger.com", "Messenger", "Alex Morgan: hi", "Alex Morgan", ""},
    {"discord.com", "Alex Morgan (#general, Weekend Gamers)", "gg", "Alex Morgan",
     "#general, Weekend Gamers"},
    {"discord.com", "Alex Morgan (Trip Planning)", "gg", "Alex Morgan", "Trip Planning"},
    {"discord.com", "Discord", "Alex Morgan: gg", "Alex Morgan", ""},
    {"web.telegram.org", "Hiking Club", "Alex Morgan: trail at 8?", "Alex Morgan", "Hiking Club"},
    {"web.telegram.org", "Telegram", "Alex Morgan: trail at 8?", "Alex Morgan", ""},
    {"app.element.io", "Alex Morgan (Hiking Club)", "trail at 8?", "Alex Morgan", "Hiking Club"},
    {"app.element.io", "Element", "Alex Morgan: hi", "Alex Morgan", ""},
    {"app.slack.com", "New message from Alex Morgan", "hi", "Alex Morgan", ""},
    {"app.slack.com", "New message in #weekend", "Alex Morgan: hi", "Alex Morgan",
     "New message in #weekend"},
    {"app.slack.com", "Slack", "Alex Morgan: hi", "Alex Morgan", ""},
    // A stranger who mentions the contact is the stranger.
    {"web.whatsapp.com", "Sam Lee", "is Alex Morgan coming?", "Sam Lee", ""},
    {"web.telegram.org", "Hiking Club", "Sam Lee: is Alex Morgan coming?", "Sam Lee",
     "Hiking Club"},
};

TEST(TheWebProfiles, ReadEverySiteAlikeInEveryBrowser) {
    for (const Browser& b : kBrowsers) {
        for (const Shape& s : kShapes) {
            Event e = builtin().toEvent(web(b, s.site, s.title, s.body));
            SCOPED_TRACE(std::string(b.app_name) + " / " + b.desktop_entry + ": " + s.site + " \"" +
                         s.title + "\" \"" + s.body + "\"");
            EXPECT_EQ(e.app, b.names_the_site ? "chromium-web" : "firefox-web");
            EXPECT_EQ(e.sender, s.sender);
            EXPECT_EQ(e.chat, s.chat);
            EXPECT_EQ(e.kind, *s.chat ? Kind::GroupMessage : Kind::Message);
        }
    }
}

TEST(TheChromiumProfile, ReadsATitleWithParenthesesWholeAwayFromDiscordAndElement) {
    // A contact saved as "Alex (work)" on WhatsApp is one name, not a sender in a room.
    Event e = builtin().toEvent(web(kBrowsers[0], "web.whatsapp.com", "Alex (work)", "hi"));
    EXPECT_EQ(e.sender, "Alex (work)");
    EXPECT_EQ(e.chat, "");
}

TEST(TheChromiumProfile, KnowsTheSiteFromPlasmasHintAndFromThePortalsPlainBody) {
    Notification plasma = web(kBrowsers[0], "discord.com", "Alex Morgan (#general, Gamers)", "gg");
    plasma.body = "gg";  // on Plasma the site is a hint, and the body is the message alone
    plasma.hints["x-kde-origin-name"] = "discord.com";
    EXPECT_EQ(builtin().toEvent(plasma).sender, "Alex Morgan");

    Notification group = web(kBrowsers[0], "web.telegram.org", "Hiking Club", "");
    group.body = "web.telegram.org\n\nAlex Morgan: trail at 8?";  // no links: the portal's way
    EXPECT_EQ(builtin().toEvent(group).sender, "Alex Morgan");
}

TEST(TheWebProfiles, NeverTakeASentenceWithAColonForASender) {
    for (const Browser& b : kBrowsers) {
        Event e = builtin().toEvent(web(b, "web.whatsapp.com", "Sam Lee",
                                        "Okay so here's the plan for Saturday: Alex Morgan"));
        EXPECT_EQ(e.sender, "Sam Lee") << b.app_name;
    }
}

}  // namespace
}  // namespace nocontact::policy
