// SPDX-License-Identifier: GPL-3.0-or-later
// A held message survives kill -9 at any moment: a child process holds messages one by one and
// reports each commit through a pipe; the parent kills it with SIGKILL at a chosen point,
// reopens the journal and finds every message the child reported, text intact.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "daemon/journal/store.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::SysTime;
using nocontact::testing::journal::integrityOk;
using nocontact::testing::journal::TempFolder;

const SysTime kT0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 1h};
constexpr int kMessages = 100;  // the "kill -9 during a pause with 100 held messages"
constexpr char kCommitted = 'c';
constexpr char kAllHeld = 'd';
// How long the parent waits for the child's next byte: generous for a loaded machine (each
// commit is an fsync), and only a bound on a hang, never on speed.
constexpr int kByteDeadlineMs = 30000;

std::string bodyOf(int i) {
    return "message " + std::to_string(i) + ": are you up? ça va? 🌙";
}

// The child: holds kMessages one by one, a byte after each commit, then waits to be killed.
[[noreturn]] void holdAndReport(const std::filesystem::path& folder, int out) {
    OpenResult opened = JournalStore::open(folder, kT0);
    if (!opened.store) _exit(2);
    for (int i = 0; i < kMessages; ++i) {
        HeldMessage m;
        m.received = kT0 + std::chrono::seconds{i};
        m.contact = "Alex";
        m.app_name = "Signal";
        m.summary = "Alex";
        m.body = bodyOf(i);
        if (!opened.store->holdMessage(m)) _exit(3);
        if (::write(out, &kCommitted, 1) != 1) _exit(4);
    }
    if (::write(out, &kAllHeld, 1) != 1) _exit(4);
    for (;;)
        ::pause();
}

// Reads one byte from the child, or nothing when it died or the deadline passed.
std::optional<char> nextByte(int in) {
    pollfd p{.fd = in, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, kByteDeadlineMs) != 1) return std::nullopt;
    char c;
    if (::read(in, &c, 1) != 1) return std::nullopt;
    return c;
}

// Starts the child, kills it with SIGKILL once it reported `killAfter` commits (or, with
// kMessages + 1, once it reported all of them held), and returns how many commits it reported.
int runAndKill(const std::filesystem::path& folder, int killAfter) {
    int fds[2];
    if (::pipe(fds) != 0) return -1;
    pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        holdAndReport(folder, fds[1]);
    }
    ::close(fds[1]);
    int reported = 0;
    for (int seen = 0; seen < killAfter; ++seen) {
        auto byte = nextByte(fds[0]);
        if (!byte) break;
        if (*byte == kCommitted) ++reported;
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended on its own, status " << status;
    return reported;
}

// Every message the child reported kept is there, in order, with its text; nothing else is.
void expectEveryReportedMessage(const std::filesystem::path& folder, int reported) {
    OpenResult opened = JournalStore::open(folder, kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    EXPECT_FALSE(opened.moved_aside);
    auto held = opened.store->held();
    ASSERT_TRUE(held) << held.error->message;
    // A commit the child made but had no time to report may be there too.
    ASSERT_GE(held->size(), static_cast<std::size_t>(reported));
    ASSERT_LE(held->size(), static_cast<std::size_t>(kMessages));
    for (std::size_t i = 0; i < held->size(); ++i) {
        const HeldMessage& m = (*held)[i];
        EXPECT_EQ(m.body, bodyOf(static_cast<int>(i))) << "message " << i;
        EXPECT_EQ(m.summary, "Alex");
        EXPECT_EQ(m.state, HeldState::Held);
    }
    EXPECT_TRUE(integrityOk(folder / kJournalFileName));
}

TEST(AHeldMessage, SurvivesKill9AtRandomMoments) {
    std::mt19937 random{20261126};  // fixed: a failure can be replayed
    std::uniform_int_distribution<int> moment{1, kMessages};
    for (int round = 0; round < 6; ++round) {
        TempFolder dir;
        const int killAfter = round == 0 ? kMessages : moment(random);  // round 0: right after
        SCOPED_TRACE("killed after " + std::to_string(killAfter) + " reported commits");
        int reported = runAndKill(dir.path() / "nocontact", killAfter);
        EXPECT_EQ(reported, killAfter);
        expectEveryReportedMessage(dir.path() / "nocontact", reported);
    }
}

TEST(AHeldMessage, AllOfAHundredSurviveKill9OnceHeld) {
    TempFolder dir;
    int reported = runAndKill(dir.path() / "nocontact", kMessages + 1);
    ASSERT_EQ(reported, kMessages);
    expectEveryReportedMessage(dir.path() / "nocontact", kMessages);
    OpenResult opened = JournalStore::open(dir.path() / "nocontact", kT0);
    ASSERT_TRUE(opened.store);
    EXPECT_EQ(opened.store->held()->size(), static_cast<std::size_t>(kMessages));
}

}  // namespace
