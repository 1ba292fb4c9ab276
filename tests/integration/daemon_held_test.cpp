// SPDX-License-Identifier: GPL-3.0-or-later
// Kept messages through the real nocontactd and the real nocontactctl: `held`, `read` (after
// the terminal pause, or let go with Ctrl-C) and `let-go`.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::DaemonTest;
using namespace std::chrono_literals;

// Strict: kept without a pause, reachable only through `nocontactctl read`.
const std::string kStrictPolicy = nocontact::testing::alexPolicy("strict");

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class DaemonHeld : public DaemonTest {
  protected:
    struct Run {
        int status = -1;
        std::string out, err;
    };

    // Starts nocontactctl on the test's bus, its output in files.
    pid_t spawnCtl(const std::vector<std::string>& args) {
        out_ = dir_ + "/out";
        err_ = dir_ + "/err";
        pid_t pid = fork();
        if (pid == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(o, STDOUT_FILENO);
            dup2(e, STDERR_FILENO);
            std::vector<char*> argv{const_cast<char*>(NOCONTACTCTL)};
            for (const auto& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(NOCONTACTCTL, argv.data());
            _exit(127);
        }
        return pid;
    }

    // Waits for it to end, driving this process's connections meanwhile.
    Run finish(pid_t pid) {
        Run run;
        int status = 0;
        bool done = waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 20s);
        if (!done) kill(pid, SIGKILL);
        run.status = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.out = slurp(out_);
        run.err = slurp(err_);
        return run;
    }

    Run ctl(const std::vector<std::string>& args) { return finish(spawnCtl(args)); }

    nlohmann::json held() {
        Run run = ctl({"held", "--json"});
        EXPECT_EQ(run.status, 0) << run.err;
        auto list = nlohmann::json::parse(run.out, nullptr, false);
        return list.is_discarded() ? nlohmann::json::array() : list;
    }

    void SetUp() override {
        char tmpl[] = "/tmp/nocontactctl-test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        DaemonTest::TearDown();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string dir_, out_, err_;
};

TEST_F(DaemonHeld, ListsAKeptMessageWithoutItsText) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "a message kept at strict"))));
    auto list = held();
    ASSERT_EQ(list.size(), 1u) << list.dump();
    EXPECT_EQ(list[0]["contact"], "Alex");
    EXPECT_EQ(list[0]["app"], "Signal");
    EXPECT_EQ(list[0]["state"], "held");
    EXPECT_TRUE(list[0]["id"].is_number_integer());
    EXPECT_TRUE(list[0]["received"].is_string());
    EXPECT_EQ(list.dump().find("kept at strict"), std::string::npos) << "no text in the list";
}

TEST_F(DaemonHeld, ReadsAMessageAfterTheTerminalPause) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "read me when you are ready"))));
    Run run = ctl({"read", "Alex"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("Take a breath"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("read me when you are ready"), std::string::npos) << run.out;
    EXPECT_TRUE(held().empty()) << "a read message no longer waits";
}

TEST_F(DaemonHeld, LetsTheMessageGoWhenThePersonPressesCtrlC) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "maybe not tonight"))));
    pid_t pid = spawnCtl({"read", "Alex"});
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("Ctrl-C") != std::string::npos; }, 10s));
    kill(pid, SIGINT);
    Run run = finish(pid);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out.find("maybe not tonight"), std::string::npos) << "let go: never shown";
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "let_go");
}

TEST_F(DaemonHeld, LetsAMessageGoByIdAndSaysWhenNothingWaits) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one to let go by id"))));
    std::string id = std::to_string(held()[0]["id"].get<std::int64_t>());
    Run run = ctl({"let-go", id});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(held()[0]["state"], "let_go");
    Run again = ctl({"let-go", id});
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.err.find("Nothing is waiting"), std::string::npos) << again.err;
}

const std::string kPausePolicy = nocontact::testing::alexPolicy("pause");

class DaemonChanges : public DaemonHeld {
  protected:
    // Sends a message from Alex and waits until the daemon has judged it (Intervened).
    std::uint32_t judged(const std::string& body) {
        std::size_t before = client_->intervened.size();
        std::uint32_t id = idOf(signalFrom("Alex Morgan", body));
        EXPECT_TRUE(waitFor([&] { return client_->intervened.size() > before; }));
        return id;
    }
};

TEST_F(DaemonChanges, SoftenLetsMessagesThroughUntilChangedAndSurvivesARestart) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"soften", "Alex", "--to", "open", "--note", "we are sorting out the car"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("softened"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("without judgement"), std::string::npos) << run.out;
    std::uint32_t id = judged("about the car");
    EXPECT_EQ(closesOf(id), 0) << "softened to open: shown";

    daemon_->kill9();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    std::uint32_t after = judged("about the car, after a restart");
    EXPECT_EQ(closesOf(after), 0) << "the change did not survive the restart";
}

TEST_F(DaemonChanges, FinalStrawMakesItStrictFromToday) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"final-straw", "Alex", "--note", "that was the last time"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("strict"), std::string::npos) << run.out;
    ASSERT_TRUE(waitWithheld(judged("one more try")));
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "held");
}

TEST_F(DaemonChanges, SnoozeNeedsADurationAndThenRests) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    EXPECT_EQ(ctl({"snooze"}).status, 2) << "a snooze without a duration is a usage error";
    EXPECT_EQ(ctl({"snooze", "soon"}).status, 2);
    Run run = ctl({"snooze", "1h"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("Snoozed until"), std::string::npos) << run.out;
    EXPECT_EQ(closesOf(judged("during the snooze")), 0);
}

TEST_F(DaemonChanges, SaysKindlyWhenTheContactIsUnknown) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"soften", "Jordan"});
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("There is no contact called 'Jordan'"), std::string::npos) << run.err;
    EXPECT_EQ(ctl({"note", "Alex", "I went for a long walk instead"}).status, 0);
}

}  // namespace
