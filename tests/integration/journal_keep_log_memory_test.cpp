// SPDX-License-Identifier: GPL-3.0-or-later
// The keep log while the journal is in memory (a full disk): it has room set aside before the
// disk filled, the messages kept in memory go there too so that a crash loses none that fit,
// one read or let go leaves it at once, and it is cleared once the journal is back on disk.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/keep_log_fixture.hpp"

namespace {

using namespace nocontact::daemon;
using nocontact::testing::journal::AKeepLog;
using nocontact::testing::journal::allZero;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::FailingWrites;
using nocontact::testing::journal::FileSizeLimit;
using nocontact::testing::journal::kT0;
using nocontact::testing::journal::message;

TEST_F(AKeepLog, HasRoomSetAsideOnDiskBeforeTheDiskFills) {
    EXPECT_GE(std::filesystem::file_size(log()),
              static_cast<std::uintmax_t>(KeepLog::kKeepLogRoom));
    EXPECT_TRUE(allZero(bytesOf(log())));
    struct stat st {};
    ASSERT_EQ(::stat(log().c_str(), &st), 0);
    EXPECT_GE(st.st_blocks * 512, KeepLog::kKeepLogRoom) << "written, not a hole";
}

TEST_F(AKeepLog, HandsWhatItHoldsToMemoryWhenTheDiskCannotTakeItAndKeepsItsCopyUntilItIsRead) {
    const std::string secret = "the second-in-the-log-then-memory-3e7b";
    ASSERT_TRUE(store_->holdMessage(message(std::string(secret.size(), 'f'))));
    ASSERT_TRUE(store_->held());
    std::int64_t id = 0;
    {
        // Writes may reach 4 KiB into a file: the log's first record, never a page of the
        // journal's write-ahead log (a page is 4 KiB, and its frame a header more).
        FileSizeLimit full{4096};
        auto kept = store_->holdMessage(message(secret));
        ASSERT_TRUE(kept);
        id = *kept;
        EXPECT_EQ(store_->keptInLog(), 1u);
        auto held = store_->held();
        ASSERT_TRUE(held);
        EXPECT_EQ(held->size(), 2u);
    }
    ASSERT_TRUE(store_->inMemory());
    EXPECT_EQ(store_->heldInMemory(), 1u) << "counted as kept in memory";
    auto only = store_->waitingOnlyInMemory();
    ASSERT_TRUE(only);
    EXPECT_TRUE(only->empty()) << "still in the log: taken from there at the next start";
    EXPECT_NE(bytesOf(log()).find(secret), std::string::npos);
    ASSERT_TRUE(store_->markRead(id));
    EXPECT_TRUE(allZero(bytesOf(log()))) << "a copy on disk would come back after the read";
}

TEST_F(AKeepLog, KeepsWhatMemoryHoldsInItsRoomSoThatACrashLosesNoneThatFit) {
    const std::string kFits = "kept in memory on a full disk, and in the log-4a91";
    const std::string kLetGo = "kept in memory, then let go-77c2";
    const std::string kRead = "kept in memory, then read-0d3e";
    inACrashingChild([&](JournalStore& store) {
        (void)store.holdMessage(message("on disk before"));
        (void)store.held();
        // Nothing may grow past 1 MiB: a message larger than that sends the journal to memory
        // and is too large for the log's room; the others fit there.
        FileSizeLimit full{1 << 20};
        if (!store.holdMessage(message(std::string(4 << 20, 'x'))) || !store.inMemory()) ::_exit(3);
        auto fits = store.holdMessage(message(kFits));
        auto let_go = store.holdMessage(message(kLetGo));
        auto read = store.holdMessage(message(kRead));
        if (!fits || !let_go || !read) ::_exit(4);
        if (!store.letGo(*let_go, kT0) || !store.markRead(*read)) ::_exit(5);
        auto only = store.waitingOnlyInMemory();
        if (!only || only->size() != 1 || only->front().body.size() != (4u << 20)) ::_exit(6);
    });
    const std::string log_bytes = bytesOf(log());
    EXPECT_NE(log_bytes.find(kFits), std::string::npos);
    EXPECT_EQ(log_bytes.find(kLetGo), std::string::npos) << "its text outlived its letting go";
    EXPECT_EQ(log_bytes.find(kRead), std::string::npos) << "its text outlived its reading";
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"on disk before", kFits}))
        << "what fitted the log's room came back; what was read or let go did not";
    EXPECT_EQ((*store_->held())[1].id, 3) << "under the id it had in memory";
    EXPECT_TRUE(allZero(bytesOf(log())));
}

