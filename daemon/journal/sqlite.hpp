// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/journal/store.hpp"

// Small helpers over the SQLite C API for the journal store. Internal to journal_*.cpp.

namespace nocontact::daemon::sql {

struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, Finalize>;

// "what: <sqlite3_errmsg>", with SQLite's extended result code. SQLite's message names tables
// and constraints, never bound values.
StoreError errorOf(sqlite3* db, std::string_view what);

// The SQLite result code closest to a failed system call's errno (SQLITE_FULL for ENOSPC, ...).
int codeOfErrno(int err);

// A connection to the journal file, opened as JournalStore::open does it (folder and file made
// with their modes, an unreadable file moved aside, pragmas, migrations). `db` is null on error.
// With `check`, a file PRAGMA quick_check finds damaged is moved aside too, and what can still
// be read from a file moved aside is copied into the new one.
struct DiskConnection {
    sqlite3* db = nullptr;
    std::optional<StoreError> error{};
    std::optional<std::filesystem::path> moved_aside{};
    Salvaged salvaged{};
};
DiskConnection openDisk(const std::filesystem::path& folder, policy::SysTime now,
                        bool check = false);

struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, Close>;

// An empty database in memory, with the journal's connection settings; temporary tables and
// indices stay in memory too, so nothing of the memory journal reaches a file.
Db openMemory(std::optional<StoreError>& error);

// "file:<path>?<query>", the path percent-encoded where a URI needs it.
std::string uriOf(const std::filesystem::path& file, const char* query);

// Renames the unreadable file (and its sidecars) to journal.sqlite3.corrupt-<stamp>[-wal|-shm].
Result<std::filesystem::path> moveAside(const std::filesystem::path& file, policy::SysTime now);

// True when `db` (its file, its write-ahead log) is damaged: PRAGMA quick_check says so, or
// cannot read it for damage.
bool damaged(sqlite3* db);

// Copies every row that can still be read from `from` (a damaged journal) into `to` (a journal
// with the schema and nothing in it), table by table up to the first damaged row of each, in
// one transaction on `to`.
Salvaged salvage(sqlite3* from, sqlite3* to);
// The same from the file at `file`, opened read-only (nothing of it is changed).
Salvaged salvageFile(const std::filesystem::path& file, sqlite3* to);

// Refuses a journal of a newer schema, then migrates `db` up to kJournalSchemaVersion.
Status readySchema(sqlite3* db);

// The journal file and its -wal and -shm sidecars: 0600 again (SQLite copies the file's mode).
void fixPermissions(const std::filesystem::path& file);

// Prepares `sql` once, for the life of the store.
Result<Stmt> prepare(sqlite3* db, const char* sql);

// Runs SQL with no results (pragmas, schema, transactions).
Status exec(sqlite3* db, const char* sql, std::string_view what);

// One use of a prepared statement: binds in order, steps, reads columns, and resets the
// statement when it goes out of scope so that no statement keeps a read transaction open (an
// open read would stop the WAL from being truncated, and cleared text would linger there).
class Use {
  public:
    explicit Use(sqlite3_stmt* s) : s_(s) {}
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

    Use& bind(std::int64_t v);
    // A named string is bound without a copy, so it must live until the Use goes (one copy
    // fewer of a message's text in SQLite's memory, besides its record and page); a temporary
    // is copied.
    Use& bind(const std::string& v);
    Use& bind(std::string&& v);
    Use& bind(std::optional<std::int64_t> v);

    // SQLITE_ROW, SQLITE_DONE, or the error code (a failed bind is reported here).
    int step();
    // Steps to completion: true when the statement ran without error.
    bool run() { return step() == SQLITE_DONE; }

    std::int64_t integer(int column) const { return sqlite3_column_int64(s_, column); }
    std::string text(int column) const;
    std::optional<std::int64_t> optInteger(int column) const;

