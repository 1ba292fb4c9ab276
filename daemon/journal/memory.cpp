// SPDX-License-Identifier: GPL-3.0-or-later
// The journal in memory: moving there when the disk cannot take a write, and back once it can.
// Both ways go through SQLite's online backup API, which copies a whole database as one
// transaction on the destination: a copy that fails half-way leaves the destination as it was.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "daemon/journal/sqlite.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon {

namespace fs = std::filesystem;

bool cannotWrite(const StoreError& error) {
    if (error.code == SQLITE_IOERR_NOMEM) return false;  // memory, not the disk
    switch (error.code & 0xff) {
        case SQLITE_FULL:
        case SQLITE_READONLY:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        // Another program holds the file's write lock: a message to keep cannot wait for it.
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return true;
        default:
            return false;
    }
}

DiskTrouble troubleOf(const StoreError& error) {
    switch (error.code & 0xff) {
        case SQLITE_FULL:
            return DiskTrouble::Full;
        case SQLITE_READONLY:
            return DiskTrouble::ReadOnly;
        default:
            return DiskTrouble::Unwritable;
    }
}

bool isDamaged(const StoreError& error) {
    const int primary = error.code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

namespace sql {

Db openMemory(std::optional<StoreError>& error) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Db db{raw};
    if (rc != SQLITE_OK) {
        error = sql::errorOf(raw, "cannot keep the journal in memory");
        return nullptr;
    }
    sqlite3_extended_result_codes(raw, 1);
    Status s = sql::exec(raw,
                         "PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON; "
                         "PRAGMA foreign_keys=ON;",
                         "configuring the journal in memory");
    if (!s) {
        error = s.error;
        return nullptr;
    }
    return db;
}

std::string uriOf(const fs::path& file, const char* query) {
    std::string uri = "file:";
    for (char c : file.string()) {
        if (c == '%' || c == '?' || c == '#') {
            constexpr const char* kHex = "0123456789ABCDEF";
            uri += '%';
            uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            uri += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
            uri += c;
        }
    }
    return uri + "?" + query;
}

}  // namespace sql

namespace {

using sql::Db;
using sql::openMemory;
using sql::uriOf;

// Copies the whole of `from` over `to` in one step, as one transaction on `to`. An empty
// `to` in memory takes `from`'s page size first (the backup API requires equal sizes there).
Status copyDatabase(sqlite3* from, sqlite3* to, const char* what) {
    if (sqlite3_get_autocommit(to) && sqlite3_db_readonly(to, "main") == 0) {
        sqlite3_stmt* size = nullptr;
        if (sqlite3_prepare_v2(from, "PRAGMA page_size", -1, &size, nullptr) == SQLITE_OK &&
            sqlite3_step(size) == SQLITE_ROW) {
            const std::string set =
                "PRAGMA page_size=" + std::to_string(sqlite3_column_int(size, 0));
            sqlite3_exec(to, set.c_str(), nullptr, nullptr, nullptr);  // a no-op on a non-empty one
        }
        sqlite3_finalize(size);
    }
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup) return sql::failed(to, what);
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);  // rolls `to` back when the step failed
    if (rc != SQLITE_DONE) {
        StoreError error{std::string{what} + ": " + sqlite3_errstr(rc), rc};
        return {error};
    }
    return {};
}

// Copies the journal file into `to`, read-only. True when it was copied, or when there is no
// journal to copy (no file, or one never written): the memory journal is then a faithful
// starting point. A WAL-mode file in a read-only folder cannot always be opened read-only
// (SQLite needs its -shm); with no -wal holding anything, it is read as immutable instead.
bool copyFile(const fs::path& file, sqlite3* to) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return errno == ENOENT;
    if (st.st_size == 0) return true;
    struct stat wal {};
    const bool wal_empty = ::stat((file.string() + "-wal").c_str(), &wal) != 0 || wal.st_size == 0;
    for (const char* query : {"mode=ro", "immutable=1"}) {
        if (std::string{query} == "immutable=1" && !wal_empty) break;
        sqlite3* raw = nullptr;
        const std::string uri = uriOf(file, query);
        int rc =
            sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
        Db from{raw};
        if (rc == SQLITE_OK && copyDatabase(from.get(), to, "copying the journal into memory"))
            return true;
    }
    return false;
}

// True when the file at `file` holds something (a journal that was not read must not be
// replaced).
bool hasContent(const fs::path& file) {
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 && st.st_size > 0;
}

