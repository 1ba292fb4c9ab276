// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/sd_notify.hpp"

#include <glib.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/private_bus.hpp"

using namespace std::chrono_literals;
namespace notify = nocontact::daemon::notify;

namespace {

// A NOTIFY_SOCKET of our own, as systemd would bind it, to read what the daemon sends.
class ANotifySocket : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nocontact-notify.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::string path = dir_ + "/notify";
        path.copy(address.sun_path, sizeof address.sun_path - 1);
        ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        setenv("NOTIFY_SOCKET", path.c_str(), 1);
    }
    void TearDown() override {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        unsetenv("WATCHDOG_PID");
        close(fd_);
        std::filesystem::remove_all(dir_);
    }
    // The next datagram, or "" if none arrives within `timeout_ms`.
    std::string receive(int timeout_ms = 2000) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) != 1) return "";
        char buffer[4096];
        ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, n) : "";
    }

    std::string dir_;
    int fd_ = -1;
};

}  // namespace

TEST_F(ANotifySocket, ReceivesReadyWithTheStatusLine) {
    EXPECT_TRUE(notify::ready("Watching notifications for 2 contacts"));
    EXPECT_EQ(receive(), "READY=1\nSTATUS=Watching notifications for 2 contacts");
}

TEST_F(ANotifySocket, ReceivesOnlyTheFirstLineOfAStatus) {
    EXPECT_TRUE(notify::status("policy not applied\nREADY=1"));
    EXPECT_EQ(receive(), "STATUS=policy not applied");
}

TEST_F(ANotifySocket, ReceivesReloadingWithTheMonotonicTime) {
    timespec before{};
    clock_gettime(CLOCK_MONOTONIC, &before);
    EXPECT_TRUE(notify::reloading());
    auto message = receive();
    ASSERT_EQ(message.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << message;
    auto usec = std::stoull(message.substr(message.find('=', 12) + 1));
    EXPECT_GE(usec, static_cast<unsigned long long>(before.tv_sec) * 1000000u);
}

TEST_F(ANotifySocket, ReceivesStoppingAndWatchdogPings) {
    EXPECT_TRUE(notify::stopping());
    EXPECT_EQ(receive(), "STOPPING=1");
    EXPECT_TRUE(notify::watchdogPing());
    EXPECT_EQ(receive(), "WATCHDOG=1");
}

TEST(NoNotifySocket, MeansNothingIsSentAndNoWatchdogTimer) {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    EXPECT_FALSE(notify::ready("ready"));
    EXPECT_EQ(notify::watchdogInterval().count(), 0);
    EXPECT_EQ(notify::startWatchdog(), 0u);
}

TEST_F(ANotifySocket, GetsWatchdogPingsFromTheLoopAtHalfTheInterval) {
    setenv("WATCHDOG_USEC", "200000", 1);
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    EXPECT_EQ(notify::watchdogInterval(), 200ms);
    GMainContext* context = g_main_context_new();
    g_main_context_push_thread_default(context);
    unsigned id = notify::startWatchdog();
    ASSERT_NE(id, 0u);
    auto start = std::chrono::steady_clock::now();
    int pings = 0;
    auto pinged = [&] {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 0) == 1 && receive() == "WATCHDOG=1") ++pings;
        return pings >= 2;
    };
    EXPECT_TRUE(nocontact::testing::waitUntil(pinged, 3s,
                                              [&] { g_main_context_iteration(context, TRUE); }));
    // Two pings at 100 ms each: not sooner than ~200 ms, well within the 2 x 200 ms allowed.
    EXPECT_GE(std::chrono::steady_clock::now() - start, 180ms);
    g_source_destroy(g_main_context_find_source_by_id(context, id));
    g_main_context_pop_thread_default(context);
    g_main_context_unref(context);
}
