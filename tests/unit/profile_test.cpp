// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/profile.hpp"

#include <gtest/gtest.h>

namespace nocontact::policy {
namespace {

using Field = FieldRef::Field;

FieldRef of(Field f) {
    return FieldRef{f, {}};
}

FieldRef hint(std::string name) {
    return FieldRef{Field::Hint, std::move(name)};
}

Condition when(FieldRef f, const std::string& re) {
    return Condition{f, re, std::regex(re), false};
}

Condition unless(FieldRef f, const std::string& re) {
    return Condition{f, re, std::regex(re), true};
}

SenderRule rule(Field from, const std::string& pattern = "", int chat_group = 0) {
    SenderRule r;
    r.from = FieldRef{from, {}};
    if (!pattern.empty()) {
        r.pattern_text = pattern;
        r.pattern = std::regex(pattern);
    }
    r.chat_group = chat_group;
    return r;
}

AppProfile profile(std::string id, std::vector<SenderRule> rules) {
    AppProfile p;
    p.id = std::move(id);
    p.name = "Chat App";
    p.service = "matrix";
    p.rules = std::move(rules);
    return p;
}

Notification fdo(std::string summary, std::string body = "") {
    Notification n;
    n.app_name = "chatapp";
    n.summary = std::move(summary);
    n.body = std::move(body);
    return n;
}

TEST(AProfile, TakesTheWholeFieldWithoutAPattern) {
    Event e = extractEvent(profile("a", {rule(Field::Summary)}), fdo("Alex Morgan", "hi"));
    EXPECT_EQ(e.sender, "Alex Morgan");
    EXPECT_EQ(e.kind, Kind::Message);
    EXPECT_EQ(e.app, "a");
    EXPECT_EQ(e.service, "matrix");
    EXPECT_EQ(e.text, "hi");
}

TEST(AProfile, TakesTheSenderAndChatFromCaptures) {
    auto p = profile("a", {rule(Field::Summary, "^(.+?) in (.+)$", 2), rule(Field::Summary)});
    Event e = extractEvent(p, fdo("Alex Morgan in Family Chat"));
    EXPECT_EQ(e.sender, "Alex Morgan");
    EXPECT_EQ(e.chat, "Family Chat");
    EXPECT_EQ(e.kind, Kind::GroupMessage);
}

TEST(AProfile, NeverTakesANameMentionedInsideSomeoneElsesMessage) {
    SenderRule group = rule(Field::Body, "^<b>([^<]+)</b>");
    group.chat_field = FieldRef{Field::Summary, {}};
    auto p = profile("a", {group, rule(Field::Summary)});
    Event e = extractEvent(p, fdo("Family Chat", "<b>Sam Rivera</b>\ndid Alex text you?"));
    EXPECT_EQ(e.sender, "Sam Rivera");
    EXPECT_EQ(e.chat, "Family Chat");
    EXPECT_EQ(e.kind, Kind::GroupMessage);
}

TEST(AProfile, FallsThroughToTheNextRuleWhenAPatternFails) {
    auto p = profile("a", {rule(Field::Summary, "^(.+?) in (.+)$", 2), rule(Field::Summary)});
    Event e = extractEvent(p, fdo("Jordan Lee"));
    EXPECT_EQ(e.sender, "Jordan Lee");
    EXPECT_EQ(e.chat, "");
    EXPECT_EQ(e.kind, Kind::Message);
}

TEST(AProfile, AppliesARuleOnlyWhenAllItsConditionsHold) {
    SenderRule calls = rule(Field::Body, "^Missed call from (.+)$");
    calls.when = {when(hint("x-kde-eventId"), "^missedCall$"), when(of(Field::Summary), "Pixel")};
    calls.kind = Kind::MissedCall;
    auto p = profile("a", {calls, rule(Field::Summary)});

    Notification n = fdo("Pixel 7", "Missed call from Alex Morgan");
    n.hints["x-kde-eventId"] = "missedCall";
    Event e = extractEvent(p, n);
    EXPECT_EQ(e.sender, "Alex Morgan");
    EXPECT_EQ(e.kind, Kind::MissedCall);

    n.summary = "Phone";
    EXPECT_EQ(extractEvent(p, n).sender, "Phone");
}

TEST(AProfile, SkipsARuleWhoseUnlessConditionIsFound) {
    SenderRule r = rule(Field::Summary, "^New message from (.+)$");
    r.when = {unless(of(Field::Summary), " and ")};
    auto p = profile("a", {r});
    EXPECT_EQ(extractEvent(p, fdo("New message from Mom")).sender, "Mom");
    EXPECT_EQ(extractEvent(p, fdo("New message from Sam and Jordan")).sender, "");
}

TEST(AProfile, LeavesTheSenderEmptyWhenNoRuleMatches) {
    auto p = profile("a", {rule(Field::Summary, "^New message from (.+)$")});
    EXPECT_EQ(extractEvent(p, fdo("Message Received")).sender, "");
}

TEST(AProfile, LetsTheFirstKindRuleOverrideTheKind) {
    auto p = profile("a", {rule(Field::Summary, "^(.+?) in (.+)$", 2), rule(Field::Summary)});
    p.kinds = {KindRule{{when(of(Field::Body), "^Incoming (voice|video) call$")}, Kind::Call},
               KindRule{{when(of(Field::Body), "call")}, Kind::Other}};
    EXPECT_EQ(extractEvent(p, fdo("Alex", "Incoming voice call")).kind, Kind::Call);
    EXPECT_EQ(extractEvent(p, fdo("Alex", "a call later?")).kind, Kind::Other);
    EXPECT_EQ(extractEvent(p, fdo("Alex in Club", "hi")).kind, Kind::GroupMessage);
}

TEST(AProfile, HidesPlaceholdersTheProfileNameAndTheAppName) {
    auto p = profile("a", {rule(Field::Summary)});
    p.hidden = {"Unknown contact"};
    EXPECT_EQ(extractEvent(p, fdo("UNKNOWN CONTACT")).sender, "");
    EXPECT_EQ(extractEvent(p, fdo("chat app")).sender, "");  // the profile's name
    EXPECT_EQ(extractEvent(p, fdo("ChatApp")).sender, "");   // the notification's app_name
    EXPECT_EQ(extractEvent(p, fdo("Unknown contacts")).sender, "Unknown contacts");
}

TEST(AProfile, RemovesMarkupAndDecodesEntities) {
    auto p = profile("a", {rule(Field::Body, "^Missed call from (.+)$")});
    EXPECT_EQ(extractEvent(p, fdo("", "Missed call from <b>Tom &amp; Jerry</b>")).sender,
              "Tom & Jerry");
    EXPECT_EQ(extractEvent(p, fdo("", "Missed call from &#65;&#x6c;ex<br/> ")).sender, "Alex");
    EXPECT_EQ(extractEvent(p, fdo("", "Missed call from Al &lt;3")).sender, "Al <3");
    EXPECT_EQ(extractEvent(p, fdo("", "Missed call from Al <3")).sender, "Al <3");
    EXPECT_EQ(extractEvent(p, fdo("", "Missed call from &bogus; &#xZZ;")).sender, "&bogus; &#xZZ;");
}

TEST(AProfile, TurnsPhoneLikeSendersIntoPhoneIdentifiers) {
    Event e = extractEvent(profile("a", {rule(Field::Summary)}), fdo("(415) 555-0100"));
    ASSERT_EQ(e.identifiers.size(), 1u);
    EXPECT_EQ(e.identifiers[0].type, Identifier::Type::Phone);
    EXPECT_EQ(e.identifiers[0].value, "(415) 555-0100");
}

TEST(AProfile, TurnsAddressAndHandleSendersIntoIdentifiers) {
    auto p = profile("a", {rule(Field::Summary)});
    Event mail = extractEvent(p, fdo("alex.m@example.com"));
    ASSERT_EQ(mail.identifiers.size(), 1u);
    EXPECT_EQ(mail.identifiers[0].type, Identifier::Type::Email);

    Event handle = extractEvent(p, fdo("@alex:matrix.org"));
    ASSERT_EQ(handle.identifiers.size(), 1u);
    EXPECT_EQ(handle.identifiers[0].type, Identifier::Type::Handle);
    EXPECT_EQ(handle.identifiers[0].service, "matrix");

    EXPECT_TRUE(extractEvent(p, fdo("Alex Morgan")).identifiers.empty());
}

TEST(AProfile, AddsIdentifiersCapturedByIdentifierRules) {
    auto p = profile("a", {rule(Field::Body, "^Missed call from (.+)$")});
    std::string re = "^missed-call-(\\+?[0-9]+)$";
    p.identifiers = {IdentifierRule{{Field::Id, {}}, re, std::regex(re), Identifier::Type::Phone}};
    Notification n = fdo("Missed call", "Missed call from <b>Alex Morgan</b>");
    n.interface = Interface::Gtk;
    n.id = "missed-call-+14155550100";
    Event e = extractEvent(p, n);
    EXPECT_EQ(e.sender, "Alex Morgan");
    ASSERT_EQ(e.identifiers.size(), 1u);
    EXPECT_EQ(e.identifiers[0].value, "+14155550100");

    n.id = "missed-call-unknown";
    EXPECT_TRUE(extractEvent(p, n).identifiers.empty());
}

TEST(FieldValue, ReadsHintsDesktopEntriesAndTheInterface) {
    Notification n = fdo("s", "b");
    n.hints["desktop-entry"] = "signal";
    EXPECT_EQ(fieldValue(n, hint("desktop-entry")), "signal");
    EXPECT_EQ(fieldValue(n, hint("missing")), "");
    EXPECT_EQ(fieldValue(n, FieldRef{Field::DesktopEntry, {}}), "signal");
    EXPECT_EQ(fieldValue(n, FieldRef{Field::Interface, {}}), "fdo");

    Notification g;
    g.interface = Interface::Portal;
    g.app_id = "org.signal.Signal";
    EXPECT_EQ(fieldValue(g, FieldRef{Field::DesktopEntry, {}}), "org.signal.Signal");
    EXPECT_EQ(fieldValue(g, FieldRef{Field::Interface, {}}), "portal");
}

AppProfile claiming(std::string id, std::vector<std::string> names,
                    std::vector<std::string> entries = {}, std::vector<std::string> ids = {}) {
    AppProfile p = profile(std::move(id), {rule(Field::Summary)});
    p.app_names = std::move(names);
    p.desktop_entries = std::move(entries);
    p.app_ids = std::move(ids);
    return p;
}

std::vector<AppProfile> builtins() {
    return {claiming("signal", {"Signal"}, {"signal"}, {"org.signal.Signal"}),
            claiming("telegram", {"Telegram Desktop"},
                     {"org.telegram.desktop", "org.telegram.desktop._*"}),
            claiming("chrome", {"Google Chrome *"})};
}

TEST(TheProfiles, FindAProfileByDesktopEntryAppIdOrAppName) {
    Profiles profiles({}, builtins());
    Notification n = fdo("x");
    n.app_name = "Signal";
    EXPECT_EQ(profiles.find(n)->id, "signal");

    Notification g;
    g.interface = Interface::Gtk;
    g.app_id = "org.signal.Signal";
    EXPECT_EQ(profiles.find(g)->id, "signal");

    n.app_name = "Something";
    n.hints["desktop-entry"] = "org.telegram.desktop";
    EXPECT_EQ(profiles.find(n)->id, "telegram");
}

TEST(TheProfiles, MatchEntriesEndingInAStarAsPrefixes) {
    Profiles profiles({}, builtins());
    Notification n = fdo("x");
    n.hints["desktop-entry"] = "org.telegram.desktop._9c41e2b7a0d35f68";
    EXPECT_EQ(profiles.find(n)->id, "telegram");
    n.hints.clear();
    n.app_name = "Google Chrome (beta)";
    EXPECT_EQ(profiles.find(n)->id, "chrome");
    n.app_name = "Google Chrome";  // the prefix is "Google Chrome ", with the space
    EXPECT_EQ(profiles.find(n), nullptr);
}

TEST(TheProfiles, PreferTheDesktopEntryOverTheAppName) {
    Profiles profiles({}, builtins());
    Notification n = fdo("x");
    n.app_name = "Signal";
    n.hints["desktop-entry"] = "org.telegram.desktop";
    EXPECT_EQ(profiles.find(n)->id, "telegram");
}

TEST(TheProfiles, LetAUserProfileShadowTheBuiltInOneWithTheSameId) {
    AppProfile mine = claiming("signal", {"Signal Beta"});
    Profiles profiles({mine}, builtins());
    EXPECT_EQ(profiles.all().size(), 3u);
    Notification n = fdo("x");
    n.app_name = "Signal Beta";
    EXPECT_EQ(profiles.find(n)->id, "signal");
    n.app_name = "Signal";  // only the built-in profile claimed this, and it is gone
    EXPECT_EQ(profiles.find(n), nullptr);
    EXPECT_EQ(profiles.byId("signal")->app_names.front(), "Signal Beta");
}

TEST(TheProfiles, LetAUserProfileClaimAnAppBeforeTheBuiltInOnes) {
    Profiles profiles({claiming("my-signal", {"Signal"})}, builtins());
    Notification n = fdo("x");
    n.app_name = "Signal";
    EXPECT_EQ(profiles.find(n)->id, "my-signal");
    EXPECT_EQ(profiles.byId("signal")->id, "signal");
}

TEST(TheProfiles, FindAProfileByTheDesktopIdOfALaunchedApp) {
    Profiles profiles({}, builtins());
    EXPECT_EQ(profiles.byDesktopId("signal.desktop")->id, "signal");
    EXPECT_EQ(profiles.byDesktopId("org.signal.Signal")->id, "signal");
    EXPECT_EQ(profiles.byDesktopId("org.telegram.desktop._abc")->id, "telegram");
    EXPECT_EQ(profiles.byDesktopId("org.telegram.desktop")->id, "telegram")
        << "an id, not a suffix";
    EXPECT_EQ(profiles.byDesktopId("org.telegram.desktop.desktop")->id, "telegram");
    EXPECT_EQ(profiles.byDesktopId("firefox"), nullptr);
}

TEST(TheProfiles, FallBackToTheSummaryForAppsWithoutAProfile) {
    Profiles profiles({}, builtins());
    Notification n = fdo("Alex Morgan", "hi");
    n.app_name = "Some Chat";
    Event e = profiles.toEvent(n);
    EXPECT_EQ(e.app, "");
    EXPECT_EQ(e.sender, "Alex Morgan");
    EXPECT_EQ(e.kind, Kind::Message);

    n.summary = "some chat";
    EXPECT_EQ(profiles.toEvent(n).sender, "");
}

}  // namespace
}  // namespace nocontact::policy
