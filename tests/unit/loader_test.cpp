// SPDX-License-Identifier: GPL-3.0-or-later
// The policy loader against files: every bad policy in tests/data/bad-policies/ must give
// exactly the diagnostics in its .expected file; every good one must load without any.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"

namespace nocontact::config {
namespace {

namespace fs = std::filesystem;

const fs::path kData = NOCONTACT_TEST_DATA;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string render(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += d.format() + "\n";
    return out;
}

// The stems of the .yaml files in a folder of tests/data, sorted.
std::vector<std::string> policiesIn(const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kData / folder)) {
        if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string testName(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
    return name;
}

class ABadPolicy : public testing::TestWithParam<std::string> {};

TEST_P(ABadPolicy, GivesExactlyTheExpectedDiagnostics) {
    const fs::path yaml = kData / "bad-policies" / (GetParam() + ".yaml");
    const fs::path expected = kData / "bad-policies" / (GetParam() + ".expected");
    ASSERT_TRUE(fs::exists(expected)) << expected << " is missing";
    const std::string want = slurp(expected);

    const LoadResult result = loadPolicy(slurp(yaml), GetParam() + ".yaml");

    EXPECT_EQ(render(result.diagnostics), want);
    const bool has_errors = want.find(": error: ") != std::string::npos;
    EXPECT_EQ(result.ok(), !has_errors);
    EXPECT_EQ(result.errorCount() > 0, has_errors);
}

INSTANTIATE_TEST_SUITE_P(Files, ABadPolicy, testing::ValuesIn(policiesIn("bad-policies")),
                         testName);

TEST(TheBadPolicyFolder, HasAnExpectedFileForEveryPolicy) {
    const auto names = policiesIn("bad-policies");
    EXPECT_GE(names.size(), 30u);
    for (const auto& name : names) {
        EXPECT_TRUE(fs::exists(kData / "bad-policies" / (name + ".expected")))
            << name << ".yaml has no .expected file";
    }
}

class AGoodPolicy : public testing::TestWithParam<std::string> {};

TEST_P(AGoodPolicy, LoadsWithoutAnyDiagnostic) {
    const fs::path yaml = kData / "good-policies" / (GetParam() + ".yaml");
    const LoadResult result = loadPolicy(slurp(yaml), GetParam() + ".yaml");
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(render(result.diagnostics), "");
}

INSTANTIATE_TEST_SUITE_P(Files, AGoodPolicy, testing::ValuesIn(policiesIn("good-policies")),
                         testName);

TEST(AGoodPolicyWithTheRegionLast, ReadsLocalNumbersInThatRegion) {
    const auto result = loadPolicy(slurp(kData / "good-policies/region-after-contacts.yaml"),
                                   "region-after-contacts.yaml");
    ASSERT_TRUE(result.ok());
    const auto& jamie = result.policy->contacts.at(0);
    EXPECT_EQ(result.policy->defaults.region, "GB");
    EXPECT_EQ(jamie.phones, (std::vector<std::string>{"+442079460018", "+14155550100"}));
    EXPECT_EQ(jamie.handles.at("xmpp"), std::vector<std::string>{"jamie@jabber.example"});
    EXPECT_EQ(jamie.handles.at("some_new-app"), std::vector<std::string>{"jamie"});
}

TEST(APolicyWithOnlyWarnings, LoadsAndKeepsItsWarnings) {
    const auto result =
        loadPolicy(slurp(kData / "bad-policies/warnings-only.yaml"), "warnings-only.yaml");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.errorCount(), 0u);
    EXPECT_EQ(result.diagnostics.size(), 5u);
    EXPECT_EQ(result.policy->defaults.pause, policy::Seconds{300});
}

TEST(APolicyWithThousandsOfWarnings, StillLoadsAndListsAHundredOfThem) {
    // 1,000 contacts without reasons: a warning each, and nothing wrong.
    std::string yaml = "version: 1\ncontacts:\n";
    for (int i = 0; i < 1000; ++i)
        yaml += "  - name: Contact " + std::to_string(i) + "\n    match: { names: [\"Contact " +
                std::to_string(i) + "\"] }\n";
    yaml += "  - name: Alex\n    strictness: furious\n    match: { names: [Alex] }\n";
    auto result = loadPolicy(yaml, "many.yaml");
    ASSERT_FALSE(result.ok()) << "the one error still counts, after all the warnings";
    EXPECT_EQ(result.errorCount(), 1u);
    EXPECT_EQ(result.diagnostics.back().severity, Diagnostic::Severity::Error);
    EXPECT_EQ(result.diagnostics.size(), 102u) << "100 warnings, the notice, the error";
    EXPECT_EQ(result.diagnostics[100].message, "more warnings like these are not listed");

    yaml.resize(yaml.find("  - name: Alex"));
    result = loadPolicy(yaml, "many.yaml");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.policy->contacts.size(), 1000u);
}

TEST(ADiagnostic, FormatsAsFileLineColumnSeverityMessage) {
    Diagnostic d{Diagnostic::Severity::Warning, "p.yaml", 3, 7, "be kind"};
    EXPECT_EQ(d.format(), "p.yaml:3:7: warning: be kind");
    d.severity = Diagnostic::Severity::Error;
    EXPECT_EQ(d.format(), "p.yaml:3:7: error: be kind");
}

}  // namespace
}  // namespace nocontact::config
