// SPDX-License-Identifier: GPL-3.0-or-later
// The person's own changes through the real nocontactd and nocontactctl: soften and harden step
// from where the contact is now and only the way they name, reset goes back to the policy, a
// snooze can end early, durations are bounded; and a message let go stays readable by its id
// for 30 days, then is forgotten.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "daemon/journal/store.hpp"
#include "dbus/names.hpp"
#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using nocontact::testing::field;
using nocontact::testing::journal::bytesOf;
using namespace std::chrono_literals;

const std::string kPausePolicy = nocontact::testing::alexPolicy("pause");
const std::string kStrictPolicy = nocontact::testing::alexPolicy("strict");

class TheLadder : public nocontact::testing::DaemonCtl {
  protected:
    using LevelRow = sdbus::Struct<std::string, std::string, std::string>;
    // Alex's effective level, and the sentence explaining it, as status gives them.
    std::string level() { return std::get<1>(alex()); }
    std::string why() { return std::get<2>(alex()); }
    LevelRow alex() {
        auto rows = field<std::vector<LevelRow>>(status(), "levels");
        return rows.empty() ? LevelRow{} : rows.front();
    }
    // A message from Alex, and whether the daemon withheld it.
    bool withheld(const std::string& body) {
        return waitWithheld(idOf(signalFrom("Alex Morgan", body)));
    }
    // The D-Bus error name a call ends with, "" when it succeeds.
    template <typename Call>
    std::string errorOf(Call call) {
        try {
            call();
        } catch (const sdbus::Error& e) {
            return e.getName();
        }
        return "";
    }
};

TEST_F(TheLadder, RefusesTheWrongWayAndTheSameLevelKindly) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run firmer = ctl({"soften", "Alex", "--to", "strict"});
    EXPECT_EQ(firmer.status, 1) << firmer.out;
    EXPECT_NE(firmer.err.find("Alex is at pause now, and strict is firmer: soften only goes down"),
              std::string::npos)
        << firmer.err;
    EXPECT_EQ(firmer.err.find("judgement"), std::string::npos) << firmer.err;
    Run softer = ctl({"harden", "Alex", "--to", "open"});
    EXPECT_EQ(softer.status, 1) << softer.out;
    EXPECT_NE(softer.err.find("harden only goes up"), std::string::npos) << softer.err;
    Run same = ctl({"soften", "Alex", "--to", "pause"});
    EXPECT_EQ(same.status, 1) << same.out;
    EXPECT_NE(same.err.find("Alex is at pause already. Nothing was changed."), std::string::npos)
        << same.err;
    EXPECT_EQ(errorOf([&] { client_->ChangeLevel("harden", "Alex", "gentle", 0, ""); }),
              nocontact::dbus::names::kErrorInvalidArgs);
    EXPECT_EQ(level(), "pause") << "nothing changed";
    EXPECT_TRUE(withheld("still paused"));
}

TEST_F(TheLadder, StepsFromTheLevelTheContactIsAtNow) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"soften", "Alex", "--to", "gentle"}).status, 0);
    Run harden = ctl({"harden", "Alex"});
    ASSERT_EQ(harden.status, 0) << harden.err;
    EXPECT_NE(harden.out.find("Alex: hardened to pause"), std::string::npos) << harden.out;
    EXPECT_EQ(level(), "pause") << "one step up from gentle, not from the policy's pause";
    ASSERT_EQ(ctl({"harden", "Alex", "--to", "strict"}).status, 0);
    Run soften = ctl({"soften", "Alex"});
    ASSERT_EQ(soften.status, 0) << soften.err;
    EXPECT_EQ(level(), "firm") << "one step down from strict";
    ASSERT_EQ(ctl({"harden", "Alex"}).status, 0);
    Run top = ctl({"harden", "Alex"});
    EXPECT_EQ(top.status, 1);
    EXPECT_NE(top.err.find("no step up"), std::string::npos) << top.err;
}

