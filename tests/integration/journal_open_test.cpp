// SPDX-License-Identifier: GPL-3.0-or-later
// Opening the journal when things are not as they should be: old schemas, damaged files,
// folders that cannot be written. A disk that fills up: journal_memory_test.cpp.
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/journal/store.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::SysTime;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::TempFolder;

const SysTime kT0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 16h + 15min};

// Runs SQL on the file with a connection of the test's own.
void runSql(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
}

// The operations SQLite's plan for `sql` runs, on the file, by a connection of the test's own.
std::vector<std::string> planOf(const std::filesystem::path& file, const std::string& sql) {
    std::vector<std::string> ops;
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open(file.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, ("EXPLAIN " + sql).c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW)
            ops.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return ops;
}

// A held row as keeping a message writes it, in a given state.
std::string heldInsert(const char* state) {
    return std::string{
               "INSERT INTO held(received_utc, contact, app_name, app_id, app_icon, "
               "desktop_entry, summary, body, state) "
               "VALUES(1, 'Alex', 'Signal', '', '', '', 'hi', 'there', '"} +
           state + "')";
}

// Keeping a message checks its state without building a temporary table first (SQLite does
// for `state IN (four values)`), and still refuses a state that is not one of them.
void expectHeldStateCheckedCheaply(const std::filesystem::path& file) {
    auto plan = planOf(file, heldInsert("held"));
    ASSERT_FALSE(plan.empty());
    EXPECT_EQ(std::count(plan.begin(), plan.end(), "OpenEphemeral"), 0);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, heldInsert("lost").c_str(), nullptr, nullptr, nullptr),
              SQLITE_CONSTRAINT);
    EXPECT_EQ(sqlite3_exec(db, heldInsert("later").c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

HeldMessage message(std::string body) {
    HeldMessage m;
    m.received = kT0;
    m.contact = "Alex";
    m.app_name = "Signal";
    m.body = std::move(body);
    return m;
}

class AJournalFile : public ::testing::Test {
  protected:
    std::filesystem::path folder() const { return dir_.path() / "nocontact"; }
    std::filesystem::path file() const { return folder() / kJournalFileName; }
    void makeFolder() const { std::filesystem::create_directories(folder()); }
    TempFolder dir_;
};

TEST_F(AJournalFile, FromBeforeAnySchemaIsMigratedAndKeepsWhatElseItHeld) {
    makeFolder();
    runSql(file(), "CREATE TABLE unrelated(x); INSERT INTO unrelated VALUES (42);");

    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    EXPECT_EQ(opened.store->settings()->schema_version, kJournalSchemaVersion);
    auto id = opened.store->holdMessage(message("migrated"));
    ASSERT_TRUE(id);
    EXPECT_EQ((*opened.store->heldById(*id))->body, "migrated");
    opened.store.reset();
    runSql(file(), "SELECT x FROM unrelated;");  // not dropped by the migration
}

// A journal as schema version 1 left it: a held message, a choice about it, an event.
constexpr const char* kVersion1Journal = R"sql(
    CREATE TABLE events(
        id INTEGER PRIMARY KEY, time_utc INTEGER NOT NULL, contact TEXT NOT NULL,
        source TEXT NOT NULL, app TEXT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL,
        action TEXT NOT NULL);
    CREATE INDEX events_by_time ON events(time_utc);
    CREATE INDEX events_by_contact ON events(contact, time_utc);
    CREATE TABLE held(
        id INTEGER PRIMARY KEY, received_utc INTEGER NOT NULL, contact TEXT NOT NULL,
        app_name TEXT NOT NULL, app_id TEXT NOT NULL, app_icon TEXT NOT NULL,
        desktop_entry TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL,
        state TEXT NOT NULL CHECK(state IN ('held', 'later', 'read', 'let_go')),
        let_go_utc INTEGER,
        CHECK((state = 'let_go') = (let_go_utc IS NOT NULL)),
        CHECK(state <> 'read' OR (summary = '' AND body = '')));
    CREATE INDEX held_by_contact ON held(contact, state);
    CREATE TABLE choices(
        id INTEGER PRIMARY KEY, held_id INTEGER REFERENCES held(id) ON DELETE SET NULL,
        time_utc INTEGER NOT NULL,
        choice TEXT NOT NULL CHECK(choice IN ('read', 'later', 'let_go', 'expired')));
    CREATE INDEX choices_by_held ON choices(held_id);
    CREATE TABLE notes(
        id INTEGER PRIMARY KEY, time_utc INTEGER NOT NULL, contact TEXT NOT NULL,
        text TEXT NOT NULL);
    CREATE TABLE overrides(
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL CHECK(type IN ('soften', 'harden', 'final_straw', 'snooze')),
        contact TEXT NOT NULL,
        to_level TEXT CHECK(to_level IN ('open', 'gentle', 'pause', 'firm', 'strict')),
        steps INTEGER NOT NULL, start_utc INTEGER NOT NULL, until_utc INTEGER,
        since_date INTEGER, note TEXT NOT NULL);
    INSERT INTO held VALUES(7, 100, 'Alex', 'Signal', '', '', '', 'hi', 'there', 'held', NULL);
    INSERT INTO choices VALUES(1, 7, 200, 'later');
    INSERT INTO events VALUES(1, 100, 'Alex', 'fdo', 'signal', 'message', 'pause', 'pause');
    PRAGMA user_version = 1;
)sql";

TEST_F(AJournalFile, FromVersion1GainsDirectionsAndWhoseEachChoiceWas) {
    makeFolder();
    runSql(file(), kVersion1Journal);

    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    EXPECT_EQ(opened.store->settings()->schema_version, kJournalSchemaVersion);
    auto choices = *opened.store->choicesSince(SysTime{});
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].contact, "Alex") << "filled in from the message it answered";
    auto events = *opened.store->eventsSince(SysTime{});
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].direction, "incoming");
    EXPECT_EQ((*opened.store->heldById(7))->body, "there") << "the kept message is still kept";
    EXPECT_EQ(choices[0].held_id, 7) << "still the choice about that message (v6 copied held)";
    opened.store.reset();
    expectHeldStateCheckedCheaply(file());
}

