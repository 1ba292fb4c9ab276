// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/policy_watcher.hpp"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/private_bus.hpp"

using namespace std::chrono_literals;
using nocontact::daemon::PolicyWatcher;
using nocontact::testing::waitUntil;

namespace {

// How often the loop wakes while a test waits: only bounds how late a deadline is noticed.
constexpr guint kTickMs = 10;

class APolicyWatcher : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nocontact-watch.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        policy_ = dir_ + "/policy.yaml";
        write(policy_, "version: 1\n");
        context_ = g_main_context_new();
        g_main_context_push_thread_default(context_);
        tick_ = g_timeout_source_new(kTickMs);
        g_source_set_callback(
            tick_, +[](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr, nullptr);
        g_source_attach(tick_, context_);
        watcher_ = std::make_unique<PolicyWatcher>(policy_, [this] { ++calls_; });
    }
    void TearDown() override {
        watcher_.reset();
        g_source_destroy(tick_);
        g_source_unref(tick_);
        g_main_context_pop_thread_default(context_);
        g_main_context_unref(context_);
        std::filesystem::remove_all(dir_);
    }
    static void write(const std::string& path, const std::string& text) {
        std::ofstream(path) << text;
    }
    // Runs the loop until the callback count reaches `n`, or `deadline` passes.
    bool callsReach(int n, std::chrono::milliseconds deadline) {
        return waitUntil([&] { return calls_ >= n; }, deadline,
                         [&] { g_main_context_iteration(context_, TRUE); });
    }

    std::string dir_;
    std::string policy_;
    GMainContext* context_ = nullptr;
    GSource* tick_ = nullptr;
    std::unique_ptr<PolicyWatcher> watcher_;
    int calls_ = 0;
};

}  // namespace

TEST_F(APolicyWatcher, CallsBackWhenThePolicyIsWritten) {
    ASSERT_TRUE(watcher_->start());
    write(policy_, "version: 1\ncontacts: []\n");
    EXPECT_TRUE(callsReach(1, 5s));
    EXPECT_FALSE(callsReach(2, 600ms)) << "one write, one callback";
}

TEST_F(APolicyWatcher, CallsBackWhenANewFileIsRenamedOverThePolicyLikeEmacsSaves) {
    ASSERT_TRUE(watcher_->start());
    write(dir_ + "/.policy.yaml.tmp", "version: 1\n");
    std::filesystem::rename(dir_ + "/.policy.yaml.tmp", policy_);
    EXPECT_TRUE(callsReach(1, 5s));
}

TEST_F(APolicyWatcher, CallsBackOnceWhenVimMovesThePolicyAsideAndWritesANewOne) {
    ASSERT_TRUE(watcher_->start());
    std::filesystem::rename(policy_, policy_ + "~");
    write(policy_, "version: 1\n");
    std::filesystem::remove(policy_ + "~");
    EXPECT_TRUE(callsReach(1, 5s));
    EXPECT_FALSE(callsReach(2, 600ms));
}

TEST_F(APolicyWatcher, CallsBackExactlyOnceForABurstOfTwentyWritesAfterItSettles) {
    ASSERT_TRUE(watcher_->start());
    // The loop does not run during the burst, so however slow the machine, all twenty writes
    // are waiting when it does: one callback proves the debounce, not the disk's speed.
    for (int i = 0; i < 20; ++i)
        write(policy_, "version: 1\n# save " + std::to_string(i) + "\n");
    auto last_write = std::chrono::steady_clock::now();
    ASSERT_TRUE(callsReach(1, 5s));
    // Debounced: not before the quiet period after the last write (minus timer slack).
    EXPECT_GE(std::chrono::steady_clock::now() - last_write, 150ms);
    EXPECT_FALSE(callsReach(2, 800ms));
}

TEST_F(APolicyWatcher, IgnoresOtherFilesInTheSameFolder) {
    ASSERT_TRUE(watcher_->start());
    write(dir_ + "/notes.txt", "unrelated");
    write(dir_ + "/policy.yaml.swp", "vim's swap file");
    std::filesystem::remove(dir_ + "/notes.txt");
    EXPECT_FALSE(callsReach(1, 800ms));
}

TEST_F(APolicyWatcher, CallsBackWhenThePolicyIsDeleted) {
    ASSERT_TRUE(watcher_->start());
    std::filesystem::remove(policy_);
    EXPECT_TRUE(callsReach(1, 5s));
}

TEST_F(APolicyWatcher, CallsBackOnSighup) {
    ASSERT_TRUE(watcher_->start());
    raise(SIGHUP);
    EXPECT_TRUE(callsReach(1, 5s));
    EXPECT_FALSE(callsReach(2, 400ms)) << "one signal, one reload";
}

TEST_F(APolicyWatcher, ReportsThatItCannotWatchAMissingFolderAndStillHandlesSighup) {
    PolicyWatcher missing(dir_ + "/no/such/folder/policy.yaml", [this] { ++calls_; });
    EXPECT_FALSE(missing.start());
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/no")) << "never creates the user's folders";
    raise(SIGHUP);
    EXPECT_TRUE(callsReach(1, 5s));
}
