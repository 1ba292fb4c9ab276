// SPDX-License-Identifier: GPL-3.0-or-later
// THE key test of sender recognition: every notification shape in
// shared/fixtures/notifications.jsonl, read through the built-in profiles (config/apps.yaml)
// and matched against shared/fixtures/policy.yaml, must give the sender and kind a person sees,
// and be attributed to Alex exactly when Alex wrote it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "policy/matcher.hpp"
#include "policy/profile.hpp"

namespace nocontact {
namespace {

using nlohmann::json;

// --- A fixture line as the daemon would see it --------------------------------------------
// Reads ONLY `interface`, `args` and `hint_types`, never the fields meant for people. Kept
// apart so it can be swapped for ctl's reader.

bool isBasicDbusType(const std::string& type) {
    return !type.empty() && std::string_view("sbynqiuxtd").find(type[0]) != std::string::npos;
}

std::string hintText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();  // integers print as themselves
}

void readFdo(const json& args, const json& types, policy::Notification& n) {
    n.app_name = args.value("app_name", "");
    n.replaces_id = args.value("replaces_id", 0u);
    n.app_icon = args.value("app_icon", "");
    n.summary = args.value("summary", "");
    n.body = args.value("body", "");
    if (args.contains("actions")) {
        for (const json& a : args.at("actions"))
            n.actions.push_back(a.get<std::string>());
    }
    if (!args.contains("hints")) return;
    for (const auto& [key, value] : args.at("hints").items()) {
        // Binary hints (image-data) are placeholders in the corpus; decoders drop them too.
        if (isBasicDbusType(types.value(key, std::string("s")))) n.hints[key] = hintText(value);
    }
}

void readGtk(const json& args, policy::Notification& n) {
    n.app_id = args.value("app_id", "");
    n.id = args.value("id", "");
    const json& body = args.at("notification");
    n.summary = body.value("title", "");
    n.body = body.value("body", "");
    for (const char* key : {"priority", "category", "default-action"}) {
        if (body.contains(key) && body[key].is_string())
            n.hints[key] = body[key].get<std::string>();
    }
}

policy::Notification fixtureToNotification(const json& line) {
    policy::Notification n;
    const std::string interface = line.at("interface");
    const json& args = line.at("args");
    if (interface == "fdo") {
        readFdo(args, line.value("hint_types", json::object()), n);
    } else {
        n.interface = interface == "gtk" ? policy::Interface::Gtk : policy::Interface::Portal;
        readGtk(args, n);
    }
    return n;
}

// --- The corpus --------------------------------------------------------------------------

// $NOCONTACT_FIXTURES (to try a newer corpus), else the repository's copy of the shared
// fixtures: the tests depend on nothing outside the checkout.
std::string fixturesDir() {
    if (const char* dir = std::getenv("NOCONTACT_FIXTURES"); dir && *dir) return dir;
    return NOCONTACT_TEST_DATA "/corpus";
}

struct Case {
    std::string name;
    policy::Notification notification;
    std::string sender;  // "" when the fixture says null
    std::string kind;
};

// Alex's identities as the fixtures write them; spelled out here rather than computed with
// the code under test.
const std::set<std::string> kAlex = {
    "Alex Morgan", "(415) 555-0100", "415-555-0100", "4155550100", "+14155550100",
    "+1 415 555 0100", "+1 (415) 555-0100", "alex.m@example.com", "@alex.morgan:matrix.org",
    // The same name wrapped in invisible formatting characters (isolates, a zero-width space,
    // a byte order mark, a direction mark).
    "\u2068Alex Morgan\u2069", "Alex Morgan\u200b", "\ufeffAlex Morgan", "Alex Morgan\u200e"};

class TheCorpus : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto profiles = config::loadProfilesFile(NOCONTACT_SOURCE_ROOT "/config/apps.yaml");
        for (const auto& d : profiles.diagnostics)
            load_errors_ += d.format() + "\n";
        auto policy = config::loadPolicyFile(fixturesDir() + "/policy.yaml");
        for (const auto& d : policy.diagnostics)
            load_errors_ += d.format() + "\n";
        if (!profiles.ok() || !policy.ok()) return;
        profiles_ = new policy::Profiles(policy.policy->apps, profiles.profiles);
        matcher_ = new policy::Matcher(*policy.policy);
        alex_ = matcher_->byContactName("Alex");
        readCases();
    }

    static void TearDownTestSuite() {
        delete profiles_;
        delete matcher_;
        profiles_ = nullptr;
        matcher_ = nullptr;
        cases_.clear();
    }

    static void readCases() {
        readCases(fixturesDir() + "/notifications.jsonl");
        // The repository's own shapes beside the shared fixtures (names wrapped in invisible
        // formatting characters, ...).
        readCases(NOCONTACT_TEST_DATA "/corpus/more-shapes.jsonl");
    }

    static void readCases(const std::string& path) {
        std::ifstream in(path);
        std::string text;
        while (std::getline(in, text)) {
            if (text.empty()) continue;
            json line = json::parse(text);
            const json& sender = line.at("sender");
            cases_.push_back({line.value("id", std::to_string(cases_.size() + 1)),
                              fixtureToNotification(line),
                              sender.is_null() ? "" : sender.get<std::string>(),
                              line.at("kind").get<std::string>()});
        }
    }

    void SetUp() override {
        ASSERT_TRUE(profiles_ && matcher_) << load_errors_;
        ASSERT_TRUE(alex_.has_value());
    }

    static inline std::string load_errors_;
    static inline policy::Profiles* profiles_ = nullptr;
    static inline policy::Matcher* matcher_ = nullptr;
    static inline std::optional<std::size_t> alex_;
    static inline std::vector<Case> cases_;
};

TEST_F(TheCorpus, HoldsEveryFixtureLine) {
    EXPECT_GE(cases_.size(), 53u + 5u);  // the shared fixtures, and more-shapes.jsonl
}

TEST_F(TheCorpus, IsClaimedLineByLineByANamedProfile) {
    for (const Case& c : cases_) {
        const policy::AppProfile* p = profiles_->find(c.notification);
        EXPECT_NE(p, nullptr) << c.name << ": no profile claims it";
        EXPECT_NE(profiles_->toEvent(c.notification).app, "") << c.name;
    }
}

TEST_F(TheCorpus, YieldsTheSenderAPersonSeesOnEveryLine) {
    for (const Case& c : cases_) {
        EXPECT_EQ(profiles_->toEvent(c.notification).sender, c.sender) << c.name;
    }
}

TEST_F(TheCorpus, YieldsTheKindAPersonSeesOnEveryLine) {
    for (const Case& c : cases_) {
        EXPECT_EQ(policy::kindName(profiles_->toEvent(c.notification).kind), c.kind) << c.name;
    }
}

TEST_F(TheCorpus, AttributesALineToAlexExactlyWhenAlexWroteIt) {
    int alex_lines = 0;
    for (const Case& c : cases_) {
        policy::Event e = profiles_->toEvent(c.notification);
        auto m = matcher_->match(e);
        bool from_alex = kAlex.contains(c.sender);
        alex_lines += from_alex;
        if (from_alex) {
            EXPECT_TRUE(m && m->contact == *alex_) << c.name << ": sender '" << e.sender << "'";
        } else {
            EXPECT_FALSE(m.has_value()) << c.name << ": " << (m ? recognisedBy(*m) : "");
        }
    }
    EXPECT_GE(alex_lines, 20);  // the corpus is mostly about Alex; a parse slip would show here
}

}  // namespace
}  // namespace nocontact
