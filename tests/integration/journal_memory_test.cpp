// SPDX-License-Identifier: GPL-3.0-or-later
// The journal kept in memory while its folder cannot be written: moving there when a write
// fails (a file that cannot grow, as on a full disk), starting there from a read-only folder
// with a copy of the file, and going back to disk as a superset of the file, all or nothing.
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "daemon/journal/store.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::SysTime;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::contains;
using nocontact::testing::journal::FileSizeLimit;
using nocontact::testing::journal::TempFolder;

const SysTime kT0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 16h + 15min};

HeldMessage message(std::string body) {
    HeldMessage m;
    m.received = kT0;
    m.contact = "Alex";
    m.app_name = "Signal";
    m.body = std::move(body);
    return m;
}

// The held table of the file, id -> body, read with a connection of the test's own.
std::map<std::int64_t, std::string> bodiesIn(const std::filesystem::path& file) {
    std::map<std::int64_t, std::string> rows;
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT id, body FROM held", -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* body = sqlite3_column_text(stmt, 1);
            rows[sqlite3_column_int64(stmt, 0)] = body ? reinterpret_cast<const char*>(body) : "";
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
}

const StoreError kReadOnly{"the folder is read-only", SQLITE_READONLY};

class AJournalInMemory : public ::testing::Test {
  protected:
    std::filesystem::path folder() const { return dir_.path() / "nocontact"; }
    std::filesystem::path file() const { return folder() / kJournalFileName; }
    // A journal file with two waiting messages and a note, closed again.
    void writeJournal() {
        OpenResult opened = JournalStore::open(folder(), kT0);
        ASSERT_TRUE(opened.store) << opened.error->message;
        ASSERT_EQ(*opened.store->holdMessage(message("first on disk")), 1);
        ASSERT_EQ(*opened.store->holdMessage(message("second on disk")), 2);
        ASSERT_TRUE(opened.store->addNote("Alex", "a walk instead", kT0));
    }
    TempFolder dir_;
};

TEST(DiskTroubles, AreTheWritesTheDiskRefusedAndNothingElse) {
    EXPECT_TRUE(cannotWrite({"", SQLITE_FULL}));
    EXPECT_TRUE(cannotWrite({"", SQLITE_READONLY}));
    EXPECT_TRUE(cannotWrite({"", SQLITE_IOERR_WRITE}));
    EXPECT_TRUE(cannotWrite({"", SQLITE_CANTOPEN}));
    EXPECT_TRUE(cannotWrite({"", SQLITE_BUSY}));
    EXPECT_FALSE(cannotWrite({"", SQLITE_IOERR_NOMEM}));
    EXPECT_FALSE(cannotWrite({"", SQLITE_CONSTRAINT}));
    EXPECT_FALSE(cannotWrite({"no held message has that id", 0}));
    EXPECT_EQ(troubleOf({"", SQLITE_FULL}), DiskTrouble::Full);
    EXPECT_EQ(troubleOf({"", SQLITE_READONLY}), DiskTrouble::ReadOnly);
    EXPECT_EQ(troubleOf({"", SQLITE_IOERR_WRITE}), DiskTrouble::Unwritable);
}

TEST_F(AJournalInMemory, TakesTheWriteAFileThatCannotGrowRefusedAndKeepsWhatItHad) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    JournalStore& store = *opened.store;
    int moved = 0;
    store.onMovedToMemory([&] { ++moved; });
    ASSERT_EQ(*store.holdMessage(message("kept before the disk filled")), 1);
    const std::string big(4 << 20, 'x');
    {
        FileSizeLimit full{1 << 20};
        auto kept = store.holdMessage(message(big));
        ASSERT_TRUE(kept) << kept.error->message;
        EXPECT_EQ(*kept, 2) << "the ids go on from the file's";
    }
    EXPECT_TRUE(store.inMemory());
    EXPECT_EQ(moved, 1);
    EXPECT_EQ(store.heldInMemory(), 1u);
    auto held = store.held();
    ASSERT_TRUE(held);
    ASSERT_EQ(held->size(), 2u);
    EXPECT_EQ(held->front().body, "kept before the disk filled");
    EXPECT_EQ(held->back().body, big);
    // Everything else goes on in memory too, without moving again.
    EXPECT_TRUE(store.markRead(1));
    EXPECT_TRUE(store.recordChoice(1, Choice::Read, kT0));
    EXPECT_EQ(moved, 1);
    auto on_disk = bodiesIn(file());
    ASSERT_EQ(on_disk.size(), 1u) << "the memory journal was written to the file";
    EXPECT_EQ(on_disk[1], "kept before the disk filled");
}

