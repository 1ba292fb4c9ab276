// SPDX-License-Identifier: GPL-3.0-or-later
// The keep log (daemon/journal/keep_log.hpp): a withheld message is kept with one write and
// reaches the journal with its next call; what a crash leaves there reaches it at the next start,
// once, whole records only; its text does not outlive that; one store at a time writes it.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/keep_log_fixture.hpp"

namespace {

using namespace nocontact::daemon;
using nocontact::testing::journal::AKeepLog;
using nocontact::testing::journal::allZero;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::countRows;
using nocontact::testing::journal::FailingWrites;
using nocontact::testing::journal::kT0;
using nocontact::testing::journal::message;
using nocontact::testing::journal::modeOf;

TEST_F(AKeepLog, KeepsAMessageWithOneWriteAndTheJournalTakesItWithTheNextCall) {
    const std::string secret = "kept-in-the-log-before-the-journal-5d1e";
    auto id = store_->holdMessage(message(secret));
    ASSERT_TRUE(id);
    EXPECT_EQ(store_->keptInLog(), 1u);
    EXPECT_EQ(rowsInFile(), 0) << "committed at the call, as before the keep log";
    EXPECT_NE(bytesOf(log()).find(secret), std::string::npos);
    EXPECT_EQ(modeOf(log()), 0600u);

    auto held = store_->heldById(*id);  // any call: the journal takes it first
    ASSERT_TRUE(held && *held);
    EXPECT_EQ((*held)->body, secret);
    EXPECT_EQ(store_->keptInLog(), 0u);
    EXPECT_EQ(rowsInFile(), 1);
    const std::string after = bytesOf(log());
    EXPECT_FALSE(after.empty()) << "the log's room is kept for the next message";
    EXPECT_TRUE(allZero(after)) << "the text outlived its move into the journal";

    // The ids go on, and the next message reuses the log's room.
    auto next = store_->holdMessage(message("the next one"));
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, *id + 1);
    EXPECT_EQ(bodies(), (std::vector<std::string>{secret, "the next one"}));
}

TEST_F(AKeepLog, GivesWhatACrashLeftInItToTheJournalAtTheNextStartUnderTheSameIds) {
    const std::string secret = "left-in-the-keep-log-by-a-crash-8c20";
    std::vector<std::int64_t> ids;
    inACrashingChild([&](JournalStore& store) {
        (void)store.holdMessage(message("taken before the crash"));
        (void)store.held();
        (void)store.holdMessage(message(secret));
        (void)store.holdMessage(message("the last one"));
    });
    EXPECT_EQ(rowsInFile(), 1);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(rowsInFile(), 3) << "the start put them into the file";
    EXPECT_EQ(bodies(),
              (std::vector<std::string>{"taken before the crash", secret, "the last one"}));
    EXPECT_EQ((*store_->held())[1].id, 2);
    EXPECT_TRUE(allZero(bytesOf(log())));
    auto next = store_->holdMessage(message("after the start"));
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, 4);
}

TEST_F(AKeepLog, TakesTheWholeRecordsBeforeOneCutShort) {
    inACrashingChild([&](JournalStore& store) {
        for (const char* body : {"first", "second", "third"})
            (void)store.holdMessage(message(body));
    });
    // The last record cut short, as by a full disk or a power loss (the log's room after it
    // goes too).
    const std::string bytes = bytesOf(log());
    ASSERT_NE(bytes.find("third"), std::string::npos);
    std::filesystem::resize_file(log(), bytes.find("third") + 2);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"first", "second"}));
}

TEST_F(AKeepLog, PassesOverADamagedRecordAndTakesTheWholeOnesAfterIt) {
    inACrashingChild([&](JournalStore& store) {
        for (const char* body : {"first", "second", "third"})
            (void)store.holdMessage(message(body));
    });
    std::string damaged = bytesOf(log());
    ASSERT_NE(damaged.find("second"), std::string::npos);
    damaged[damaged.find("second")] = 'S';  // one byte: the checksum no longer matches
    {
        std::ofstream out(log(), std::ios::binary | std::ios::trunc);
        out << damaged;
    }
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"first", "third"}));
    EXPECT_EQ((*store_->held())[1].id, 3) << "a whole record keeps its id";
    EXPECT_TRUE(allZero(bytesOf(log()))) << "the damaged record's text stayed in the log";
}

TEST_F(AKeepLog, GivesNothingTwiceWhenACrashCameBetweenTheJournalsCommitAndItsClearing) {
    std::string before_clearing;
    inACrashingChild([&](JournalStore& store) {
        (void)store.holdMessage(message("one"));
        (void)store.holdMessage(message("two"));
        before_clearing = bytesOf(log());
        (void)store.held();
        std::ofstream out(log(), std::ios::binary | std::ios::trunc);
        out << before_clearing;  // as if the crash came before the zeros
    });
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"one", "two"}));
    EXPECT_TRUE(allZero(bytesOf(log())));
}

