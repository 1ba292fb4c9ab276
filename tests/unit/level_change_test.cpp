// SPDX-License-Identifier: GPL-3.0-or-later
// The person's own moves on the ladder: every level, each way, by one step and to every level.
#include <gtest/gtest.h>

#include <string>

#include "policy/level_change.hpp"

namespace nocontact::policy {
namespace {

constexpr auto Soften = StepWay::Soften;
constexpr auto Harden = StepWay::Harden;
constexpr auto None = std::optional<Level>{};

// "gentle", or the refusal's name: one word per outcome, so a table reads at a glance.
std::string outcome(const StepPlan& p) {
    if (p.to) return std::string{levelName(*p.to)};
    switch (*p.refused) {
        case StepRefusal::AlreadyOpen:
            return "already-open";
        case StepRefusal::AlreadyStrict:
            return "already-strict";
        case StepRefusal::SameLevel:
            return "same";
        case StepRefusal::NotSofter:
            return "not-softer";
        case StepRefusal::NotHarder:
            return "not-harder";
    }
    return "?";
}

struct Row {
    StepWay way;
    Level current;
    std::optional<Level> asked;
    const char* expected;
};

const Row kRows[] = {
    // One step, from wherever the contact stands now.
    {Soften, Level::Open, None, "already-open"},
    {Soften, Level::Gentle, None, "open"},
    {Soften, Level::Pause, None, "gentle"},
    {Soften, Level::Firm, None, "pause"},
    {Soften, Level::Strict, None, "firm"},
    {Harden, Level::Open, None, "gentle"},
    {Harden, Level::Gentle, None, "pause"},
    {Harden, Level::Pause, None, "firm"},
    {Harden, Level::Firm, None, "strict"},
    {Harden, Level::Strict, None, "already-strict"},
    // To a level: only downwards for soften, only upwards for harden, never the same.
    {Soften, Level::Pause, Level::Open, "open"},
    {Soften, Level::Pause, Level::Gentle, "gentle"},
    {Soften, Level::Pause, Level::Pause, "same"},
    {Soften, Level::Pause, Level::Firm, "not-softer"},
    {Soften, Level::Pause, Level::Strict, "not-softer"},
    {Soften, Level::Strict, Level::Open, "open"},
    {Soften, Level::Open, Level::Open, "same"},
    {Harden, Level::Pause, Level::Open, "not-harder"},
    {Harden, Level::Pause, Level::Gentle, "not-harder"},
    {Harden, Level::Pause, Level::Pause, "same"},
    {Harden, Level::Pause, Level::Firm, "firm"},
    {Harden, Level::Pause, Level::Strict, "strict"},
    {Harden, Level::Open, Level::Strict, "strict"},
    {Harden, Level::Strict, Level::Strict, "same"},
};

class AMoveOnTheLadder : public ::testing::TestWithParam<Row> {};

TEST_P(AMoveOnTheLadder, LeadsWhereTheTableSays) {
    const Row& row = GetParam();
    StepPlan plan = planStep(row.way, row.current, row.asked);
    EXPECT_EQ(outcome(plan), row.expected);
    EXPECT_NE(plan.to.has_value(), plan.refused.has_value()) << "a level or a refusal, not both";
}

std::string caseName(const ::testing::TestParamInfo<Row>& info) {
    const Row& r = info.param;
    std::string name = r.way == Soften ? "Soften" : "Harden";
    name += "_from_" + std::string{levelName(r.current)};
    name += "_to_" + (r.asked ? std::string{levelName(*r.asked)} : std::string{"step"});
    return name;
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfMove, AMoveOnTheLadder, ::testing::ValuesIn(kRows), caseName);

TEST(AChangesDuration, IsAtMostAYearAndADay) {
    EXPECT_TRUE(durationAllowed(0)) << "no duration: until changed";
    EXPECT_TRUE(durationAllowed(60));
    EXPECT_TRUE(durationAllowed(366ull * 24 * 3600));
    EXPECT_FALSE(durationAllowed(366ull * 24 * 3600 + 1));
    EXPECT_FALSE(durationAllowed(UINT64_MAX)) << "would overflow now + seconds";
    EXPECT_FALSE(durationAllowed(static_cast<std::uint64_t>(INT64_MAX) + 1));
}

}  // namespace
}  // namespace nocontact::policy
