// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' rule shapes kept from one policy to the next (config/rule_shapes_memo.hpp): found
// again when only what they do not depend on changed, worked out again otherwise.
#include "config/rule_shapes_memo.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace nocontact::config {
namespace {

policy::Policy policyFrom(const std::string& yaml) {
    auto loaded = loadPolicy(yaml, "test.yaml");
    for (const auto& d : loaded.diagnostics) {
        if (d.severity == Diagnostic::Severity::Error) ADD_FAILURE() << d.format();
    }
    return loaded.ok() ? *loaded.policy : policy::Policy{};
}

std::string twoContacts(const std::string& alex_extra = "", const std::string& jo_extra = "") {
    return "version: 1\n"
           "contacts:\n"
           "  - name: Alex\n"
           "    match: { names: [\"Alex Morgan\"] }\n" +
           alex_extra +
           "  - name: Jo\n"
           "    match: { names: [\"Jo Park\"] }\n" +
           jo_extra;
}

bool same(const std::vector<RuleShape>& a, const std::vector<RuleShape>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.contact == y.contact && x.profile == y.profile && x.app_key == y.app_key &&
               x.app == y.app && x.field == y.field && x.text == y.text && x.whole == y.whole;
    });
}

class ARuleShapesMemo : public ::testing::Test {
  protected:
    void SetUp() override {
        auto loaded = loadProfilesFile(NOCONTACT_SOURCE_ROOT "/config/apps.yaml");
        ASSERT_TRUE(loaded.ok());
        builtin_ = loaded.profiles;
    }
    // As the daemon asks after each reload: the policy's profiles made again each time.
    std::vector<RuleShape> shapesOf(const std::string& yaml) {
        policy_ = policyFrom(yaml);
        profiles_ = policy::Profiles(policy_.apps, builtin_);
        auto shapes = memo_.shapes(policy_, profiles_);
        EXPECT_TRUE(same(shapes, ruleShapes(policy_, profiles_))) << yaml;
        return shapes;
    }

    std::vector<policy::AppProfile> builtin_;
    policy::Policy policy_;
    policy::Profiles profiles_;
    RuleShapesMemo memo_;
};

TEST_F(ARuleShapesMemo, FindsThemAgainWhenOnlyLevelsReasonsAndSchedulesChanged) {
    auto first = shapesOf(twoContacts());
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(memo_.workedOut(), 1);
    shapesOf(twoContacts("    strictness: strict\n    reasons: [\"Space.\"]\n"));
    shapesOf("version: 1\ndefaults: { strictness: firm, pause: 30s }\n" +
             twoContacts().substr(std::string("version: 1\n").size()));
    EXPECT_EQ(memo_.workedOut(), 1);
}

TEST_F(ARuleShapesMemo, WorksThemOutAgainWhenWhatTheyDependOnChanged) {
    shapesOf(twoContacts());
    shapesOf(twoContacts("", "    groups: show\n"));
    EXPECT_EQ(memo_.workedOut(), 2);
    shapesOf(twoContacts("", "    calls: ring\n"));
    EXPECT_EQ(memo_.workedOut(), 3);
    shapesOf(twoContacts("    repeat_calls_break_through: true\n"));
    EXPECT_EQ(memo_.workedOut(), 4);
    // A name moved from one contact to the other: the same names, other shapes.
    shapesOf(
        "version: 1\ncontacts:\n"
        "  - name: Alex\n    match: { names: [\"Jo Park\"] }\n"
        "  - name: Jo\n    match: { names: [\"Alex Morgan\"] }\n");
    EXPECT_EQ(memo_.workedOut(), 5);
    shapesOf(
        "version: 1\ncontacts:\n"
        "  - name: Alex\n    match: { names: [\"Alex Morgan\", \"Alex\"] }\n"
        "  - name: Jo\n    match: { names: [\"Jo Park\"] }\n");
    EXPECT_EQ(memo_.workedOut(), 6);
    shapesOf(twoContacts() + "  - name: Sam\n    match: { names: [\"Sam Lee\"] }\n");
    EXPECT_EQ(memo_.workedOut(), 7);
    shapesOf("version: 1\ndefaults: { region: GB }\n" +
             twoContacts().substr(std::string("version: 1\n").size()));
    EXPECT_EQ(memo_.workedOut(), 8);
}

TEST_F(ARuleShapesMemo, AlwaysWorksOutAPolicyWithAppProfilesOfItsOwn) {
    const std::string yaml = twoContacts() + R"(apps:
  - id: chatty
    match: { desktop_entry: chatty }
    sender: summary
)";
    shapesOf(yaml);
    shapesOf(yaml);
    EXPECT_EQ(memo_.workedOut(), 2);
}

}  // namespace
}  // namespace nocontact::config