// The journal took the log's message, but the log could not be cleared: its text stays there
// only until a clear succeeds, which is tried before the log takes anything more (meanwhile
// messages go straight to the journal) and at each call after; nothing is kept twice.
TEST_F(AKeepLog, ClearsItselfOnceItCanAfterAFailedClearAndKeepsNothingTwice) {
    const std::string first = "in-the-log-when-its-writes-failed-7a2c";
    const std::string second = "kept-while-the-log-could-not-be-cleared-91e0";
    ASSERT_TRUE(store_->holdMessage(message(first)));
    FailingWrites failing(log());
    ASSERT_TRUE(failing.found()) << "no descriptor of " << log() << " could be made to fail";
    EXPECT_EQ(bodies(), (std::vector<std::string>{first}));  // taken by the journal
    EXPECT_NE(bytesOf(log()).find(first), std::string::npos) << "the clear was to fail";
    ASSERT_TRUE(store_->holdMessage(message(second)));
    EXPECT_EQ(store_->keptInLog(), 0u) << "a log not cleared took another message";
    EXPECT_EQ(rowsInFile(), 2);
    EXPECT_EQ(bytesOf(log()).find(second), std::string::npos);

    failing.restore();
    EXPECT_EQ(bodies(), (std::vector<std::string>{first, second}));  // the next call clears it
    EXPECT_TRUE(allZero(bytesOf(log()))) << "the first message's text outlived its clearing";
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{first, second}));
}

TEST_F(AKeepLog, BelongsToOneStoreAndASecondOnTheSameFolderKeepsNothing) {
    OpenResult second = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(second.store);
    auto first_id = store_->holdMessage(message("kept by the first, in its log"));
    ASSERT_TRUE(first_id);
    // Its ids could be the first's: it keeps nothing, and says why (the daemon leaves such a
    // message on screen, counted as not kept).
    auto refused = second.store->holdMessage(message("not kept by the second"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error->message.find("another nocontact"), std::string::npos);
    EXPECT_EQ(rowsInFile(), 0);
    EXPECT_EQ(bodies(), (std::vector<std::string>{"kept by the first, in its log"}));
    EXPECT_EQ((*store_->held())[0].id, *first_id);
}

TEST_F(AKeepLog, GivesItsMessagesToTheNewJournalWhenTheFileIsFoundDamaged) {
    ASSERT_TRUE(store_->holdMessage(message("in the file before the damage")));
    ASSERT_TRUE(store_->held());
    auto id = store_->holdMessage(message("in the log when the damage is found"));
    ASSERT_TRUE(id);
    ASSERT_TRUE(nocontact::testing::journal::damageRootPage(file(), "held"));
    auto held = store_->held();
    ASSERT_TRUE(held) << held.error->message;
    ASSERT_EQ(held->size(), 1u);
    EXPECT_EQ((*held)[0].body, "in the log when the damage is found");
    EXPECT_EQ((*held)[0].id, *id);
    EXPECT_FALSE(store_->inMemory()) << "the new file could be written";
    EXPECT_TRUE(allZero(bytesOf(log())));
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"in the log when the damage is found"}));
}

// In a child that cannot write the folder (nobody's uid when the tests run as root): the
// journal goes to memory, with what a crash left in the log; 0, or which check failed.
int readOnlyStart(const std::filesystem::path& folder) {
    if (::getuid() == 0 && ::setuid(65534) != 0) return 10;
    OpenResult opened = JournalStore::open(folder, kT0);
    if (opened.store || !opened.error || !cannotWrite(*opened.error)) return 11;
    OpenResult memory = JournalStore::openInMemory(folder, *opened.error);
    if (!memory.store) return 12;
    auto held = memory.store->held();
    if (!held) return 15;
    if (held->size() != 1) return 20 + static_cast<int>(held->size());
    if ((*held)[0].body != "left by a crash") return 13;
    // Still in the log on disk, which cannot be cleared: not given back as "only in memory",
    // and taken from the log again at the next start.
    auto only = memory.store->waitingOnlyInMemory();
    if (!only || !only->empty()) return 14;
    return 0;
}

TEST_F(AKeepLog, IsReadFromAReadOnlyFolderAndItsMessagesWaitThereForTheNextStart) {
    inACrashingChild(
        [&](JournalStore& store) { (void)store.holdMessage(message("left by a crash")); });
    const bool root = ::getuid() == 0;
    std::vector<std::filesystem::path> paths{folder()};
    for (const auto& entry : std::filesystem::directory_iterator(folder()))
        paths.push_back(entry.path());
    for (const auto& p : paths) {
        if (root) {
            ASSERT_EQ(::chown(p.c_str(), 65534, 65534), 0) << p;
        }
        ASSERT_EQ(::chmod(p.c_str(), p == folder() ? 0500 : 0400), 0) << p;
    }
    const auto above = folder().parent_path();  // the test's own folder: nobody may go through
    ASSERT_EQ(::chmod(above.c_str(), 0711), 0);
    pid_t child = ::fork();
    if (child == 0) ::_exit(readOnlyStart(folder()));
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ::chmod(above.c_str(), 0700);
    EXPECT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "readOnlyStart's check " << WEXITSTATUS(status);
    for (const auto& p : paths) {
        if (root) {
            ASSERT_EQ(::chown(p.c_str(), 0, 0), 0) << p;
        }
        ASSERT_EQ(::chmod(p.c_str(), p == folder() ? 0700 : 0600), 0) << p;
    }
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"left by a crash"}));
}

}  // namespace