// Every message waiting in `disk` (held or later) is in `memory` too, under the same id: the
// memory journal began as a copy of the file and only grew since. Anything else means the file
// holds what memory never saw, and writing memory over it would lose it.
Status keepsEveryWaiting(sqlite3* disk, sqlite3* memory) {
    auto waiting = sql::prepare(
        disk, "SELECT id, received_utc, contact FROM held WHERE state IN ('held', 'later')");
    auto same = sql::prepare(
        memory, "SELECT 1 FROM held WHERE id = ? AND received_utc = ? AND contact = ?");
    if (!waiting) return {waiting.error};
    if (!same) return {same.error};
    sql::Use rows{waiting.value->get()};
    int rc;
    while ((rc = rows.step()) == SQLITE_ROW) {
        sql::Use match{same.value->get()};
        match.bind(rows.integer(0)).bind(rows.integer(1)).bind(rows.text(2));
        if (match.step() != SQLITE_ROW) {
            return {
                StoreError{"a message waiting in the journal file is not in memory; the file "
                           "is left as it is",
                           SQLITE_CONSTRAINT}};
        }
    }
    if (rc != SQLITE_DONE) return sql::failed(disk, "reading the journal file");
    return {};
}

}  // namespace

Status JournalStore::adopt(sqlite3* db) {
    sqlite3* old_db = db_;
    auto old_stmts = std::move(stmts_);
    db_ = db;
    stmts_ = std::make_unique<Statements>();
    if (Status s = prepareAll(); !s) {
        stmts_ = std::move(old_stmts);
        db_ = old_db;
        return s;
    }
    old_stmts.reset();  // statements first: sqlite3_close refuses while any is alive
    sqlite3_close(old_db);
    return {};
}

OpenResult JournalStore::openInMemory(const fs::path& folder, const StoreError& why) {
    std::optional<StoreError> error;
    Db db = openMemory(error);
    if (!db) return {nullptr, error, std::nullopt};
    const fs::path file = folder / kJournalFileName;
    const bool copied = copyFile(file, db.get());
    Status s = sql::readySchema(db.get());
    if (!s) return {nullptr, s.error, std::nullopt};
    std::unique_ptr<JournalStore> store{new JournalStore(db.release(), file)};
    if (s = store->prepareAll(); !s) return {nullptr, s.error, std::nullopt};
    store->memory_ = Memory{
        .why = troubleOf(why), .held = 0, .copied = copied, .last_disk_id = lastHeldId(store->db_)};
    // Messages a crash left in the keep log come into memory with the rest (and the log, when
    // it can be written, takes messages again once the journal is back on disk).
    store->takeKeepLog(folder);
    return {std::move(store), std::nullopt, std::nullopt};
}

bool JournalStore::moveToMemory(const StoreError& why) {
    std::optional<StoreError> error;
    Db db = openMemory(error);
    if (!db) return false;
    // The file can still be read through the open connection (the failed write was rolled
    // back): history and waiting messages come along, with their ids.
    bool copied = static_cast<bool>(copyDatabase(db_, db.get(), "copying the journal to memory"));
    if (!copied && !sql::readySchema(db.get())) return false;
    if (!adopt(db.get())) return false;
    db.release();  // the store's now
    memory_ =
        Memory{.why = troubleOf(why), .held = 0, .copied = copied, .last_disk_id = lastHeldId(db_)};
    if (on_moved_) on_moved_();
    return true;
}

std::int64_t JournalStore::lastHeldId(sqlite3* db) {
    auto stmt = sql::prepare(db, "SELECT COALESCE(MAX(id), 0) FROM held");
    if (!stmt) return 0;
    sql::Use use{stmt.value->get()};
    return use.step() == SQLITE_ROW ? use.integer(0) : 0;
}

Result<std::vector<HeldMessage>> JournalStore::waitingOnlyInMemory() {
    if (!memory_) return sql::ok(std::vector<HeldMessage>{});
    auto waiting = held({.states = {HeldState::Held, HeldState::Later}});
    if (!waiting) return waiting;
    std::erase_if(*waiting.value, [&](const HeldMessage& m) {
        return m.id <= memory_->last_disk_id ||
               std::find(memory_->in_log.begin(), memory_->in_log.end(), m.id) !=
                   memory_->in_log.end();
    });
    return waiting;
}

Status JournalStore::backToDisk(policy::SysTime now) {
    if (!memory_) return {};
    if (!memory_->copied && hasContent(path_)) {
        return {
            StoreError{"the journal file could not be read when the journal went to memory; "
                       "it is left as it is",
                       SQLITE_CANTOPEN}};
    }
    sql::DiskConnection disk = sql::openDisk(path_.parent_path(), now);
    if (!disk.db) return {disk.error};
    Db owned{disk.db};
    if (Status s = keepsEveryWaiting(owned.get(), db_); !s) return s;
    if (Status s = copyDatabase(db_, owned.get(), "writing the journal back to disk"); !s) return s;
    if (Status s = adopt(owned.get()); !s) return s;
    owned.release();
    memory_.reset();
    // The file has what a log that could not be cleared still held: cleared now, if it can be.
    if (log_dirty_) (void)clearKeepLog();
    sql::fixPermissions(path_);
    // The copy went through the WAL: into the file now, so no old page lingers there.
    (void)scrub();
    return {};
}

}  // namespace nocontact::daemon