TEST_F(AJournalFile, NewChecksAKeptMessagesStateWithoutATemporaryTable) {
    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    opened.store.reset();
    expectHeldStateCheckedCheaply(file());
}

TEST_F(AJournalFile, FromANewerNocontactIsLeftAsItIs) {
    makeFolder();
    runSql(file(), "PRAGMA user_version = 99;");
    const std::string before = bytesOf(file());

    OpenResult opened = JournalStore::open(folder(), kT0);
    EXPECT_FALSE(opened.store);
    ASSERT_TRUE(opened.error);
    EXPECT_NE(opened.error->message.find("newer"), std::string::npos) << opened.error->message;
    EXPECT_FALSE(opened.moved_aside);
    EXPECT_TRUE(bytesOf(file()) == before);  // not even the journal mode changed
}

TEST_F(AJournalFile, ThatIsNotADatabaseIsMovedAsideAndAFreshOneStarts) {
    makeFolder();
    std::string garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is not a database, only words. ";
    std::ofstream(file()) << garbage;

    OpenResult opened = JournalStore::open(folder(), kT0);
    ASSERT_TRUE(opened.store) << opened.error->message;
    ASSERT_TRUE(opened.moved_aside);
    EXPECT_EQ(*opened.moved_aside, folder() / "journal.sqlite3.corrupt-20261126T161500Z");
    EXPECT_TRUE(bytesOf(*opened.moved_aside) == garbage);  // kept for the user, untouched
    EXPECT_TRUE(opened.store->holdMessage(message("a fresh start")));
    EXPECT_EQ(opened.store->held()->size(), 1u);
}

TEST_F(AJournalFile, InAFolderThatCannotBeMadeGivesAnErrorNotACrash) {
    // A regular file where a folder should be: refused even to root, unlike a 0500 folder.
    std::ofstream(dir_.path() / "state") << "a file";
    OpenResult opened = JournalStore::open(dir_.path() / "state" / "nocontact", kT0);
    EXPECT_FALSE(opened.store);
    ASSERT_TRUE(opened.error);
    EXPECT_NE(opened.error->message.find("journal folder"), std::string::npos)
        << opened.error->message;
}

// Opens the journal under `folder` in a child process that cannot write there — as the unprivileged
// user "nobody" when the tests run as root, since root writes into read-only folders — and
// returns the child's exit status: 0 when open() reported an error, 1 when it claimed success.
int openAsSomeoneWhoCannotWrite(const std::filesystem::path& folder) {
    pid_t child = ::fork();
    if (child == 0) {
        constexpr uid_t kNobody = 65534;  // Debian's nobody / nogroup
        if (::geteuid() == 0 && (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) _exit(2);
        OpenResult opened = JournalStore::open(folder, kT0);
        _exit(opened.store || !opened.error || opened.error->message.empty() ? 1 : 0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
}

TEST_F(AJournalFile, InAReadOnlyFolderGivesAnErrorNotACrash) {
    const auto state = dir_.path() / "state";
    std::filesystem::create_directory(state);
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
    ASSERT_EQ(::chmod(state.c_str(), 0555), 0);

    int status = openAsSomeoneWhoCannotWrite(state / "nocontact");
    ASSERT_TRUE(WIFEXITED(status)) << "the child crashed, status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_FALSE(std::filesystem::exists(state / "nocontact"));
}

}  // namespace
