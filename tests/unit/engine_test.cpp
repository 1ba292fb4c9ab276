// SPDX-License-Identifier: GPL-3.0-or-later
// The engine: overrides, schedules, snooze, reaching out, strangers and the sentences.
#include <gtest/gtest.h>

#include "engine_fixtures.hpp"

namespace nocontact::policy {
namespace {

using namespace testing;
using std::chrono::hours;
using std::chrono::minutes;

Override change(Override::Type type, std::optional<Level> to, const Moment& start,
                std::optional<SysTime> until = std::nullopt, std::string note = "") {
    Override o;
    o.type = type;
    o.contact = "Alex";
    o.to = to;
    o.start = start.utc;
    o.until = until;
    o.note = std::move(note);
    return o;
}

Override snoozeFor(const Moment& start, hours h) {
    Override o;
    o.type = Override::Type::Snooze;
    o.start = start.utc;
    o.until = start.utc + h;
    return o;
}

Policy lateNightPolicy(std::optional<Level> level = Level::Firm) {
    Policy p = policyWith(alex(level));
    p.schedules.push_back(lateNight());
    return p;
}

TEST(ADecision, NamesItsMostTellingAction) {
    Decision d;
    d.actions = {Action::Withhold, Action::Pause, Action::Count};
    EXPECT_EQ(d.primary(), Action::Pause);
    d.actions = {Action::Silence, Action::Reject, Action::Count};
    EXPECT_EQ(d.primary(), Action::Reject);
    d.actions = {Action::Count};
    EXPECT_EQ(d.primary(), Action::Count);
    EXPECT_TRUE(d.has(Action::Count));
    EXPECT_FALSE(d.has(Action::Show));
}

TEST(ActionNames, AreLowerCaseAndDashed) {
    EXPECT_EQ(actionName(Action::HoldForDigest), "hold-for-digest");
    EXPECT_EQ(actionName(Action::PauseBeforeUse), "pause-before-use");
    EXPECT_EQ(actionName(Action::HoldStrict), "hold-strict");
    EXPECT_EQ(actionName(Action::Show), "show");
}

TEST(AStranger, IsLeftAlone) {
    Engine engine(policyWith(alex()));
    Decision d = engine.handle(eventFrom("Alexandra"), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(actionsText(d), "show");
    EXPECT_FALSE(d.level.has_value());
    EXPECT_FALSE(d.contact.has_value());
    EXPECT_EQ(d.why, "Not from anyone in your policy.");
}

TEST(AHiddenSender, IsLeftAloneAndSaysWhy) {
    Engine engine(policyWith(alex()));
    Decision d = engine.handle(eventFrom(""), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(actionsText(d), "show");
    EXPECT_EQ(d.why, "The app hid who this is from, so it is left alone.");
}

TEST(AContactAtTheDefault, IsExplainedAsTheDefault) {
    Engine engine(policyWith(alex(std::nullopt)));
    Decision d = engine.handle(eventFrom("Alex Morgan"), momentAt("2026-11-25T14:00"));
    EXPECT_TRUE(d.why.starts_with("Alex: pause (the policy's default). Recognised by ")) << d.why;
    EXPECT_TRUE(d.wake_at.empty());
}

TEST(AFirmContact, IsHeldUntilTheNextDigest) {
    Engine engine(policyWith(alex(Level::Firm)));
    Decision d = engine.handle(eventFrom("Alex"), momentAt("2026-11-25T19:30"));
    EXPECT_EQ(d.primary(), Action::HoldForDigest);
    EXPECT_EQ(d.wake_at.local, localAt("2026-11-26T08:30"));
}

TEST(ALateNightSchedule, RaisesFirmToStrictAndSaysUntilWhen) {
    Engine engine(lateNightPolicy());
    Explained ex = engine.explain(0, momentAt("2026-11-27T23:10"));
    EXPECT_EQ(ex.level, Level::Strict);
    EXPECT_EQ(ex.why,
              "Alex: firm (policy), raised to strict by 'late night' until tomorrow 06:00.");
    EXPECT_EQ(ex.changes_at.local, localAt("2026-11-28T06:00"));
}

TEST(ASoften, SetsSchedulesAsideAndSaysSo) {
    Engine engine(lateNightPolicy());
    Moment now = momentAt("2026-11-27T21:00");
    engine.addOverride(change(Override::Type::Soften, Level::Gentle, now, now.utc + hours{2},
                              "talking about the car"));
    Explained ex = engine.explain(0, momentAt("2026-11-27T22:30"));
    EXPECT_EQ(ex.level, Level::Gentle);
    EXPECT_EQ(ex.why,
              "Alex: softened to gentle until 23:00 (the policy says firm) — 'talking about "
              "the car'; schedules are set aside while softened.");
    EXPECT_EQ(ex.changes_at.utc, now.utc + hours{2});
    EXPECT_FALSE(ex.changes_at.local.has_value());
}

TEST(ASoften, StepsDownOneRungByDefaultAndExpires) {
    Engine engine(policyWith(alex(Level::Firm)));
    Moment now = momentAt("2026-11-25T14:00");
    engine.addOverride(change(Override::Type::Soften, std::nullopt, now, now.utc + hours{1}));
    EXPECT_EQ(engine.explain(0, momentAt("2026-11-25T14:59")).level, Level::Pause);
    EXPECT_EQ(engine.explain(0, momentAt("2026-11-25T15:00")).level, Level::Firm);
}

TEST(AHarden, KeepsSchedulesRaisingOnTopOfIt) {
    Engine engine(lateNightPolicy(Level::Gentle));
    Moment now = momentAt("2026-11-27T21:00");
    engine.addOverride(change(Override::Type::Harden, std::nullopt, now));
    Explained ex = engine.explain(0, momentAt("2026-11-27T23:00"));
    EXPECT_EQ(ex.level, Level::Firm);
    EXPECT_EQ(ex.why,
              "Alex: hardened to pause until you change it (the policy says gentle), raised to "
              "firm by 'late night' until tomorrow 06:00.");
}

TEST(AChange, SaysTheDayWhenItDoesNotEndToday) {
    Engine engine(policyWith(alex(Level::Pause)));
    Moment now = momentAt("2026-11-25T23:20");
    engine.addOverride(change(Override::Type::Soften, Level::Gentle, now, now.utc + hours{24}));
    EXPECT_EQ(engine.explain(0, now).why,
              "Alex: softened to gentle until tomorrow 23:20 (the policy says pause).");
    engine.addOverride(change(Override::Type::Soften, Level::Gentle, now, now.utc + hours{48}));
    EXPECT_EQ(engine.explain(0, now).why,
              "Alex: softened to gentle until 2026-11-27 23:20 (the policy says pause).");
    engine.addOverride(change(Override::Type::Soften, Level::Gentle, now, now.utc + minutes{30}));
    EXPECT_EQ(engine.explain(0, now).why,
              "Alex: softened to gentle until 23:50 (the policy says pause).");
}

TEST(AChange, StillSaysWhatAnEditedPolicySays) {
    Moment now = momentAt("2026-11-25T14:00");
    Engine before(policyWith(alex(Level::Pause)));
    before.addOverride(change(Override::Type::Soften, Level::Gentle, now));
    Engine edited(policyWith(alex(Level::Firm)));  // a reload re-adds the person's changes
    for (const Override& o : before.overrides())
        edited.addOverride(o);
    Explained ex = edited.explain(0, now);
    EXPECT_EQ(ex.level, Level::Gentle);
    EXPECT_TRUE(ex.changed);
    EXPECT_EQ(ex.why, "Alex: softened to gentle until you change it (the policy says firm).");
}

TEST(AReset, DropsThePersonsChangeAndLeavesTheSnooze) {
    Engine engine(lateNightPolicy(Level::Firm));
    Moment now = momentAt("2026-11-25T23:00");
    engine.addOverride(change(Override::Type::Soften, Level::Open, now));
    engine.addOverride(snoozeFor(now, hours{1}));
    EXPECT_TRUE(engine.removeChange("alex")) << "names as a person types them";
    EXPECT_FALSE(engine.removeChange("Alex")) << "nothing left to undo";
    EXPECT_FALSE(engine.explain(0, now).changed);
    EXPECT_EQ(engine.ownLevel(0, now), Level::Strict) << "back to the policy and its schedule";
    EXPECT_NE(engine.activeSnooze(now), nullptr);
}

TEST(ASnooze, EndsEarlyWhenThePersonSaysSo) {
    Engine engine(policyWith(alex(Level::Pause)));
    Moment now = momentAt("2026-11-25T15:00");
    engine.addOverride(snoozeFor(now, hours{3}));
    engine.addOverride(change(Override::Type::Harden, Level::Firm, now));
    EXPECT_EQ(engine.explain(0, now).level, Level::Open);
    EXPECT_EQ(engine.ownLevel(0, now), Level::Firm) << "a snooze aside";
    EXPECT_TRUE(engine.endSnooze(now));
    EXPECT_FALSE(engine.endSnooze(now));
    EXPECT_EQ(engine.explain(0, now).level, Level::Firm) << "the person's change stays";
}

TEST(ALaterOverride, ReplacesTheEarlierOneForTheSameContact) {
    Engine engine(policyWith(alex(Level::Pause)));
    Moment now = momentAt("2026-11-25T14:00");
    engine.addOverride(change(Override::Type::Harden, Level::Strict, now));
    engine.addOverride(change(Override::Type::Soften, Level::Open, now));
    EXPECT_EQ(engine.overrides().size(), 1u);
    EXPECT_EQ(engine.explain(0, now).level, Level::Open);
}

TEST(TheFinalStraw, MakesTheContactStrictAndRestartsTheDayCount) {
    Engine engine(lateNightPolicy(Level::Gentle));
    Moment then = momentAt("2026-11-20T10:00");
    EXPECT_EQ(engine.dayCount(0, then), 711);  // since 2024-12-10
    Override o = change(Override::Type::FinalStraw, std::nullopt, then);
    o.since = parseDate("2026-11-20");
    engine.addOverride(o);
    Moment later = momentAt("2026-11-27T23:30");
    Explained ex = engine.explain(0, later);
    EXPECT_EQ(ex.level, Level::Strict);
    EXPECT_EQ(ex.why, "Alex: strict since the final straw on 2026-11-20.");
    EXPECT_EQ(engine.dayCount(0, then), 1);
    EXPECT_EQ(engine.dayCount(0, later), 8);
    EXPECT_TRUE(ex.changes_at.empty());
}

TEST(TheDayCount, CountsLocalDatesWithTheFirstDayAsDayOne) {
    Engine engine(policyWith(alex()));
    EXPECT_EQ(engine.dayCount(0, momentAt("2024-12-10T00:00")), 1);
    EXPECT_EQ(engine.dayCount(0, momentAt("2024-12-10T23:59")), 1);
    EXPECT_EQ(engine.dayCount(0, momentAt("2024-12-11T00:00")), 2);
    EXPECT_FALSE(engine.dayCount(0, momentAt("2024-12-09T12:00")).has_value());
}

TEST(ASnooze, TurnsEveryInterventionOffUntilItEnds) {
    Engine engine(policyWith(alex(Level::Strict)));
    Moment now = momentAt("2026-11-25T15:00");
    engine.addOverride(snoozeFor(now, hours{3}));
    Decision d = engine.handle(eventFrom("Alex", Kind::Call), momentAt("2026-11-25T16:00"));
    EXPECT_EQ(actionsText(d), "show count");
    EXPECT_TRUE(d.why.starts_with("Snoozed until 18:00 — nocontact is resting.")) << d.why;
    EXPECT_EQ(d.wake_at.utc, now.utc + hours{3});
    Decision after = engine.handle(eventFrom("Alex"), momentAt("2026-11-25T18:00"));
    EXPECT_EQ(after.primary(), Action::HoldStrict);
}

TEST(ReachingOut, PausesAtFirmAndFreezesTheApp) {
    Engine engine(policyWith(alex(Level::Firm)));
    Decision d = engine.handle(appLaunch(), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(actionsText(d), "pause-before-use count freeze");
    EXPECT_EQ(d.contact, std::optional<std::size_t>{0});
    EXPECT_EQ(d.level, Level::Firm);
}

TEST(ReachingOut, DoesNotFreezeBelowFirmEvenWhenItPauses) {
    Policy p = policyWith(alex(Level::Pause));
    p.reaching_out.from = Level::Pause;
    Engine engine(p);
    Decision d = engine.handle(appLaunch(), momentAt("2026-11-25T14:00"));
    EXPECT_TRUE(d.has(Action::PauseBeforeUse));
    EXPECT_FALSE(d.has(Action::Freeze));
}

TEST(ReachingOut, DoesNotFreezeWhenFreezeIsOff) {
    Policy p = policyWith(alex(Level::Strict));
    p.reaching_out.freeze = false;
    Engine engine(p);
    EXPECT_EQ(actionsText(engine.handle(appLaunch(), momentAt("2026-11-25T14:00"))),
              "pause-before-use count");
}

TEST(ReachingOut, OnlyCountsBelowTheLevelItStartsAt) {
    Engine engine(policyWith(alex(Level::Pause)));
    EXPECT_EQ(actionsText(engine.handle(appLaunch(), momentAt("2026-11-25T14:00"))), "count");
    Engine gentle(policyWith(alex(Level::Gentle)));
    EXPECT_EQ(actionsText(gentle.handle(appLaunch(), momentAt("2026-11-25T14:00"))), "count nudge");
}

TEST(ReachingOut, IsJudgedByTheStrictestContact) {
    Policy p = policyWith(alex(Level::Gentle));
    Contact sam = alex(Level::Strict);
    sam.name = "Sam";
    sam.names = {"Sam"};
    sam.phones = {};
    sam.emails = {};
    p.contacts.push_back(sam);
    Engine engine(p);
    Decision d = engine.handle(appLaunch(), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(d.contact, std::optional<std::size_t>{1});
    EXPECT_EQ(d.level, Level::Strict);
    EXPECT_NE(d.why.find("Sam: strict (policy)."), std::string::npos);
}

TEST(ReachingOut, DoesNotPauseTwiceForTheSameAppWithinTheGrace) {
    Engine engine(policyWith(alex(Level::Firm)));
    Moment first = momentAt("2026-11-25T14:00");
    EXPECT_TRUE(engine.handle(appLaunch(), first).has(Action::PauseBeforeUse));
    Event signal = appLaunch();
    signal.sender = "Signal";
    Decision again = engine.handle(signal, momentAt("2026-11-25T14:04"));
    EXPECT_EQ(actionsText(again), "count");
    EXPECT_EQ(again.why, "You paused for Signal 4 minutes ago; no second pause.");
    EXPECT_EQ(again.wake_at.utc, first.utc + minutes{10});
    EXPECT_TRUE(engine.handle(appLaunch("telegram"), momentAt("2026-11-25T14:05"))
                    .has(Action::PauseBeforeUse));
    EXPECT_TRUE(
        engine.handle(appLaunch(), momentAt("2026-11-25T14:10")).has(Action::PauseBeforeUse));
}

TEST(ReachingOut, WithNoContactsOpensFreely) {
    Engine engine(Policy{});
    Decision d = engine.handle(appLaunch(), momentAt("2026-11-25T14:00"));
    EXPECT_EQ(actionsText(d), "show count");
    EXPECT_FALSE(d.contact.has_value());
}

TEST(AnOutgoingCall, IsEndedKindlyAtStrict) {
    Engine engine(policyWith(alex(Level::Strict)));
    Decision d = engine.handle(eventFrom("Alex", Kind::Call, Direction::Outgoing),
                               momentAt("2026-11-25T14:00"));
    EXPECT_EQ(d.primary(), Action::Reject);
    EXPECT_TRUE(d.has(Action::Notice));
}

// A call the daemon decided about, noted as one call that rang.
Decision ring(Engine& engine, const char* at) {
    Decision d = engine.handle(eventFrom("Alex", Kind::Call), momentAt(at));
    if (d.contact) engine.noteCall(*d.contact, momentAt(at));
    return d;
}

TEST(ARepeatCall, NeverBreaksThroughUnlessTheContactAllowsIt) {
    Engine engine(policyWith(alex(Level::Strict)));
    EXPECT_EQ(ring(engine, "2026-11-25T01:00").primary(), Action::Reject);
    EXPECT_EQ(actionsText(ring(engine, "2026-11-25T01:03")), "reject count");
}

TEST(ARepeatCall, RingsWithin15MinutesWhenTheContactAllowsIt) {
    Contact c = alex(Level::Strict);
    c.repeat_calls_break_through = true;
    Engine engine(policyWith(c));
    EXPECT_EQ(ring(engine, "2026-11-25T01:00").primary(), Action::Reject);
    Decision again = ring(engine, "2026-11-25T01:14");
    EXPECT_EQ(actionsText(again), "ring count");
    EXPECT_NE(again.why.find("repeat_calls_break_through"), std::string::npos) << again.why;
    // Not a repeat: the last call was more than 15 minutes before.
    EXPECT_EQ(actionsText(ring(engine, "2026-11-25T01:30")), "reject count");
}

TEST(ARepeatCall, IsNotOneCallDecidedTwice) {
    Contact c = alex(Level::Strict);
    c.repeat_calls_break_through = true;
    Engine engine(policyWith(c));
    Moment first = momentAt("2026-11-25T01:00");
    Decision d = engine.handle(eventFrom("Alex", Kind::Call), first);
    engine.noteCall(*d.contact, first);
    // The same call again (its desktop copy), a moment later: not a second call.
    Moment copy{first.utc + std::chrono::seconds(1), first.local + std::chrono::seconds(1)};
    EXPECT_EQ(engine.handle(eventFrom("Alex", Kind::Call), copy).primary(), Action::Reject);
    // Deciding alone notes nothing: without noteCall no call is a repeat.
    Engine fresh(policyWith(c));
    fresh.handle(eventFrom("Alex", Kind::Call), first);
    EXPECT_EQ(fresh.handle(eventFrom("Alex", Kind::Call), momentAt("2026-11-25T01:05")).primary(),
              Action::Reject);
}

TEST(ARepeatCall, IsNotMadeByMessagesOrOutgoingCalls) {
    Contact c = alex(Level::Strict);
    c.repeat_calls_break_through = true;
    Engine engine(policyWith(c));
    engine.handle(eventFrom("Alex"), momentAt("2026-11-25T01:00"));
    engine.handle(eventFrom("Alex", Kind::Call, Direction::Outgoing), momentAt("2026-11-25T01:01"));
    EXPECT_EQ(ring(engine, "2026-11-25T01:02").primary(), Action::Reject);
}

}  // namespace
}  // namespace nocontact::policy