TEST_F(TheLadder, SaysTheDayWhenAChangeEndsAnotherDay) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"soften", "Alex", "--for", "1d"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("Alex: softened to gentle until tomorrow "), std::string::npos)
        << run.out;
    Run longer = ctl({"soften", "Alex", "--to", "open", "--for", "3d"});
    ASSERT_EQ(longer.status, 0) << longer.err;
    EXPECT_NE(longer.out.find(" until 20"), std::string::npos) << "a date: " << longer.out;
}

TEST_F(TheLadder, BoundsDurationsAndKeepsNoEmptyNote) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    const std::string invalid = nocontact::dbus::names::kErrorInvalidArgs;
    EXPECT_EQ(errorOf([&] { client_->ChangeLevel("soften", "Alex", "", UINT64_MAX, ""); }),
              invalid);
    EXPECT_EQ(errorOf([&] { client_->ChangeLevel("snooze", "", "", UINT64_MAX, ""); }), invalid);
    EXPECT_EQ(errorOf([&] { client_->ChangeLevel("harden", "Alex", "", 366ull * 86400 + 1, ""); }),
              invalid);
    Run year = ctl({"snooze", "400d"});
    EXPECT_EQ(year.status, 2);
    EXPECT_NE(year.err.find("at most 366 days"), std::string::npos) << year.err;
    EXPECT_EQ(level(), "pause");
    EXPECT_EQ(field<std::int64_t>(status(), "snoozed_until"), 0);

    EXPECT_EQ(errorOf([&] { client_->AddNote("Alex", " \t "); }), invalid);
    EXPECT_EQ(errorOf([&] { client_->ChangeLevel("soften", "Alex", "", 3600, "   "); }), "");
    for (const auto& row : client_->Journal(0))
        EXPECT_NE(std::get<1>(row), "note");
}

TEST_F(TheLadder, ResetGoesBackToThePolicysLevelForGood) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"soften", "Alex", "--to", "open"}).status, 0);
    EXPECT_EQ(field<std::vector<std::string>>(status(), "changed_levels"),
              std::vector<std::string>{"Alex"});
    EXPECT_NE(ctl({"status"}).out.find("nocontactctl reset CONTACT"), std::string::npos);
    Run reset = ctl({"reset", "alex"});
    ASSERT_EQ(reset.status, 0) << reset.err;
    EXPECT_NE(reset.out.find("Alex: pause"), std::string::npos) << reset.out;
    EXPECT_EQ(level(), "pause");
    EXPECT_TRUE(field<std::vector<std::string>>(status(), "changed_levels").empty());
    EXPECT_TRUE(withheld("after the reset"));

    daemon_->kill9();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    EXPECT_EQ(level(), "pause") << "the softening did not come back with a restart";
    Run again = ctl({"reset", "Alex"});
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_NE(again.out.find("There was no change of yours for Alex to undo."), std::string::npos)
        << again.out;
    EXPECT_EQ(ctl({"reset", "Jordan"}).status, 1);
}

TEST_F(TheLadder, ResetLeavesTheFinalStrawInPlace) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"final-straw", "Alex"}).status, 0);
    Run reset = ctl({"reset", "Alex"});
    EXPECT_EQ(reset.status, 1);
    EXPECT_NE(reset.err.find("final straw"), std::string::npos) << reset.err;
    EXPECT_EQ(level(), "strict");
}

TEST_F(TheLadder, StatusSaysAChangeStillStandsOverAnEditedPolicy) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"soften", "Alex", "--to", "gentle"}).status, 0);
    daemon_->writePolicy(nocontact::testing::alexPolicy("firm"));
    ASSERT_TRUE(reload().first);
    EXPECT_EQ(level(), "gentle");
    EXPECT_NE(why().find("(the policy says firm)"), std::string::npos) << why();
    Run text = ctl({"status"});
    EXPECT_NE(text.out.find("(the policy says firm)"), std::string::npos) << text.out << text.err;
    EXPECT_NE(text.out.find("reset CONTACT"), std::string::npos) << text.out;
    ASSERT_EQ(ctl({"reset", "Alex"}).status, 0);
    EXPECT_EQ(level(), "firm");
}

