// SPDX-License-Identifier: GPL-3.0-or-later
// A journal file with a damaged page (one page overwritten, as a failing disk would): found by
// the check at start or by the first statement that reads the page while running. Either way
// the file is set aside untouched, and the journal goes on in a new file with every row that
// could still be read, so a message to keep is kept.
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "daemon/journal/store.hpp"
#include "tests/integration/journal_test_util.hpp"
#include "tests/integration/test_clock.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::SysTime;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::damageRootPage;
using nocontact::testing::journal::integrityOk;
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

EventRow event() {
    return {.time = kT0,
            .contact = "Alex",
            .source = "fdo",
            .app = "signal",
            .kind = "notification",
            .level = "firm",
            .action = "withhold"};
}

class ADamagedJournal : public ::testing::Test {
  protected:
    std::filesystem::path folder() const { return dir_.path() / "nocontact"; }
    std::filesystem::path file() const { return folder() / kJournalFileName; }

    // A journal with two messages waiting and their events, closed.
    void writeTwoWaiting() {
        OpenResult opened = JournalStore::open(folder(), kT0);
        ASSERT_TRUE(opened.store);
        ASSERT_TRUE(opened.store->keepWithheld(event(), message("first, waiting")));
        ASSERT_TRUE(opened.store->keepWithheld(event(), message("second, waiting")));
    }

    // The files beside the journal that were set aside.
    std::vector<std::filesystem::path> setAside() const {
        std::vector<std::filesystem::path> found;
        for (const auto& entry : std::filesystem::directory_iterator(folder())) {
            const std::string name = entry.path().filename().string();
            if (name.rfind("journal.sqlite3.corrupt-", 0) == 0 && !name.ends_with("-wal") &&
                !name.ends_with("-shm"))
                found.push_back(entry.path());
        }
        return found;
    }

    TempFolder dir_;
};

TEST_F(ADamagedJournal, IsFoundAtStartSetAsideAndTheNewOneKeepsTheMessagesThatCouldBeRead) {
    ASSERT_NO_FATAL_FAILURE(writeTwoWaiting());
    ASSERT_TRUE(damageRootPage(file(), "events"));
    const std::string damaged = bytesOf(file());

    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    ASSERT_TRUE(opened.moved_aside) << "the damage went unnoticed";
    EXPECT_EQ(bytesOf(*opened.moved_aside), damaged) << "the damaged file was changed";
    EXPECT_EQ(opened.salvaged.waiting, 2u);
    EXPECT_FALSE(opened.salvaged.whole);
    auto held = opened.store->held();
    ASSERT_TRUE(held);
    ASSERT_EQ(held->size(), 2u);
    EXPECT_EQ((*held)[0].body, "first, waiting");
    EXPECT_EQ((*held)[1].body, "second, waiting");
    EXPECT_TRUE(opened.store->keepWithheld(event(), message("after the damage")));
    EXPECT_TRUE(integrityOk(file()));
}

TEST_F(ADamagedJournal, WithItsHeldTableLostSaysNothingWaitingCouldBeReadAndStartsAfresh) {
    ASSERT_NO_FATAL_FAILURE(writeTwoWaiting());
    ASSERT_TRUE(damageRootPage(file(), "held"));

    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    ASSERT_TRUE(opened.moved_aside) << "the damage went unnoticed";
    EXPECT_EQ(opened.salvaged.waiting, 0u);
    EXPECT_EQ(opened.salvaged.rows, 2u) << "the events could still be read";
    EXPECT_FALSE(opened.salvaged.whole);
    EXPECT_EQ(opened.store->eventsSince(kT0)->size(), 2u);
    EXPECT_TRUE(opened.store->keepWithheld(event(), message("after the damage")));
}

TEST_F(ADamagedJournal, FoundWhileRunningIsSetAsideAndTheMessageIsKeptInANewFile) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    JournalStore& store = *opened.store;
    std::optional<std::filesystem::path> told;
    Salvaged saved;
    int calls = 0;
    store.onSetAside([&](const std::optional<std::filesystem::path>& file, const Salvaged& s) {
        told = file;
        saved = s;
        ++calls;
    });
    // The damage is found a day and a half after the journal opened; the file set aside is
    // named for that moment, read from the store's clock.
    nocontact::testing::TestClock clock(kT0);
    store.useClock(clock);
    ASSERT_TRUE(store.keepWithheld(event(), message("kept before the damage")));
    ASSERT_TRUE(damageRootPage(file(), "held"));
    clock.advance(36h);

    auto id = store.keepWithheld(event(), message("arrives after the damage"));
    ASSERT_TRUE(id) << id.error->message;
    ASSERT_EQ(calls, 1) << "the damage went unnoticed";
    ASSERT_TRUE(told);
    EXPECT_EQ(setAside(), std::vector<std::filesystem::path>{*told});
    EXPECT_EQ(told->filename(), "journal.sqlite3.corrupt-20261128T041500Z");
    EXPECT_EQ(saved.rows, 1u) << "the event before the damage could still be read";
    EXPECT_FALSE(store.inMemory()) << "the new file could be written";
    auto kept = store.heldById(*id);
    ASSERT_TRUE(kept && *kept);
    EXPECT_EQ((*kept)->body, "arrives after the damage");
    EXPECT_TRUE(integrityOk(file()));
}

TEST_F(ADamagedJournal, FoundByAReadWhileRunningIsSetAsideAndReadingGoesOn) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    JournalStore& store = *opened.store;
    int calls = 0;
    store.onSetAside([&](const auto&, const Salvaged&) { ++calls; });
    ASSERT_TRUE(store.keepWithheld(event(), message("kept before the damage")));
    ASSERT_TRUE(damageRootPage(file(), "held"));

    auto held = store.held();
    ASSERT_TRUE(held) << held.error->message;
    EXPECT_EQ(calls, 1) << "the damage went unnoticed";
    EXPECT_TRUE(held->empty());
    EXPECT_TRUE(store.keepWithheld(event(), message("arrives after the damage")));
    EXPECT_EQ(store.held()->size(), 1u);
}

TEST_F(ADamagedJournal, OrOneLockedByAnotherProgramStillKeepsTheMessageInMemory) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store);
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

    auto id = opened.store->keepWithheld(event(), message("arrives while the file is locked"));
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    ASSERT_TRUE(id) << id.error->message;
    EXPECT_TRUE(opened.store->inMemory());
    EXPECT_TRUE(opened.store->backToDisk(kT0));
    EXPECT_EQ((*opened.store->heldById(*id))->body, "arrives while the file is locked");
}

}  // namespace
