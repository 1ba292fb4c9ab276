// SPDX-License-Identifier: GPL-3.0-or-later
// Kept messages through the real nocontactd and the real nocontactctl: `held`, `read` (after
// the terminal pause, or let go with Ctrl-C) and `let-go`; what `status` says of the GNOME
// Shell extension.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_held.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::slurp;
using namespace std::chrono_literals;

using nocontact::testing::DaemonChanges;
using nocontact::testing::DaemonHeld;
using nocontact::testing::DaemonJournal;
using nocontact::testing::dayOfAlexsSpace;
using nocontact::testing::kPausePolicy;
using nocontact::testing::kStrictPolicy;
using nocontact::testing::lastPauseBody;

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

TEST_F(DaemonHeld, ChangesNothingWhenThePersonPressesCtrlC) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "maybe not tonight"))));
    pid_t pid = spawnCtl({"read", "Alex"});
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("Ctrl-C") != std::string::npos; }, 10s));
    kill(pid, SIGINT);
    Run run = finish(pid);
    EXPECT_EQ(run.status, 130) << run.err;
    EXPECT_NE(run.err.find("Nothing changed"), std::string::npos) << run.err;
    EXPECT_EQ(run.out.find("maybe not tonight"), std::string::npos) << "not shown";
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "held") << "still waiting, as before";
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

// The API refuses every other user (DESIGN.md §6): another uid on the same bus, here nobody
// (65534) through setpriv, gets AccessDenied for Status, and for reading a kept message.
TEST_F(DaemonHeld, RefusesAnotherUser) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "not for anyone else"))));
    ASSERT_EQ(chmod(bus_.dir().c_str(), 0711), 0);  // the socket, reachable; nothing listed
    auto asNobody = [&](std::vector<std::string> args) {
        std::vector<std::string> all = {"--reuid=65534", "--regid=65534", "--clear-groups",
                                        NOCONTACTCTL};
        all.insert(all.end(), args.begin(), args.end());
        return finish(spawn("/usr/bin/setpriv", all));
    };
    for (auto args : {std::vector<std::string>{"status"}, {"held", "--json"}, {"read", "Alex"}}) {
        Run run = asNobody(args);
        EXPECT_EQ(run.status, 1) << args[0] << ": " << run.out << run.err;
        EXPECT_NE(run.err.find("Only the user who runs nocontact can talk to it."),
                  std::string::npos)
            << args[0] << ": " << run.err;
        EXPECT_EQ(run.out.find("not for anyone else"), std::string::npos);
    }
    ASSERT_EQ(held().size(), 1u) << "still kept, for its owner";
}
// nocontactctl status and the GNOME Shell extension, asked directly on the test's bus.
class StatusOfTheExtension : public DaemonHeld {
  protected:
    void TearDown() override {
        if (extension_) extension_->leaveEventLoop();
        object_.reset();
        extension_.reset();
        DaemonHeld::TearDown();
    }
    // Plays the enabled extension: owns its name and, when `answering`, serves its properties
    // from a thread of its own, as GNOME Shell serves them from its main loop.
    void enableExtension(bool answering) {
        extension_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        if (answering) {
            object_ = nocontact::dbus::sd::object(*extension_, "/org/nocontact/ShellExtension1");
            nocontact::dbus::sd::Interface(*object_, "org.nocontact.ShellExtension1")
                .property("Version", [] { return std::uint32_t{1}; })
                .property("ShellVersion", [] { return std::string("48.7"); })
                .property("Uuid", [] { return std::string("nocontact45@nocontact.org"); })
                .done();
            nocontact::dbus::sd::finishObject(*object_);
            extension_->enterEventLoopAsync();
        }
        nocontact::dbus::sd::requestName(*extension_, "org.nocontact.ShellExtension1");
    }
    std::unique_ptr<sdbus::IConnection> extension_;
    std::unique_ptr<sdbus::IObject> object_;
};

TEST_F(StatusOfTheExtension, NamesTheExtensionItsVersionAndThatItAnswers) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(enableExtension(true));
    Run run = ctl({"status"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("GNOME Shell extension: nocontact45@nocontact.org, version 1, on GNOME "
                           "Shell 48.7; it answers."),
              std::string::npos)
        << run.out;
    auto s = nlohmann::json::parse(ctl({"status", "--json"}).out, nullptr, false);
    EXPECT_EQ(s["shell_extension"], (nlohmann::json{{"uuid", "nocontact45@nocontact.org"},
                                                    {"version", 1},
                                                    {"shell_version", "48.7"},
                                                    {"answers", true}}))
        << s.dump(1);
}

TEST_F(StatusOfTheExtension, SaysWhenTheExtensionRunsButDoesNotAnswer) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(enableExtension(false));  // owns the name, answers nothing
    Run run = ctl({"status"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("GNOME Shell extension: running, but it did not answer"),
              std::string::npos)
        << run.out;
}

TEST_F(StatusOfTheExtension, SaysNothingOfAnExtensionWhenNoneRuns) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    Run run = ctl({"status"});
    EXPECT_EQ(run.out.find("GNOME Shell extension:"), std::string::npos) << run.out;
    auto s = nlohmann::json::parse(ctl({"status", "--json"}).out, nullptr, false);
    EXPECT_TRUE(s["shell_extension"].is_null()) << s.dump(1);
}

}  // namespace
