// SPDX-License-Identifier: GPL-3.0-or-later
// The example policy a newcomer copies and the shared fixture policy load cleanly and mean
// what they say.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace nocontact::config {
namespace {

using policy::Level;

std::string render(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += d.format() + "\n";
    return out;
}

class TheExamplePolicy : public testing::Test {
  protected:
    void SetUp() override {
        result_ =
            loadPolicyFile(std::string(NOCONTACT_SOURCE_ROOT) + "/config/policy.example.yaml");
        ASSERT_TRUE(result_.ok()) << render(result_.diagnostics);
        policy_ = &*result_.policy;
    }
    LoadResult result_;
    const policy::Policy* policy_ = nullptr;
};

TEST_F(TheExamplePolicy, LoadsWithoutErrorsOrWarnings) {
    EXPECT_EQ(render(result_.diagnostics), "");
}

TEST_F(TheExamplePolicy, ReadsTheDefaults) {
    EXPECT_EQ(policy_->version, 1);
    EXPECT_EQ(policy_->defaults.strictness, Level::Pause);
    EXPECT_EQ(policy_->defaults.pause, policy::Seconds{20});
    EXPECT_EQ(policy_->defaults.region, "US");
    EXPECT_EQ(policy_->defaults.digest, (std::vector<policy::TimeOfDay>{{8 * 60 + 30}, {19 * 60}}));
}

TEST_F(TheExamplePolicy, ReadsTheLateNightScheduleInMinutes) {
    ASSERT_EQ(policy_->schedules.size(), 1u);
    const auto& s = policy_->schedules[0];
    EXPECT_EQ(s.name, "late night");
    EXPECT_EQ(s.days, (std::vector<policy::Weekday>{policy::Weekday::Fri, policy::Weekday::Sat}));
    EXPECT_EQ(s.from.minutes, 22 * 60);
    EXPECT_EQ(s.to.minutes, 6 * 60);
    EXPECT_EQ(s.raise, 1);
}

TEST_F(TheExamplePolicy, ReadsAlexWithTypedValues) {
    ASSERT_EQ(policy_->contacts.size(), 1u);
    const auto& alex = policy_->contacts[0];
    EXPECT_EQ(alex.name, "Alex");
    EXPECT_EQ(alex.since, policy::parseDate("2024-12-10"));
    EXPECT_EQ(alex.strictness, Level::Firm);
    EXPECT_EQ(alex.reasons.size(), 2u);
    EXPECT_EQ(alex.names, (std::vector<std::string>{"Alex Morgan", "Alex"}));
    EXPECT_EQ(alex.phones, std::vector<std::string>{"+14155550100"});
    EXPECT_EQ(alex.emails, std::vector<std::string>{"alex.m@example.com"});
    EXPECT_EQ(alex.handles.at("telegram"), std::vector<std::string>{"@alexm"});
    EXPECT_EQ(alex.handles.at("matrix"), std::vector<std::string>{"@alex:matrix.org"});
    EXPECT_EQ(alex.groups, policy::GroupRule::Hold);
    EXPECT_EQ(alex.calls, policy::CallRule::Auto);
}

TEST_F(TheExamplePolicy, ReadsReachingOutSourcesAndApps) {
    EXPECT_EQ(policy_->reaching_out.from, Level::Firm);
    EXPECT_TRUE(policy_->reaching_out.freeze);
    EXPECT_EQ(policy_->reaching_out.grace, policy::Seconds{600});
    EXPECT_TRUE(policy_->sources.kdeconnect && policy_->sources.gnome_calls &&
                policy_->sources.modemmanager);
    ASSERT_EQ(policy_->apps.size(), 1u);
    EXPECT_EQ(policy_->apps[0].id, "my-chat");
    EXPECT_EQ(policy_->apps[0].name, "my-chat");
    EXPECT_EQ(policy_->apps[0].desktop_entries, std::vector<std::string>{"my-chat"});
    ASSERT_EQ(policy_->apps[0].rules.size(), 1u);
    EXPECT_EQ(policy_->apps[0].rules[0].from.field, policy::FieldRef::Field::Summary);
}

TEST(TheFixturePolicy, LoadsWithAlexsNumberInE164) {
    const auto result = loadPolicyFile(NOCONTACT_TEST_DATA "/corpus/policy.yaml");
    ASSERT_TRUE(result.ok()) << render(result.diagnostics);
    EXPECT_EQ(result.errorCount(), 0u);
    const auto& alex = result.policy->contacts.at(0);
    EXPECT_EQ(alex.phones, std::vector<std::string>{"+14155550100"});
    EXPECT_EQ(alex.strictness, std::nullopt);
    EXPECT_EQ(alex.handles.at("matrix"), std::vector<std::string>{"@alex.morgan:matrix.org"});
    EXPECT_EQ(result.policy->defaults.strictness, Level::Pause);
}

TEST(ThePolicyLoader, SaysSoWhenTheFileCannotBeOpened) {
    const auto result = loadPolicyFile("/nonexistent/nocontact/policy.yaml");
    EXPECT_FALSE(result.ok());
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].format(),
              "/nonexistent/nocontact/policy.yaml:1:1: error: cannot open the file: "
              "No such file or directory");
}

TEST(ThePolicyLoader, SaysASymbolicLinkThatLeadsBackToItselfIsOne) {
    char tmpl[] = "/tmp/nocontact-loop.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string file = std::string(tmpl) + "/policy.yaml";
    ASSERT_EQ(::symlink(file.c_str(), file.c_str()), 0);
    std::string text = "untouched";
    const auto result = loadPolicyFile(file, &text);
    std::filesystem::remove_all(tmpl);
    EXPECT_FALSE(result.ok());
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].format(),
              file + ":1:1: error: this is a symbolic link that leads back to itself, not a file");
    EXPECT_EQ(text, "untouched") << "nothing was read";
}

TEST(ThePolicyLoader, HandsBackTheTextItChecked) {
    const std::string path = std::string(NOCONTACT_SOURCE_ROOT) + "/config/policy.example.yaml";
    std::string text;
    ASSERT_TRUE(loadPolicyFile(path, &text).ok());
    std::ifstream in(path, std::ios::binary);
    EXPECT_EQ(text, std::string(std::istreambuf_iterator<char>(in), {}));
}

}  // namespace
}  // namespace nocontact::config