  private:
    void check(int rc) {
        if (rc != SQLITE_OK && rc_ == SQLITE_OK) rc_ = rc;
    }
    sqlite3_stmt* s_;
    int next_ = 1;
    int rc_ = SQLITE_OK;
};

// Seconds since the epoch, as the journal stores every time.
inline std::int64_t toSql(policy::SysTime t) {
    return policy::unixSeconds(t);
}
inline policy::SysTime fromSql(std::int64_t s) {
    return policy::SysTime{policy::Seconds{s}};
}

constexpr std::array<const char*, 4> kStateNames = {"held", "later", "read", "let_go"};
constexpr std::array<const char*, 4> kChoiceNames = {"read", "later", "let_go", "expired"};
constexpr std::array<const char*, 4> kOverrideNames = {"soften", "harden", "final_straw", "snooze"};

// The stored name of an enum value (the schema's CHECK constraints list the same names).
template <typename Enum, std::size_t N>
std::string name(const std::array<const char*, N>& names, Enum e) {
    return names[static_cast<std::size_t>(e)];
}

// The enum whose name is `text`; the schema's CHECK constraints keep the text one of them.
template <typename Enum, std::size_t N>
Enum parse(const std::array<const char*, N>& names, const std::string& text) {
    for (std::size_t i = 0; i < N; ++i) {
        if (text == names[i]) return static_cast<Enum>(i);
    }
    return static_cast<Enum>(0);
}

template <typename T>
Result<T> fail(sqlite3* db, std::string_view what) {
    return {.value = std::nullopt, .error = errorOf(db, what)};
}

template <typename T>
Result<T> ok(T value) {
    return {.value = std::move(value), .error = std::nullopt};
}

// Why a store keeps no message while another process holds the journal's keep log: the ids it
// gave could be the ones that process has given.
inline StoreError keptElsewhere() {
    return {"another nocontact keeps messages in this journal", 0};
}

inline Status failed(sqlite3* db, std::string_view what) {
    return {errorOf(db, what)};
}

// Reads every row of `use` with `from`; nullopt when a step failed.
template <typename Row, typename From>
std::optional<std::vector<Row>> collect(Use& use, From from) {
    std::vector<Row> rows;
    int rc;
    while ((rc = use.step()) == SQLITE_ROW)
        rows.push_back(from(use));
    if (rc != SQLITE_DONE) return std::nullopt;
    return rows;
}

}  // namespace nocontact::daemon::sql

namespace nocontact::daemon {

// Every statement the store runs, prepared once at open and reused.
struct JournalStore::Statements {
    sql::Stmt insertEvent, eventsSince, eventTimes, lastReached;
    sql::Stmt insertHeld, selectHeld, heldById, markRead, setState, insertChoice, choicesSince,
        blankLetGo, deleteLetGo;
    sql::Stmt insertNote, selectNotes;
    sql::Stmt insertOverride, replaceOverride, selectOverrides, deleteExpired, deleteOverride;
    sql::Stmt saveFinalStraw, selectFinalStraws;
    sql::Stmt begin, commit, rollback;
};

}  // namespace nocontact::daemon

namespace nocontact::daemon {

template <typename Op>
auto JournalStore::writing(Op op) -> decltype(op()) {
    auto result = reading(op);
    // Every statement of `op` is reset by now (sql::Use), so the connection can be swapped.
    if (result.error && !memory_ && cannotWrite(*result.error) && moveToMemory(*result.error))
        result = op();
    return result;
}

template <typename Op>
auto JournalStore::reading(Op op) -> decltype(op()) {
    if (!kept_.empty()) (void)flushKept();  // every call sees the messages kept before it
    // Text the journal has taken is not left in the log longer than it must be.
    if (log_dirty_ && !memory_) (void)clearKeepLog();
    auto result = op();
    // A memory journal is never damaged: only a file can be.
    if (result.error && !memory_ && isDamaged(*result.error) && setAsideDamaged()) result = op();
    return result;
}

// Runs `body` (returning false on failure) between BEGIN IMMEDIATE and COMMIT; rolls back
// when any part fails, so a failure leaves the journal as it was. The error is read before the
// rollback, which would replace SQLite's message.
template <typename Body>
Status JournalStore::inTransaction(std::string_view what, Body body) {
    if (!sql::Use{stmts_->begin.get()}.run()) return sql::failed(db_, what);
    if (body() && sql::Use{stmts_->commit.get()}.run()) return {};
    Status error = sql::failed(db_, what);
    sql::Use{stmts_->rollback.get()}.run();
    return error;
}

}  // namespace nocontact::daemon