TEST_F(TheLadder, ASnoozeCanEndEarly) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"snooze", "2h"}).status, 0);
    ASSERT_NE(field<std::int64_t>(status(), "snoozed_until"), 0);
    Run end = ctl({"snooze", "--end"});
    ASSERT_EQ(end.status, 0) << end.err;
    EXPECT_NE(end.out.find("The snooze is over"), std::string::npos) << end.out;
    EXPECT_EQ(field<std::int64_t>(status(), "snoozed_until"), 0);
    EXPECT_TRUE(withheld("after the snooze"));
    daemon_->kill9();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    EXPECT_EQ(field<std::int64_t>(status(), "snoozed_until"), 0) << "ended for good";
    Run none = ctl({"snooze", "--end"});
    EXPECT_EQ(none.status, 0);
    EXPECT_NE(none.out.find("was not snoozed"), std::string::npos) << none.out;
    EXPECT_EQ(ctl({"snooze", "--end", "1h"}).status, 2) << "one or the other";
}

using ALetGoMessage = TheLadder;

TEST_F(ALetGoMessage, StaysReadableByItsId) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(withheld("I changed my mind about this one"));
    const std::string id = std::to_string(held()[0]["id"].get<std::int64_t>());
    ASSERT_EQ(ctl({"let-go", id}).status, 0);
    EXPECT_TRUE(held(false).empty()) << "plain `held` lists what waits";
    auto all = held();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0]["state"], "let_go");
    EXPECT_NE(ctl({"held", "--all"}).out.find("read by its id for 30 days"), std::string::npos);
    EXPECT_EQ(ctl({"read", "Alex"}).status, 1) << "a name means what waits";

    Run read = ctl({"read", id});
    ASSERT_EQ(read.status, 0) << read.err;
    EXPECT_NE(read.out.find("I changed my mind about this one"), std::string::npos) << read.out;
    EXPECT_TRUE(held().empty()) << "read: its text has left the journal";
    EXPECT_EQ(errorOf([&] { client_->ReadHeld(std::stoll(id)); }),
              nocontact::dbus::names::kErrorNotFound);
}

// Sets every let-go message's time back `days`, as if it had been let go that long ago, through
// a connection of the test's own to the running daemon's journal.
void letGoDaysAgo(const std::string& file, int days) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    const std::string sql = "UPDATE held SET let_go_utc = let_go_utc - " +
                            std::to_string(days * 86400) + " WHERE state = 'let_go'";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
}

TEST_F(ALetGoMessage, IsForgottenThirtyDaysAfterItWasLetGo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(withheld("gone after a month"));
    ASSERT_TRUE(withheld("let go only now"));
    ASSERT_EQ(ctl({"let-go", "Alex"}).status, 0);
    const std::string file = daemon_->stateDir() + "/" + nocontact::daemon::kJournalFileName;
    ASSERT_NO_FATAL_FAILURE(letGoDaysAgo(file, nocontact::daemon::kLetGoKeepDays - 1));
    ASSERT_EQ(held().size(), 2u) << "29 days: both still kept";
    const std::string id = std::to_string(held()[0]["id"].get<std::int64_t>());
    ASSERT_NO_FATAL_FAILURE(letGoDaysAgo(file, 1));

    EXPECT_TRUE(held().empty()) << "30 days: forgotten while the daemon runs";
    Run read = ctl({"read", id});
    EXPECT_EQ(read.status, 1);
    EXPECT_EQ(read.out.find("gone after a month"), std::string::npos);
    for (const char* suffix : {"", "-wal"}) {
        EXPECT_EQ(bytesOf(file + suffix).find("gone after a month"), std::string::npos) << suffix;
    }
}

}  // namespace
