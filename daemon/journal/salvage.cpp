// SPDX-License-Identifier: GPL-3.0-or-later
// A damaged journal: found by PRAGMA quick_check at start, or by SQLITE_CORRUPT / SQLITE_NOTADB
// from any statement while running. The file is set aside untouched and the journal goes on in
// a new one holding every row that could still be read, so no contact message is left on
// screen because of it.
#include <chrono>
#include <string>

#include "daemon/journal/sqlite.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon {

namespace fs = std::filesystem;

namespace {

// In the order their rows are copied: held before choices, which name held rows.
constexpr const char* kTables[] = {"held",  "events",    "choices",
                                   "notes", "overrides", "final_straws"};

// "INSERT OR IGNORE INTO t("a", "b") VALUES(?, ?)" for the columns `select` reads: by name, so
// a file of an older schema fills what it has and the defaults do the rest.
std::string insertFor(const char* table, sqlite3_stmt* select) {
    std::string columns, marks;
    for (int i = 0; i < sqlite3_column_count(select); ++i) {
        columns += std::string(i ? ", \"" : "\"") + sqlite3_column_name(select, i) + "\"";
        marks += i ? ", ?" : "?";
    }
    return std::string("INSERT OR IGNORE INTO ") + table + "(" + columns + ") VALUES(" + marks +
           ")";
}

// Copies the rows of `table` up to the first one that cannot be read (a row the schema's checks
// refuse is skipped); true when the table was read to its end.
bool copyTable(sqlite3* from, sqlite3* to, const char* table, std::size_t& rows) {
    auto select = sql::prepare(from, (std::string("SELECT * FROM ") + table).c_str());
    if (!select) return false;
    sqlite3_stmt* read = select.value->get();
    auto insert = sql::prepare(to, insertFor(table, read).c_str());
    if (!insert) return false;
    sqlite3_stmt* write = insert.value->get();
    int rc;
    while ((rc = sqlite3_step(read)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(read); ++i)
            sqlite3_bind_value(write, i + 1, sqlite3_column_value(read, i));
        if (sqlite3_step(write) == SQLITE_DONE && sqlite3_changes(to) > 0) ++rows;
        sqlite3_reset(write);
    }
    sqlite3_reset(read);
    return rc == SQLITE_DONE;
}

std::size_t waitingIn(sqlite3* db) {
    auto count = sql::prepare(db, "SELECT count(*) FROM held WHERE state IN ('held', 'later')");
    if (!count) return 0;
    sql::Use use{count.value->get()};
    return use.step() == SQLITE_ROW ? static_cast<std::size_t>(use.integer(0)) : 0;
}

}  // namespace

namespace sql {

bool damaged(sqlite3* db) {
    auto check = prepare(db, "PRAGMA quick_check(1)");
    if (!check) return isDamaged(*check.error);
    Use use{check.value->get()};
    const int rc = use.step();
    if (rc == SQLITE_ROW) return use.text(0) != "ok";
    return isDamaged(errorOf(db, "checking the journal"));
}

Salvaged salvage(sqlite3* from, sqlite3* to) {
    // A choice may name a message that could not be read: foreign keys are checked (and such a
    // link cleared) once every table is in.
    if (!exec(to, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", "salvaging the journal")) return {};
    Salvaged saved{.whole = true};
    for (const char* table : kTables)
        saved.whole = copyTable(from, to, table, saved.rows) && saved.whole;
    Status done = exec(to,
                       "UPDATE choices SET held_id = NULL WHERE held_id NOT IN (SELECT id FROM "
                       "held); COMMIT",
                       "salvaging the journal");
    if (!done) sqlite3_exec(to, "ROLLBACK", nullptr, nullptr, nullptr);
    (void)exec(to, "PRAGMA foreign_keys=ON", "salvaging the journal");
    if (!done) return {};
    saved.waiting = waitingIn(to);
    return saved;
}

Salvaged salvageFile(const fs::path& file, sqlite3* to) {
    sqlite3* raw = nullptr;
    const std::string uri = uriOf(file, "mode=ro");
    int rc = sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    Db from{raw};
    if (rc != SQLITE_OK) return {};
    sqlite3_extended_result_codes(raw, 1);
    return salvage(from.get(), to);
}

}  // namespace sql

bool JournalStore::setAsideDamaged() {
    const auto now = clock_->now().utc;
    std::optional<StoreError> error;
    sql::Db memory = sql::openMemory(error);
    if (!memory || !sql::readySchema(memory.get())) return false;
    const Salvaged saved = sql::salvage(db_, memory.get());
    if (!adopt(memory.get())) return false;  // the damaged file's connection is closed
    memory.release();
    auto aside = sql::moveAside(path_, now);
    // The file is no one's to read now: every waiting message counts as kept only in memory
    // until it is written to a new file (at once, below, or when the disk lets it).
    memory_ = Memory{.why = DiskTrouble::Unwritable,
                     .held = 0,
                     .copied = aside.value.has_value(),
                     .last_disk_id = 0};
    if (aside) (void)backToDisk(now);
    if (on_set_aside_) on_set_aside_(aside.value, saved);
    if (memory_ && on_moved_) on_moved_();
    return true;
}

}  // namespace nocontact::daemon