TEST_F(AJournalInMemory, GoesBackToDiskAsASupersetWithTheSameIds) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    JournalStore& store = *opened.store;
    ASSERT_TRUE(store.holdMessage(message("kept before the disk filled")));
    {
        FileSizeLimit full{1 << 20};
        ASSERT_TRUE(store.holdMessage(message(std::string(2 << 20, 'x'))));
    }
    ASSERT_TRUE(store.inMemory());
    ASSERT_TRUE(store.letGo(1, kT0));
    ASSERT_EQ(*store.holdMessage(message("kept in memory")), 3);

    Status back = store.backToDisk(kT0);
    ASSERT_TRUE(back) << back.error->message;
    EXPECT_FALSE(store.inMemory());
    auto on_disk = bodiesIn(file());
    ASSERT_EQ(on_disk.size(), 3u);
    EXPECT_EQ(on_disk[1], "kept before the disk filled");
    EXPECT_EQ(on_disk[2].size(), std::size_t{2 << 20});
    EXPECT_EQ(on_disk[3], "kept in memory");
    auto first = store.heldById(1);
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((*first)->state, HeldState::LetGo) << "a change made in memory was lost";
    // The file is the journal again: in WAL, with its settings, for the user alone.
    auto settings = store.settings();
    ASSERT_TRUE(settings);
    EXPECT_EQ(settings->journal_mode, "wal");
    EXPECT_TRUE(settings->secure_delete);
    EXPECT_EQ(settings->schema_version, kJournalSchemaVersion);
    struct stat st {};
    ASSERT_EQ(::stat(file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(*store.holdMessage(message("on disk again")), 4);
    EXPECT_EQ(store.keptInLog(), 1u) << "the keep log is written to again";
    ASSERT_TRUE(store.held());  // the next call puts it into the file
    EXPECT_EQ(bodiesIn(file()).size(), 4u);
}

TEST_F(AJournalInMemory, ThatCannotGoBackLeavesTheFileAsItWasAndStaysInMemory) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    JournalStore& store = *opened.store;
    ASSERT_TRUE(store.holdMessage(message("kept before the disk filled")));
    {
        FileSizeLimit full{1 << 20};
        ASSERT_TRUE(store.holdMessage(message(std::string(4 << 20, 'x'))));
        ASSERT_TRUE(store.inMemory());
        const auto before = bodiesIn(file());
        // The copy needs more than 1 MiB: it fails half-way through.
        Status back = store.backToDisk(kT0);
        EXPECT_FALSE(back);
        EXPECT_TRUE(store.inMemory());
        EXPECT_EQ(bodiesIn(file()), before) << "a failed write-back changed the file";
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    char* result = nullptr;
    EXPECT_EQ(sqlite3_exec(
                  db, "PRAGMA integrity_check",
                  [](void* out, int, char** v, char**) {
                      *static_cast<char**>(out) = sqlite3_mprintf("%s", v[0]);
                      return 0;
                  },
                  &result, nullptr),
              SQLITE_OK);
    EXPECT_STREQ(result, "ok");
    sqlite3_free(result);
    sqlite3_close(db);
    EXPECT_EQ(store.held()->size(), 2u) << "the memory journal lost something";
    ASSERT_TRUE(store.backToDisk(kT0));  // room again
    EXPECT_EQ(bodiesIn(file()).size(), 2u);
}

TEST_F(AJournalInMemory, FromAReadOnlyFolderStartsAsACopyOfTheFile) {
    ASSERT_NO_FATAL_FAILURE(writeJournal());
    OpenResult opened = JournalStore::openInMemory(folder(), kReadOnly);
    ASSERT_TRUE(opened.store) << opened.error->message;
    JournalStore& store = *opened.store;
    EXPECT_TRUE(store.inMemory());
    EXPECT_EQ(store.trouble(), DiskTrouble::ReadOnly);
    auto held = store.held();
    ASSERT_TRUE(held);
    ASSERT_EQ(held->size(), 2u);
    EXPECT_EQ(held->at(0).id, 1);
    EXPECT_EQ(held->at(1).body, "second on disk");
    EXPECT_EQ(store.notes()->size(), 1u);
    const std::string before = bytesOf(file());
    ASSERT_EQ(*store.holdMessage(message("kept in memory only")), 3);
    EXPECT_FALSE(contains(bytesOf(file()), "kept in memory only"));
    EXPECT_EQ(bytesOf(file()), before) << "the file changed while the journal was in memory";

    ASSERT_TRUE(store.backToDisk(kT0));
    auto on_disk = bodiesIn(file());
    ASSERT_EQ(on_disk.size(), 3u);
    EXPECT_EQ(on_disk[1], "first on disk");
    EXPECT_EQ(on_disk[3], "kept in memory only");
}

TEST_F(AJournalInMemory, WithNoFileYetCreatesNothingUntilItGoesBack) {
    OpenResult opened = JournalStore::openInMemory(folder(), kReadOnly);
    ASSERT_TRUE(opened.store) << opened.error->message;
    ASSERT_TRUE(opened.store->holdMessage(message("kept in memory only")));
    EXPECT_FALSE(std::filesystem::exists(folder()));
    ASSERT_TRUE(opened.store->backToDisk(kT0));
    EXPECT_EQ(bodiesIn(file()), (std::map<std::int64_t, std::string>{{1, "kept in memory only"}}));
    struct stat st {};
    ASSERT_EQ(::stat(folder().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(AJournalInMemory, NeverWritesOverAMessageWaitingInTheFileThatItDoesNotHave) {
    OpenResult opened = JournalStore::openInMemory(folder(), kReadOnly);  // no file then
    ASSERT_TRUE(opened.store);
    ASSERT_TRUE(opened.store->holdMessage(message("kept in memory")));
    ASSERT_NO_FATAL_FAILURE(writeJournal());  // a file appeared meanwhile, with its own
    const auto before = bodiesIn(file());

    Status back = opened.store->backToDisk(kT0);
    EXPECT_FALSE(back);
    EXPECT_TRUE(opened.store->inMemory());
    EXPECT_EQ(bodiesIn(file()), before);
    EXPECT_EQ(opened.store->held()->size(), 1u);
}

TEST_F(AJournalInMemory, FromANewerNocontactIsRefusedAsOnDisk) {
    ASSERT_NO_FATAL_FAILURE(writeJournal());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    OpenResult opened = JournalStore::openInMemory(folder(), kReadOnly);
    EXPECT_FALSE(opened.store);
    ASSERT_TRUE(opened.error);
    EXPECT_NE(opened.error->message.find("newer"), std::string::npos) << opened.error->message;
}

}  // namespace
