// SPDX-License-Identifier: GPL-3.0-or-later
// `nocontactctl status` on xfce4-notifyd: when its log is on, status says that it writes each
// notification's text there and how to keep nocontact's apps out of it. The real xfconfd runs
// on the test's bus, keeping its files in the test's folder; the server is the fake, named as
// xfce4-notifyd names itself.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/daemon_process.hpp"

using nocontact::testing::field;
using nocontact::testing::kAlexPolicy;

namespace {

constexpr const char* kXfconfd = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd";

class AnXfceLog : public nocontact::testing::DaemonCtl {
  protected:
    void SetUp() override {
        DaemonCtl::SetUp();
        std::string config_home = "XDG_CONFIG_HOME=" + dir_ + "/xfconf";
        xfconfd_ = fork();
        if (xfconfd_ == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            putenv(config_home.data());
            execl(kXfconfd, kXfconfd, static_cast<char*>(nullptr));
            _exit(127);
        }
        ASSERT_GT(xfconfd_, 0);
    }
    void TearDown() override {
        if (xfconfd_ > 0) {
            kill(xfconfd_, SIGTERM);
            waitpid(xfconfd_, nullptr, 0);
        }
        DaemonCtl::TearDown();
    }

    // xfconf-query on the test's bus; its exit status.
    int xfconf(const std::vector<std::string>& args) {
        std::vector<std::string> all = {"-c", "xfce4-notifyd"};
        all.insert(all.end(), args.begin(), args.end());
        return finish(spawn("/usr/bin/xfconf-query", all)).status;
    }
    // The first setting written waits for xfconfd to be on the bus.
    bool logOn(bool on) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::vector<std::string> set = {"-p", "/notification-log",  "-n", "-t", "bool",
                                        "-s", on ? "true" : "false"};
        while (xfconf(set) != 0) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return true;
    }
    void startOnXfce() {
        server_.reset();
        server_ =
            std::make_unique<nocontact::testing::FakeFdoServer>(bus_.address(), "xfce4-notifyd");
        ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
        ASSERT_TRUE(waitFor(
            [&] { return field<std::string>(status(), "server_name") == "xfce4-notifyd"; }));
    }

    pid_t xfconfd_ = -1;
};

TEST_F(AnXfceLog, ThatIsOnIsToldInStatusWithHowToKeepTheAppsOutOfIt) {
    ASSERT_TRUE(logOn(true)) << "xfconfd did not come up";
    ASSERT_EQ(xfconf({"-p", "/applications/excluded-from-log", "-n", "-a", "-t", "string", "-s",
                      "nocontact"}),
              0);
    ASSERT_NO_FATAL_FAILURE(startOnXfce());
    Run run = ctl({"status"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("xfce4-notifyd's log is on"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("Signal"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("nocontactctl setup"), std::string::npos) << run.out;
    run = ctl({"status", "--json"});
    auto s = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_TRUE(s.is_object()) << run.out;
    EXPECT_TRUE(s["server_log"]["on"].get<bool>());
    const auto& apps = s["server_log"]["apps_logged"];
    EXPECT_NE(std::find(apps.begin(), apps.end(), "Signal"), apps.end()) << apps.dump();
    EXPECT_EQ(std::find(apps.begin(), apps.end(), "nocontact"), apps.end())
        << "nocontact is kept out of the log already";
}

TEST_F(AnXfceLog, ThatIsOffIsNotMentioned) {
    ASSERT_TRUE(logOn(false)) << "xfconfd did not come up";
    ASSERT_NO_FATAL_FAILURE(startOnXfce());
    Run run = ctl({"status"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out.find("log is on"), std::string::npos) << run.out;
    run = ctl({"status", "--json"});
    auto s = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_TRUE(s.is_object()) << run.out;
    EXPECT_TRUE(s["server_log"]["apps_logged"].empty());
}

}  // namespace
