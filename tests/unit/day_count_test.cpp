// SPDX-License-Identifier: GPL-3.0-or-later
// The day count: one rule for the pause, `read`, stats and status, and the final straw's day
// one, which a later change of level leaves alone.
#include <gtest/gtest.h>

#include "engine_fixtures.hpp"
#include "policy/day_count.hpp"

namespace nocontact::policy {
namespace {

using namespace testing;

Date on(const char* text) {
    return *parseDate(text);
}

struct DayRow {
    const char* what;
    std::optional<Date> policy_since;
    std::optional<FinalStrawDay> final_straw;
    const char* today;
    std::optional<int> day;
};

TEST(TheDayCount, FollowsOneRule) {
    const FinalStrawDay straw{on("2026-11-20"), on("2024-12-10")};
    const DayRow rows[] = {
        {"day one itself is day 1, never 0", on("2026-11-26"), {}, "2026-11-26", 1},
        {"the next day is day 2", on("2026-11-25"), {}, "2026-11-26", 2},
        {"day 62, as the pause says it", on("2024-12-10"), {}, "2025-02-09", 62},
        {"across a leap day", on("2028-02-28"), {}, "2028-03-01", 3},
        {"no since: no count", std::nullopt, {}, "2026-11-26", std::nullopt},
        {"a since in the future has not begun", on("2026-12-01"), {}, "2026-11-26", std::nullopt},
        {"the final straw's day one", on("2024-12-10"), straw, "2026-11-20", 1},
        {"counts on from the final straw", on("2024-12-10"), straw, "2026-11-26", 7},
        {"an edited since is the newer word", on("2026-11-01"), straw, "2026-11-26", 26},
        {"a since added after the final straw", on("2026-11-01"),
         FinalStrawDay{on("2026-11-20"), std::nullopt}, "2026-11-26", 26},
        {"a final straw without any since", std::nullopt,
         FinalStrawDay{on("2026-11-20"), std::nullopt}, "2026-11-26", 7},
    };
    for (const DayRow& row : rows) {
        EXPECT_EQ(dayNumber(dayOne(row.policy_since, row.final_straw), on(row.today)), row.day)
            << row.what;
    }
}

class AFinalStraw : public ::testing::Test {
  protected:
    AFinalStraw() : engine_(policyWith(withSince(alex(Level::Pause)))) {}
    static Contact withSince(Contact c) {
        c.since = on("2024-12-10");
        return c;
    }
    Override change(Override::Type type, const char* local) {
        Override o;
        o.type = type;
        o.contact = "Alex";
        o.start = momentAt(local).utc;
        if (type == Override::Type::FinalStraw) o.since = dateOf(momentAt(local).local);
        if (type == Override::Type::Soften) o.to = Level::Pause;
        return o;
    }
    Engine engine_;
};

TEST_F(AFinalStraw, IsDayOneEvenAfterASoften) {
    engine_.addOverride(change(Override::Type::FinalStraw, "2026-11-26T21:00"));
    engine_.setFinalStraw("Alex", {on("2026-11-26"), on("2024-12-10")});
    engine_.addOverride(change(Override::Type::Soften, "2026-11-26T21:05"));
    EXPECT_EQ(engine_.explain(0, momentAt("2026-11-26T21:06")).level, Level::Pause);
    EXPECT_EQ(engine_.dayCount(0, momentAt("2026-11-26T21:06")), 1);
    EXPECT_EQ(engine_.dayCount(0, momentAt("2026-11-28T09:00")), 3);
}

TEST_F(AFinalStraw, KeptOnlyAsItsChangeStillCountsFromItsDay) {
    // A journal from before day ones were kept apart: the final straw's change still says.
    engine_.addOverride(change(Override::Type::FinalStraw, "2026-11-26T21:00"));
    EXPECT_EQ(engine_.dayCount(0, momentAt("2026-11-26T21:06")), 1);
}

TEST_F(AFinalStraw, IsMatchedWhateverTheCaseOfTheName) {
    engine_.setFinalStraw("alex", {on("2026-11-26"), on("2024-12-10")});
    engine_.setFinalStraw("ALEX", {on("2026-11-27"), on("2024-12-10")});
    EXPECT_EQ(engine_.finalStraws().size(), 1u) << "the newer replaces the older";
    EXPECT_EQ(engine_.dayCount(0, momentAt("2026-11-27T10:00")), 1);
}

TEST(WithoutAFinalStraw, TheEnginesCountIsThePolicysSince) {
    Contact c = alex(Level::Pause);
    c.since = on("2024-12-10");
    Engine engine(policyWith(c));
    EXPECT_EQ(engine.dayCount(0, momentAt("2025-02-09T23:59")), 62);
    EXPECT_EQ(engine.dayOneOf(0, momentAt("2025-02-09T23:59")), on("2024-12-10"));
}

}  // namespace
}  // namespace nocontact::policy