// A start on a disk that is still full, which then crashes: the journal is in memory with
// what the crash before left in the keep log, and one more message is kept. 0, or which check
// failed.
int restartOnAFullDisk(const std::filesystem::path& folder) {
    FileSizeLimit full{512};
    OpenResult opened = JournalStore::open(folder, kT0);
    std::unique_ptr<JournalStore> store = std::move(opened.store);
    if (!store && opened.error && cannotWrite(*opened.error))
        store = JournalStore::openInMemory(folder, *opened.error).store;
    if (!store) return 3;
    auto held = store->held();
    if (!held) return 4;
    if (!store->inMemory()) return 5;
    if (held->size() != 2) return 10 + static_cast<int>(held->size());
    if (!store->holdMessage(message("after the restart"))) return 6;
    return 0;
}

TEST_F(AKeepLog, TakesMoreFromMemoryAfterARestartWhileTheDiskIsStillFull) {
    inACrashingChild([&](JournalStore& store) {
        (void)store.holdMessage(message("on disk before"));
        (void)store.held();
        FileSizeLimit full{1 << 20};
        (void)store.holdMessage(message(std::string(4 << 20, 'x')));
        if (!store.inMemory() || !store.holdMessage(message("before the crash"))) ::_exit(3);
    });
    // Restarted (the unit restarts a crashed nocontactd) with the disk still full: no write
    // reaches past 512 bytes into any file, the log's first records only (never a page of the
    // journal's write-ahead log, 512 bytes at the least, and its frame a header more).
    pid_t child = ::fork();
    if (child == 0) ::_exit(restartOnAFullDisk(folder()));
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    ASSERT_EQ(WEXITSTATUS(status), 0) << "restartOnAFullDisk's check " << WEXITSTATUS(status);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(),
              (std::vector<std::string>{"on disk before", "before the crash", "after the restart"}))
        << "the next record went after the log's room, where a full disk refuses it";
}

TEST_F(AKeepLog, OverwritesAReadMessageThatItCouldNotOverwriteAtOnceWithTheNextMessage) {
    ASSERT_TRUE(store_->holdMessage(message("on disk before")));
    ASSERT_TRUE(store_->held());
    const std::string kRead = "read in memory while the log fails-91b0";
    std::int64_t read = 0;
    {
        FileSizeLimit full{1 << 20};
        ASSERT_TRUE(store_->holdMessage(message(std::string(4 << 20, 'x'))));
        ASSERT_TRUE(store_->inMemory());
        auto kept = store_->holdMessage(message(kRead));
        ASSERT_TRUE(kept);
        read = *kept;
    }
    {
        FailingWrites failing{log()};
        ASSERT_TRUE(failing.found());
        ASSERT_TRUE(store_->markRead(read));
    }
    EXPECT_NE(bytesOf(log()).find(kRead), std::string::npos);
    ASSERT_TRUE(store_->holdMessage(message("the next one")));
    EXPECT_EQ(bytesOf(log()).find(kRead), std::string::npos) << "its text outlived its reading";
    EXPECT_NE(bytesOf(log()).find("the next one"), std::string::npos);
}

TEST_F(AKeepLog, IsClearedWhenTheJournalGoesBackToDiskWithWhatMemoryHeld) {
    ASSERT_TRUE(store_->holdMessage(message("on disk before")));
    ASSERT_TRUE(store_->held());
    {
        FileSizeLimit full{1 << 20};
        ASSERT_TRUE(store_->holdMessage(message(std::string(4 << 20, 'x'))));
        ASSERT_TRUE(store_->inMemory());
        ASSERT_TRUE(store_->holdMessage(message("in memory and in the log")));
    }
    EXPECT_NE(bytesOf(log()).find("in memory and in the log"), std::string::npos);
    ASSERT_TRUE(store_->backToDisk(kT0));
    EXPECT_TRUE(allZero(bytesOf(log())));
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies().size(), 3u);
    EXPECT_EQ(bodies().back(), "in memory and in the log") << "kept once, not twice";
}

}  // namespace
