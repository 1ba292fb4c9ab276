// SPDX-License-Identifier: GPL-3.0-or-later
// The strictness ladder of DESIGN.md §4, every level against every kind of event and every
// groups:/calls: option, driven through the whole engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <sstream>
#include <tuple>

#include "engine_fixtures.hpp"
#include "policy/ladder.hpp"

namespace nocontact::policy {
namespace {

using namespace testing;

struct Row {
    const char* name;
    Kind kind;
    Direction direction;
    GroupRule groups;
    CallRule calls;
    std::array<const char*, kLevelCount> expected;  // open, gentle, pause, firm, strict
};

constexpr auto In = Direction::Incoming;
constexpr auto Out = Direction::Outgoing;
constexpr auto Hold = GroupRule::Hold;
constexpr auto AutoCalls = CallRule::Auto;

constexpr std::array<const char*, kLevelCount> kMessageLadder = {
    "show count", "show count nudge", "withhold pause count", "withhold hold-for-digest count",
    "withhold hold-strict count"};

// The spec, written out: one row per kind of event, one column per level.
const Row kRows[] = {
    {"Message", Kind::Message, In, Hold, AutoCalls, kMessageLadder},
    {"Other", Kind::Other, In, Hold, AutoCalls, kMessageLadder},
    {"MissedCall", Kind::MissedCall, In, Hold, AutoCalls, kMessageLadder},
    {"GroupMessageHeld", Kind::GroupMessage, In, Hold, AutoCalls, kMessageLadder},
    {"GroupMessageShown",
     Kind::GroupMessage,
     In,
     GroupRule::Show,
     AutoCalls,
     {"show count", "show count", "show count", "show count", "show count"}},
    {"CallAuto",
     Kind::Call,
     In,
     Hold,
     AutoCalls,
     {"ring count", "ring nudge count", "silence pause count", "silence count", "reject count"}},
    {"CallRing",
     Kind::Call,
     In,
     Hold,
     CallRule::Ring,
     {"ring count", "ring count", "ring count", "ring count", "ring count"}},
    {"CallSilence",
     Kind::Call,
     In,
     Hold,
     CallRule::Silence,
     {"silence count", "silence count", "silence count", "silence count", "silence count"}},
    {"CallReject",
     Kind::Call,
     In,
     Hold,
     CallRule::Reject,
     {"reject count", "reject count", "reject count", "reject count", "reject count"}},
    {"OutgoingCall",
     Kind::Call,
     Out,
     Hold,
     AutoCalls,
     {"count", "nudge count", "pause-before-use count", "pause-before-use count",
      "reject notice count"}},
};

std::vector<std::string> sortedWords(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    std::ranges::sort(words);
    return words;
}

class TheLadder : public ::testing::TestWithParam<std::tuple<Row, int>> {};

TEST_P(TheLadder, GivesTheActionsTheTableNames) {
    const auto& [row, level_index] = GetParam();
    Level level = static_cast<Level>(level_index);
    Contact c = alex(level);
    c.groups = row.groups;
    c.calls = row.calls;
    Engine engine(policyWith(c));

    Decision d = engine.handle(eventFrom("Alex Morgan", row.kind, row.direction),
                               momentAt("2026-11-25T14:00"));

    EXPECT_EQ(sortedWords(actionsText(d)), sortedWords(row.expected[level_index]))
        << "actions were: " << actionsText(d);
    ASSERT_TRUE(d.level.has_value());
    EXPECT_EQ(*d.level, level);
    EXPECT_EQ(d.contact, std::optional<std::size_t>{0});
}

std::string caseName(const ::testing::TestParamInfo<std::tuple<Row, int>>& info) {
    Level level = static_cast<Level>(std::get<1>(info.param));
    return std::string{std::get<0>(info.param).name} + "_" + std::string{levelName(level)};
}

INSTANTIATE_TEST_SUITE_P(EveryLevelAndKind, TheLadder,
                         ::testing::Combine(::testing::ValuesIn(kRows),
                                            ::testing::Range(0, kLevelCount)),
                         caseName);

TEST(AContactWithoutStrictness, StandsAtThePolicysDefault) {
    Policy p = policyWith(alex(std::nullopt));
    p.defaults.strictness = Level::Gentle;
    Engine engine(p);
    Decision d = engine.handle(eventFrom("Alex"), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(d.level, Level::Gentle);
    EXPECT_TRUE(d.has(Action::Nudge));
}

// What else each level means once a message is held or the person reaches out, level by level:
// open, gentle, pause, firm, strict.
struct LevelRow {
    Level level;
    int reach_20s, reach_3s, call_20s, call_3s;  // pause: 20 s and 3 s in the policy
    bool reopened_at_start, offered_at_digest;
};

constexpr LevelRow kLevelRows[] = {
    {Level::Open, 20, 3, 10, 3, false, true},    {Level::Gentle, 20, 3, 10, 3, false, true},
    {Level::Pause, 20, 3, 10, 3, true, true},    {Level::Firm, 40, 6, 10, 6, false, true},
    {Level::Strict, 40, 6, 10, 6, false, false},
};

TEST(EachLevel, HasItsBreathBeforeReachingOutAndBeforeACall) {
    for (const LevelRow& row : kLevelRows) {
        SCOPED_TRACE(std::string(levelName(row.level)));
        EXPECT_EQ(reachPause(Seconds{20}, row.level), Seconds{row.reach_20s});
        EXPECT_EQ(reachPause(Seconds{3}, row.level), Seconds{row.reach_3s});
        EXPECT_EQ(callPause(Seconds{20}, row.level), Seconds{row.call_20s});
        EXPECT_EQ(callPause(Seconds{3}, row.level), Seconds{row.call_3s});
    }
    // No level known (a contact the engine has not placed): the policy's pause as it is.
    EXPECT_EQ(reachPause(Seconds{20}, std::nullopt), Seconds{20});
    EXPECT_EQ(callPause(Seconds{20}, std::nullopt), kCallPause);
}

TEST(EachLevel, SaysWhetherItsWaitingMessagesComeBackAtStartAndAtADigest) {
    for (const LevelRow& row : kLevelRows) {
        SCOPED_TRACE(std::string(levelName(row.level)));
        EXPECT_EQ(pauseReopenedAtStart(row.level), row.reopened_at_start);
        EXPECT_EQ(offeredAtDigest(row.level), row.offered_at_digest);
    }
}

// A decision at `level` with `actions`, and the rest of a decision set, so that a function that
// built a new one would be caught.
Decision decided(Level level, std::vector<Action> actions) {
    Decision d;
    d.contact = 3;
    d.level = level;
    d.actions = std::move(actions);
    d.wake_at.atUtc(SysTime{std::chrono::seconds{1'800'000'000}});
    d.why = "Alex is at pause.";
    d.snoozed = true;
    return d;
}

void expectSameButActions(const Decision& after, const Decision& before) {
    EXPECT_EQ(after.contact, before.contact);
    EXPECT_EQ(after.level, before.level);
    EXPECT_EQ(after.wake_at.utc, before.wake_at.utc);
    EXPECT_EQ(after.why, before.why);
    EXPECT_EQ(after.snoozed, before.snoozed);
}

TEST(ADecision, ThatStaysInViewKeepsNoPauseOverAWithheldMessageAndChangesNothingElse) {
    using A = Action;
    struct {
        Level level;
        std::vector<Action> in, out;
    } const rows[] = {
        // Messages: the pause goes with the withholding it was over.
        {Level::Pause, {A::Withhold, A::Pause, A::Count}, {A::Withhold, A::Count}},
        {Level::Firm,
         {A::Withhold, A::HoldForDigest, A::Count},
         {A::Withhold, A::HoldForDigest, A::Count}},
        {Level::Strict,
         {A::Withhold, A::HoldStrict, A::Count},
         {A::Withhold, A::HoldStrict, A::Count}},
        {Level::Gentle, {A::Show, A::Count, A::Nudge}, {A::Show, A::Count, A::Nudge}},
        // A call's pause (Answer / Let it ring) is not over a withheld message: it stays.
        {Level::Pause, {A::Silence, A::Pause, A::Count}, {A::Silence, A::Pause, A::Count}},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(std::string(levelName(row.level)));
        const Decision before = decided(row.level, row.in);
        const Decision after = stayingInView(before);
        EXPECT_EQ(after.actions, row.out);
        expectSameButActions(after, before);
    }
    // The ladder's own rows say the same.
    EXPECT_EQ(stayingInView(decided(Level::Pause, incomingActions(Level::Pause))).actions,
              (std::vector<Action>{A::Withhold, A::Count}));
    EXPECT_EQ(
        stayingInView(decided(Level::Pause, callActions(Level::Pause, CallRule::Auto))).actions,
        callActions(Level::Pause, CallRule::Auto));
}

TEST(ADecision, AboutAMessageShownBeforeItsAnswerIsJournaledAsShownNeverAsHeld) {
    for (const LevelRow& row : kLevelRows) {
        SCOPED_TRACE(std::string(levelName(row.level)));
        const Decision before = decided(row.level, incomingActions(row.level));
        const Decision after = shownAnyway(before);
        EXPECT_EQ(after.actions, (std::vector<Action>{Action::Show, Action::Count}));
        expectSameButActions(after, before);
    }
}

}  // namespace
}  // namespace nocontact::policy
