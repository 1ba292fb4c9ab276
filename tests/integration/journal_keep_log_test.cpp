// SPDX-License-Identifier: GPL-3.0-or-later
// The keep log (daemon/journal/keep_log.hpp): a withheld message is kept with one write and
// reaches the journal with its next call; what a crash leaves there reaches it at the next start,
// once, whole records only; its text does not outlive that; one store at a time writes it.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/journal/keep_log.hpp"
#include "tests/integration/journal_store_fixture.hpp"

namespace {

using namespace nocontact::daemon;
using nocontact::testing::journal::AJournal;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::countRows;
using nocontact::testing::journal::kT0;
using nocontact::testing::journal::message;
using nocontact::testing::journal::modeOf;

class AKeepLog : public AJournal {
  protected:
    std::filesystem::path folder() const { return file().parent_path(); }
    std::filesystem::path log() const { return folder() / kKeepLogFileName; }
    long rowsInFile() const { return countRows(file(), "SELECT count(*) FROM held"); }

    // Runs `work` on a store of a child process that then ends without closing it (a crash:
    // nothing of the store's own runs after `work`). This test's store is closed meanwhile.
    void inACrashingChild(const std::function<void(JournalStore&)>& work) {
        store_.reset();
        pid_t child = ::fork();
        if (child == 0) {
            OpenResult opened = JournalStore::open(folder(), kT0);
            if (!opened.store) ::_exit(2);
            work(*opened.store);
            ::_exit(0);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }

    std::vector<std::string> bodies() {
        std::vector<std::string> out;
        for (const HeldMessage& m : *store_->held())
            out.push_back(m.body);
        return out;
    }
};

bool allZero(const std::string& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

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
    EXPECT_EQ(bodies(), (std::vector<std::string>{"taken before the crash", secret, "the last one"}));
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
    // The last record cut short, as by a full disk or a power loss.
    std::filesystem::resize_file(log(), bytesOf(log()).size() - 3);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(bodies(), (std::vector<std::string>{"first", "second"}));
}

TEST_F(AKeepLog, TakesNothingFromADamagedRecordOnward) {
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
    EXPECT_EQ(bodies(), (std::vector<std::string>{"first"}));
    EXPECT_TRUE(allZero(bytesOf(log()))) << "the damaged records' text stayed in the log";
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

TEST_F(AKeepLog, BelongsToOneStoreAndASecondOnTheSameFolderKeepsStraightInTheJournal) {
    OpenResult second = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(second.store);
    auto first_id = store_->holdMessage(message("kept by the first, in its log"));
    ASSERT_TRUE(first_id);
    // The second has no log: it commits at once, under the id the first had given its message.
    auto second_id = second.store->holdMessage(message("kept by the second"));
    ASSERT_TRUE(second_id);
    EXPECT_EQ(second.store->keptInLog(), 0u);
    EXPECT_EQ(rowsInFile(), 1);
    EXPECT_EQ(*second_id, *first_id);

    // The first's message is not lost to the clash: it takes another id.
    auto all = *store_->held();
    ASSERT_EQ(all.size(), 2u);
    std::vector<std::string> got{all[0].body, all[1].body};
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got,
              (std::vector<std::string>{"kept by the first, in its log", "kept by the second"}));
    EXPECT_NE(all[0].id, all[1].id);
}

}  // namespace
