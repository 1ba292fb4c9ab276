// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' own rules (config/server_rules.hpp): which shapes are certainly a contact's, and
// that, with every contact held, no stranger of the corpus is hidden by them.
#include "config/server_rules.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "config/loader.hpp"
#include "ctl/notification_json.hpp"

namespace nocontact::config {
namespace {

using Key = RuleShape::AppKey;
using Field = RuleShape::Field;

policy::Profiles builtinProfiles(const policy::Policy& p) {
    auto loaded = loadProfilesFile(NOCONTACT_SOURCE_ROOT "/config/apps.yaml");
    EXPECT_TRUE(loaded.ok());
    return policy::Profiles(p.apps, loaded.profiles);
}

policy::Policy policyFrom(const std::string& yaml) {
    auto loaded = loadPolicy(yaml, "test.yaml");
    for (const auto& d : loaded.diagnostics) {
        if (d.severity == Diagnostic::Severity::Error) ADD_FAILURE() << d.format();
    }
    return loaded.ok() ? *loaded.policy : policy::Policy{};
}

std::string describe(const RuleShape& s) {
    return std::to_string(s.contact) + " " + s.profile + " " +
           (s.app_key == Key::AppName ? "app=" : "entry=") + s.app + " " +
           (s.field == Field::Summary ? "summary" : "body") + (s.whole ? "==" : "^=") + s.text;
}

std::set<std::string> described(const std::vector<RuleShape>& shapes) {
    std::set<std::string> out;
    for (const RuleShape& s : shapes)
        out.insert(describe(s));
    return out;
}

policy::Notification fdo(std::string app, std::string summary, std::string body = "") {
    policy::Notification n;
    n.app_name = std::move(app);
    n.summary = std::move(summary);
    n.body = std::move(body);
    return n;
}

const char* kTwoContacts = R"(version: 1
contacts:
  - name: Alex
    match: { names: ["Alex Morgan", "Alex"] }
  - name: Jo
    strictness: firm
    match: { names: ["Jo Park"] }
    groups: show
    calls: ring
)";

class RuleShapes : public ::testing::Test {
  protected:
    void SetUp() override {
        policy_ = policyFrom(kTwoContacts);
        profiles_ = builtinProfiles(policy_);
        shapes_ = ruleShapes(policy_, profiles_);
        all_ = described(shapes_);
    }
    bool hides(const policy::Notification& n, std::vector<bool> held = {true, true}) const {
        return rulesHide(shapes_, held, n);
    }

