// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd and its files: the last policy that worked is kept and used when it
// starts with a broken policy file; a policy file that is a symbolic link loop is called that;
// and the folders and files it makes are the person's alone whatever the umask.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "daemon/strings.hpp"
#include "tests/integration/daemon_faults.hpp"

namespace {

using nocontact::testing::DaemonFaults;
using nocontact::testing::field;
using namespace std::chrono_literals;
namespace strings = nocontact::daemon::strings;

// A level that does not exist: the file is refused.
constexpr const char* kBrokenPolicy =
    "version: 1\ncontacts:\n  - name: Alex\n    strictness: sometimes\n"
    "    match: { names: [\"Alex Morgan\"] }\n";

unsigned modeOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 01000;  // no such file: never a mode
    return st.st_mode & 07777;
}

class APolicyFile : public DaemonFaults {
  protected:
    std::string lastGood() const { return daemon_->stateDir() + "/last-good-policy.yaml"; }

    // The bodies of the notifications the daemon posted with `summary`, joined.
    std::string noticesWith(const char* summary) const {
        std::string bodies;
        for (const auto& call : server_->calls())
            if (call.member == "Notify" && call.summary == summary) bodies += call.body + "\n";
        return bodies;
    }
};

TEST_F(APolicyFile, ThatBrokeWhileNocontactWasStoppedLeavesTheLastGoodOneInForceAndSaysSo) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto&) {}));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "before the policy broke"))));
    ASSERT_EQ(stopAnswering(), 0);
    EXPECT_EQ(modeOf(lastGood()), 0600u) << "the last good policy was not kept, or not privately";

    daemon_->writePolicy(kBrokenPolicy);
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    auto s = status();
    EXPECT_TRUE(field<bool>(s, "policy_loaded"));
    EXPECT_TRUE(field<bool>(s, "policy_last_good"));
    const std::string message = field<std::string>(s, "policy_message");
    EXPECT_NE(message.find("the last policy that worked"), std::string::npos) << message;
    EXPECT_NE(message.find(lastGood()), std::string::npos) << message;
    EXPECT_NE(message.find("sometimes"), std::string::npos) << "why the file is refused";
    ASSERT_TRUE(waitFor([&] {
        return noticesWith(strings::kPolicyRefusedSummary).find("last policy that worked") !=
               std::string::npos;
    })) << "the person was not told";
    EXPECT_NE(daemon_->log().find("uses the last policy that worked"), std::string::npos);

    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after a restart, policy broken"))))
        << "a restart with a broken policy forgot the last good one";

    // Fixed: the file is in force again.
    daemon_->writePolicy(nocontact::testing::alexPolicy("pause"));
    ASSERT_TRUE(waitFor([&] { return !field<bool>(status(), "policy_last_good"); }, 10s))
        << "the fixed file was not used";
    EXPECT_EQ(field<std::string>(status(), "policy_message"), strings::policyApplied(1));
}

TEST_F(APolicyFile, ThatIsASymbolicLinkLoopIsCalledThatAndNotGone) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto&) {}));
    const std::string policy = daemon_->policyPath();
    std::filesystem::remove(policy);
    ASSERT_EQ(::symlink(policy.c_str(), policy.c_str()), 0);

    auto [applied, message] = reload();
    EXPECT_FALSE(applied);
    EXPECT_NE(message.find("symbolic link that leads back to itself"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("is gone"), std::string::npos) << message;
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "while the policy is a loop"))));

    // At the next start too: a loop, not a missing file, so the last good policy is used.
    ASSERT_EQ(stopAnswering(), 0);
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    auto s = status();
    EXPECT_TRUE(field<bool>(s, "policy_last_good"));
    EXPECT_NE(field<std::string>(s, "policy_message").find("symbolic link"), std::string::npos)
        << field<std::string>(s, "policy_message");
}

// Sets the process's umask for as long as it lives (the daemon inherits it when it starts).
class Umask {
  public:
    explicit Umask(mode_t mask) : old_(::umask(mask)) {}
    ~Umask() { ::umask(old_); }
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;

  private:
    mode_t old_;
};

TEST_F(APolicyFile, AndEveryFolderAndFileNocontactdMakesAreOwnerOnlyUnderUmask000) {
    {
        Umask open(0);
        ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto& d) {
            d.nestStateDir("/made/by/nocontactd");
        }));
    }
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept under umask 000"))));
    std::string dir = daemon_->stateDir();
    ASSERT_TRUE(std::filesystem::exists(dir + "/journal.sqlite3"));
    for (const char* file : {"/journal.sqlite3", "/journal.sqlite3-wal", "/journal.sqlite3-shm",
                             "/last-good-policy.yaml"}) {
        if (!std::filesystem::exists(dir + file)) continue;
        EXPECT_EQ(modeOf(dir + file), 0600u) << file;
    }
    for (int i = 0; i < 4; ++i) {  // nocontactd, by, made, state: each made by nocontactd
        EXPECT_EQ(modeOf(dir), 0700u) << dir;
        dir = std::filesystem::path(dir).parent_path();
    }
}

}  // namespace
