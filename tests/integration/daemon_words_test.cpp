// SPDX-License-Identifier: GPL-3.0-or-later
// What nocontactctl says in the terminal, through the real nocontactd: the pause before `read`
// (day count, a reason, each message's time, three explicit choices, Ctrl-C changing nothing),
// `status` (other apps' notifications only, what is not followed, day counts, bus errors in
// words) and `explain` with the person's live changes.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::field;
using nocontact::testing::slurp;
using namespace std::chrono_literals;

const std::string kStrictPolicy = nocontact::testing::alexPolicy("strict");
const std::string kPausePolicy = nocontact::testing::alexPolicy("pause");
constexpr const char* kReason = "You asked for this space for good reasons.";

class Words : public nocontact::testing::DaemonCtl {
  protected:
    // A message from Alex, kept at strict (no pause on the desktop).
    void keepOne(const std::string& body) {
        ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", body))));
    }
    // `read Alex` with a terminal to answer in: waits for the three choices, types `answer`.
    Run readAnswering(const std::string& answer) {
        EXPECT_TRUE(stdinTerminal());
        pid_t pid = spawnCtl({"read", "Alex"});
        EXPECT_TRUE(
            waitFor([&] { return slurp(err_).find("1, 2 or 3?") != std::string::npos; }, 15s))
            << slurp(err_);
        EXPECT_TRUE(this->answer(answer));
        return finish(pid);
    }
};

TEST_F(Words, ReadShowsTheDayCountAReasonAndEachMessageWithItsTime) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(keepOne("the first of two"));
    ASSERT_NO_FATAL_FAILURE(keepOne("the second of two"));
    Run run = ctl({"read", "Alex"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(std::regex_search(run.err, std::regex("Day [0-9]+ of your space from Alex\\.")))
        << run.err;
    EXPECT_NE(run.err.find(kReason), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("2 messages from Alex"), std::string::npos) << run.err;
    // Each message under the minute it came, as its app posted it.
    std::regex message(
        "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  Signal\nAlex Morgan\n"
        "the (first|second) of two\n");
    auto count = std::distance(std::sregex_iterator(run.out.begin(), run.out.end(), message),
                               std::sregex_iterator());
    EXPECT_EQ(count, 2) << run.out;
}

TEST_F(Words, ReadAsksForOneOfThreeChoicesAndLaterKeepsItWaiting) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(keepOne("for another evening"));
    Run run = readAnswering("2");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("Read it"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("Let it go"), std::string::npos) << run.err;
    EXPECT_EQ(run.out.find("for another evening"), std::string::npos) << "not read";
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "later");
}

TEST_F(Words, ReadLetsGoOnlyWhenThatIsChosenAndAsksAgainAfterAnotherAnswer) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(keepOne("not this one"));
    ASSERT_TRUE(stdinTerminal());
    pid_t pid = spawnCtl({"read", "Alex"});
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("1, 2 or 3?") != std::string::npos; }, 15s));
    ASSERT_TRUE(answer("yes"));
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("Please answer") != std::string::npos; }));
    EXPECT_EQ(held()[0]["state"], "held") << "a word that is no choice changes nothing";
    ASSERT_TRUE(answer("3"));
    Run run = finish(pid);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out.find("not this one"), std::string::npos);
    EXPECT_EQ(held()[0]["state"], "let_go");
}

TEST_F(Words, CtrlCAtTheChoiceChangesNothing) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(keepOne("still thinking"));
    ASSERT_TRUE(stdinTerminal());
    pid_t pid = spawnCtl({"read", "Alex"});
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("1, 2 or 3?") != std::string::npos; }, 15s));
    kill(pid, SIGINT);
    Run run = finish(pid);
    EXPECT_EQ(run.status, 130) << run.err;
    EXPECT_EQ(held()[0]["state"], "held");
}

TEST_F(Words, StatusCountsOnlyOtherAppsNotifications) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_NE(idOf(notify(*app_, "Firefox", 0, "Download finished", "report.pdf", {})), 0u);
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "a message behind a pause"))));
    // The pause, then at least one of its updates as it counts down: all nocontact's own.
    auto own = [&] {
        int n = 0;
        for (const auto& c : server_->calls())
            n += c.member == "Notify" && c.app_name != "Firefox" && c.app_name != "Signal";
        return n;
    };
    ASSERT_TRUE(waitFor([&] { return own() >= 2; }, 10s)) << own();
    EXPECT_EQ(field<std::uint32_t>(status(), "seen"), 2u);
}

TEST_F(Words, StatusSaysPlainlyWhatIsNotFollowedAndEachContactsDay) {
    std::string policy = kPausePolicy + "sources: { kdeconnect: false }\n";
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy));  // and this test has no system bus
    Run run = ctl({"status"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("Not followed: calls and messages through KDE Connect, because the "
                           "policy switches it off."),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("Not followed: calls and messages through ModemManager, because "
                           "there is no system bus here."),
              std::string::npos)
        << run.out;
    EXPECT_EQ(run.out.find("the journal has every call"), std::string::npos) << run.out;
    EXPECT_TRUE(std::regex_search(run.out, std::regex("Alex: .*Day [0-9]+ of your space from "
                                                      "Alex\\.")))
        << run.out;
}

TEST_F(Words, CommandsSayInWordsThatNocontactdIsNotRunning) {
    for (auto args : {std::vector<std::string>{"status"},
                      {"held"},
                      {"read", "Alex"},
                      {"soften", "Alex"},
                      {"stats"}}) {
        Run run = ctl(args);
        EXPECT_EQ(run.status, 1) << args[0];
        EXPECT_NE(run.err.find("nocontactd is not running."), std::string::npos)
            << args[0] << ": " << run.err;
        EXPECT_EQ(run.err.find("org.freedesktop"), std::string::npos) << run.err;
    }
}

TEST_F(Words, ExplainJudgesAtTheLevelsNocontactdHasNow) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run harden = ctl({"harden", "Alex", "--to", "strict"});
    ASSERT_EQ(harden.status, 0) << harden.err;
    const std::string input = dir_ + "/notifications.jsonl";
    std::ofstream(input) << R"({"id": "one", "interface": "fdo", "args": {"app_name": "Signal", )"
                         << R"("summary": "Alex Morgan", "body": "hello"}})"
                         << "\n";
    stdinFrom(input);
    Run run = ctl({"explain", "--policy", daemon_->policyPath()});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find(R"("level":"strict")"), std::string::npos) << run.out;
    EXPECT_NE(run.err.find("with your changes for Alex"), std::string::npos) << run.err;
    // At any moment explain is asked about, an earlier one too: the change holds from then, not
    // from after explain had asked nocontactd.
    stdinFrom(input);
    Run earlier = ctl({"explain", "--policy", daemon_->policyPath(), "--at", "2026-01-05T12:00"});
    ASSERT_EQ(earlier.status, 0) << earlier.err;
    EXPECT_NE(earlier.out.find(R"("level":"strict")"), std::string::npos) << earlier.out;

    ASSERT_EQ(stopDaemon(), 0);
    Run alone = ctl({"explain", "--policy", daemon_->policyPath()});
    ASSERT_EQ(alone.status, 0) << alone.err;
    EXPECT_NE(alone.out.find(R"("level":"pause")"), std::string::npos) << alone.out;
    EXPECT_NE(alone.err.find("nocontactd is not running here"), std::string::npos) << alone.err;
}

}  // namespace