    policy::Policy policy_;
    policy::Profiles profiles_;
    std::vector<RuleShape> shapes_;
    std::set<std::string> all_;
};

TEST_F(RuleShapes, SayASignalConversationByItsWholeTitleAndAGroupByItsStart) {
    EXPECT_TRUE(all_.contains("0 signal app=Signal summary==Alex Morgan"));
    EXPECT_TRUE(all_.contains("0 signal app=Signal summary^=Alex Morgan in "));
    EXPECT_TRUE(all_.contains("0 signal entry=signal summary==Alex Morgan"));
    EXPECT_TRUE(hides(fdo("Signal", "Alex Morgan", "hi")));
    EXPECT_TRUE(hides(fdo("Signal", "Alex Morgan in Family Chat", "hi")));
}

TEST_F(RuleShapes, SayATelegramGroupByTheBoldSenderAtTheStartOfTheBody) {
    EXPECT_TRUE(all_.contains("0 telegram app=Telegram Desktop body^=<b>Alex Morgan</b>"));
    EXPECT_TRUE(hides(fdo("Telegram Desktop", "Family", "<b>Alex Morgan</b>\nhi")));
}

TEST_F(RuleShapes, LeaveOutTelegramTitlesBecauseAGroupCanBeNamedLikeThePerson) {
    // The profile reads "<b>Sam</b>\n..." in a chat titled "Alex Morgan" as Sam's.
    EXPECT_FALSE(all_.contains("0 telegram app=Telegram Desktop summary==Alex Morgan"));
    EXPECT_FALSE(hides(fdo("Telegram Desktop", "Alex Morgan", "<b>Sam</b>\nhi")));
}

TEST_F(RuleShapes, SayAFirefoxGroupMessageByItsSenderPrefix) {
    EXPECT_TRUE(all_.contains("0 firefox-web entry=firefox body^=Alex Morgan: "));
}

TEST_F(RuleShapes, NeverSayAnAppByAPrefixOfItsName) {
    for (const RuleShape& s : shapes_) {
        EXPECT_NE(s.app.back(), '*') << describe(s);
    }
}

TEST_F(RuleShapes, DoNotTakeAlexandraForAlex) {
    EXPECT_FALSE(hides(fdo("Signal", "Alexandra")));
    EXPECT_FALSE(hides(fdo("Signal", "Alexandra in Family Chat")));
    EXPECT_FALSE(hides(fdo("Signal", "Alex Morgan-Smith")));
    EXPECT_FALSE(hides(fdo("Signal", "alex morgan")));  // a server compares case-sensitively
}

TEST_F(RuleShapes, DoNotTakeANameInsideSomeoneElsesMessage) {
    policy::Notification sam = fdo("Firefox", "Friends", "Sam: did Alex text you?");
    sam.hints["desktop-entry"] = "firefox";
    EXPECT_FALSE(hides(sam));
    EXPECT_FALSE(hides(fdo("Signal", "Sam in Alex Morgan in Paris")));
    EXPECT_FALSE(hides(fdo("Telegram Desktop", "Family", "<b>Sam</b>\n<b>Alex Morgan</b>")));
}

TEST_F(RuleShapes, HideOnlyContactsThatAreHeld) {
    EXPECT_FALSE(hides(fdo("Signal", "Alex Morgan"), {false, true}));
    EXPECT_TRUE(hides(fdo("Signal", "Alex Morgan"), {true, false}));
}

TEST_F(RuleShapes, LeaveOutAppsWhoseCallsMustRingAndGroupsThatAreShown) {
    // Jo's calls ring (calls: ring): Signal posts calls as notifications titled with the name.
    EXPECT_FALSE(hides(fdo("Signal", "Jo Park", "Incoming voice call")));
    // Jo's group messages are shown (groups: show).
    EXPECT_FALSE(hides(fdo("Telegram Desktop", "Family", "<b>Jo Park</b>\nhi")));
    EXPECT_FALSE(all_.contains("1 element app=Element summary==Jo Park"));  // Element calls
    // Discord posts no calls as notifications, so Jo's direct messages there are said.
    EXPECT_TRUE(all_.contains("1 discord app=Discord summary==Jo Park"));
}

TEST_F(RuleShapes, OnlyReachServersThroughFdoNotify) {
    policy::Notification gtk = fdo("Signal", "Alex Morgan");
    gtk.interface = policy::Interface::Gtk;
    EXPECT_FALSE(hides(gtk));
}

TEST(RuleShapesFor, NamesTheProfilesReadOtherwiseGiveNoShape) {
    // "Bob in Paris" is Bob writing in the group "Paris" to Signal's profile.
    auto policy = policyFrom(R"(version: 1
contacts:
  - name: Bob
    match: { names: ["Bob in Paris", "Signal", "Quote \"Q\"", "Tab	Name", "<b>Ann</b>"] }
)");
    auto profiles = builtinProfiles(policy);
    for (const RuleShape& s : ruleShapes(policy, profiles)) {
        EXPECT_TRUE(s.text.find("Bob in Paris") != std::string::npos ||
                    s.text.find("Signal") != std::string::npos)
            << describe(s);                             // never a quote, a tab or markup
        EXPECT_NE(s.profile, "signal") << describe(s);  // a group, or Signal hiding the sender
    }
}

TEST(RuleShapesFor, AskThePolicysOwnProfilesToo) {
    auto policy = policyFrom(R"(version: 1
contacts:
  - name: Alex
    match: { names: ["Alex"] }
apps:
  - id: my-chat
    match: { app_name: [My Chat] }
    sender:
      - from: body
        pattern: '^From (.+?) via '
      - when: { 'hint:x-kind': 'dm' }
        from: summary
)");
    auto profiles = builtinProfiles(policy);
    auto all = described(ruleShapes(policy, profiles));
    EXPECT_TRUE(all.contains("0 my-chat app=My Chat body^=From Alex via "));
    // A rule that depends on a hint cannot be said to a server.
    EXPECT_FALSE(all.contains("0 my-chat app=My Chat summary==Alex"));
}

// --- the corpus ---------------------------------------------------------------------------

std::string corpusDir() {
    if (const char* dir = std::getenv("NOCONTACT_FIXTURES"); dir && *dir) return dir;
    return NOCONTACT_TEST_DATA "/corpus";
}

// Alex's identities as the fixtures write them (as in corpus_test.cpp).
const std::set<std::string> kAlex = {
    "Alex Morgan",       "(415) 555-0100",     "415-555-0100",
    "4155550100",        "+14155550100",       "+1 415 555 0100",
    "+1 (415) 555-0100", "alex.m@example.com", "@alex.morgan:matrix.org"};

// The sender as a person reads it: more-shapes.jsonl wraps names in invisible characters.
std::string visibleText(std::string text) {
    for (const char* invisible : {"\u2068", "\u2069", "\u200b", "\u200e", "\ufeff"})
        for (auto at = text.find(invisible); at != std::string::npos; at = text.find(invisible))
            text.erase(at, std::string_view(invisible).size());
    return text;
}

TEST(TheCorpusUnderServerRules, KeepsEveryStrangerOnScreenAndHidesMostOfAlex) {
    auto loaded = loadPolicyFile(corpusDir() + "/policy.yaml");
    ASSERT_TRUE(loaded.ok());
    auto profiles = builtinProfiles(*loaded.policy);
    auto shapes = ruleShapes(*loaded.policy, profiles);
    std::vector<bool> held(loaded.policy->contacts.size(), true);
    // The shared fixtures, and the repository's own shapes beside them (browsers, invisible
    // formatting characters).
    std::vector<std::string> lines;
    for (const std::string& path : {corpusDir() + "/notifications.jsonl",
                                    std::string(NOCONTACT_TEST_DATA "/corpus/more-shapes.jsonl")}) {
        std::ifstream in(path);
        for (std::string text; std::getline(in, text);)
            if (!text.empty()) lines.push_back(text);
    }
    int alex = 0, alex_fdo = 0, alex_hidden = 0, strangers = 0;
    for (const std::string& text : lines) {
        auto parsed = ctl::parseNotificationLine(text);
        ASSERT_TRUE(std::holds_alternative<ctl::JsonNotification>(parsed)) << text;
        const auto& [id, n] = std::get<ctl::JsonNotification>(parsed);
        auto sender = nlohmann::json::parse(text).at("sender");
        bool from_alex =
            sender.is_string() && kAlex.contains(visibleText(sender.get<std::string>()));
        for (RuleServer s : {RuleServer::Dunst, RuleServer::Mako, RuleServer::Swaync}) {
            if (!from_alex) {
                EXPECT_FALSE(rulesHide(s, shapes, held, n)) << id;
            }
        }
        strangers += !from_alex;
        alex += from_alex;
        alex_fdo += from_alex && n.interface == policy::Interface::Fdo;
        alex_hidden += from_alex && rulesHide(shapes, held, n);
    }
    // The rest cannot be said as a server rule (GTK and portal notifications, numbers, hints,
    // Telegram and Firefox titles, groups shaped "Name (Group)") and is withdrawn after.
    std::cout << "[ share    ] server rules hide " << alex_hidden << " of Alex's " << alex
              << " notifications in the corpus (" << alex_fdo << " of them through FDO Notify); "
              << strangers << " strangers all kept\n";
    EXPECT_GE(strangers, 20);
    EXPECT_GE(alex_hidden, 8);  // as many as today: fewer means a shape was lost
}

}  // namespace
}  // namespace nocontact::config
