// SPDX-License-Identifier: GPL-3.0-or-later
// Opening the journal: the folder and file with their permissions, the pragmas, moving an
// unreadable file aside, and the schema migrations.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>
#include <system_error>

#include "config/folders.hpp"
#include "daemon/journal/sqlite.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon {
namespace {

namespace fs = std::filesystem;

// kMigrations[v] takes the schema from version v to v + 1. Append only: a released migration is
// never edited, a change is a new entry (and kJournalSchemaVersion goes up by one).
constexpr const char* kMigrations[] = {
    // v0 -> v1. Times are seconds since the epoch (UTC); since_date is days since 1970-01-01.
    // Message text lives only in held.summary and held.body; a read message keeps none.
    R"sql(
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
    )sql",
    // v1 -> v2. Which way an event went (the person reaching out is "outgoing"), and whose a
    // choice was, so statistics survive the purge of the message it answered.
    R"sql(
    ALTER TABLE events ADD COLUMN direction TEXT NOT NULL DEFAULT 'incoming'
        CHECK(direction IN ('incoming', 'outgoing'));
    ALTER TABLE choices ADD COLUMN contact TEXT NOT NULL DEFAULT '';
    UPDATE choices SET contact = COALESCE((SELECT contact FROM held WHERE held.id = held_id), '');
    CREATE INDEX choices_by_time ON choices(time_utc);
    )sql",
    // v2 -> v3. The day one a final straw set, kept apart from its change of level (which a
    // later soften replaces), with the policy's since it was made under (days since 1970-01-01).
    R"sql(
    CREATE TABLE final_straws(
        contact TEXT PRIMARY KEY, day_date INTEGER NOT NULL, policy_since_date INTEGER);
    )sql",
    // v3 -> v4. A change of the person's with its end (NULL: until they change it) and the note
    // given with it, in its own row, so the journal and an export show them together.
    R"sql(
    ALTER TABLE events ADD COLUMN until_utc INTEGER;
    ALTER TABLE events ADD COLUMN note TEXT NOT NULL DEFAULT '';
    )sql",
    // v4 -> v5. No index of held messages by contact: the few that wait are read in one scan
    // (the queries that name a contact may also name none), and keeping a message, which
    // happens between a notification server's Notify and its reply, writes one page fewer.
    R"sql(
    DROP INDEX held_by_contact;
    )sql",
    // v5 -> v6. The same table of held messages, its state checked by comparisons instead of
    // IN (four values): SQLite builds a temporary table for such an IN on every insert and
    // update, in the commit that keeps a message before its notification can be withheld.
    // SQLite changes a constraint by copying the table (foreign keys off: see migrate()).
    R"sql(
    CREATE TABLE held_v6(
        id INTEGER PRIMARY KEY, received_utc INTEGER NOT NULL, contact TEXT NOT NULL,
        app_name TEXT NOT NULL, app_id TEXT NOT NULL, app_icon TEXT NOT NULL,
        desktop_entry TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK(state = 'held' OR state = 'later' OR state = 'read' OR state = 'let_go'),
        let_go_utc INTEGER,
        CHECK((state = 'let_go') = (let_go_utc IS NOT NULL)),
        CHECK(state <> 'read' OR (summary = '' AND body = '')));
    INSERT INTO held_v6 SELECT id, received_utc, contact, app_name, app_id, app_icon,
        desktop_entry, summary, body, state, let_go_utc FROM held;
    DROP TABLE held;
    ALTER TABLE held_v6 RENAME TO held;
    )sql",
};
static_assert(std::size(kMigrations) == kJournalSchemaVersion);

// Pragmas for every connection:
// - WAL: a writer never blocks a reader, and a commit is one append (DESIGN.md §6).
// - synchronous=NORMAL: a commit is in the WAL file (the kernel's page cache) when it returns,
//   so a held message that holdMessage() reported kept survives nocontactd crashing or being
//   killed; the WAL is fsynced at checkpoints. Only a power loss or kernel crash can take the
//   last commits, and it takes the notification server's copy with them (the apps keep their
//   messages). FULL would fsync every commit before a message can be withheld (then between
//   the server's reply and the withholding call): measured side by side it doubled that path's
//   median (900 vs 400 µs).
// - secure_delete: deleted and overwritten content is zeroed in the file, so cleared text is gone
//   from the bytes on disk, not just unlinked.
// - foreign_keys: choices.held_id is checked and set to NULL when a held row is purged.
constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
    "PRAGMA foreign_keys=ON;";

StoreError systemError(std::string_view what, const fs::path& p, int err) {
    return {std::string{what} + " " + p.string() + ": " + std::strerror(err),
            sql::codeOfErrno(err)};
}

// The folder is the user's alone: 0700 whatever the umask or an earlier mode, and so is every
// folder made above it.
Status makeFolder(const fs::path& folder) {
    std::error_code ec;
    if (folder.has_parent_path()) config::makePrivateFolders(folder.parent_path(), ec);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        return {systemError("cannot create the journal folder", folder, errno)};
    }
    if (::chmod(folder.c_str(), 0700) != 0) {
        return {systemError("cannot protect the journal folder", folder, errno)};
    }
    return {};
}

// Creates the file ourselves so its mode is 0600 whatever the umask. SQLite gives the -wal and
// -shm files the database file's mode; fixPermissions() checks them again after each open.
Status makeFile(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return {systemError("cannot create the journal", file, errno)};
    int rc = ::fchmod(fd, 0600);
    int err = errno;
    ::close(fd);
    if (rc != 0) return {systemError("cannot protect the journal", file, err)};
    return {};
}

fs::path withSuffix(const fs::path& p, std::string_view suffix) {
    return fs::path{p.string() + std::string{suffix}};
}

// "20261126T161500Z", for the name of a file moved aside.
std::string stamp(policy::SysTime now) {
    std::time_t t = static_cast<std::time_t>(sql::toSql(now));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

struct Connection {
    sqlite3* db = nullptr;
    int rc = SQLITE_OK;  // of the first statement that read the file
    std::optional<StoreError> error;
};

// Opens the file and reads its header; rc tells a file that is not a database apart.
Connection connect(const fs::path& file) {
    Connection c;
    if (sqlite3_open_v2(file.c_str(), &c.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        c.rc = c.db ? sqlite3_errcode(c.db) : SQLITE_NOMEM;
        c.error = sql::errorOf(c.db, "cannot open the journal");
        return c;
    }
    sqlite3_extended_result_codes(c.db, 1);
    c.rc = sqlite3_exec(c.db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if (c.rc != SQLITE_OK) c.error = sql::errorOf(c.db, "cannot read the journal");
    return c;
}

bool unreadable(int rc) {
    int primary = rc & 0xff;
    return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

// The one-row answer of `PRAGMA <name>`, as text.
Result<std::string> pragma(sqlite3* db, const std::string& name) {
    auto stmt = sql::prepare(db, ("PRAGMA " + name).c_str());
    if (!stmt) return {.value = std::nullopt, .error = stmt.error};
    sql::Use use{stmt.value->get()};
    if (use.step() != SQLITE_ROW) return sql::fail<std::string>(db, "reading a journal setting");
    return sql::ok(use.text(0));
}

Result<int> userVersion(sqlite3* db) {
    auto version = pragma(db, "user_version");
    if (!version) return {.value = std::nullopt, .error = version.error};
    return sql::ok(std::stoi(*version));
}

// One migration in one transaction, the new version number included: all of it or none.
Status migrateOnce(sqlite3* db, int from) {
    std::string script = std::string{"BEGIN IMMEDIATE;"} + kMigrations[from] +
                         "PRAGMA user_version = " + std::to_string(from + 1) + "; COMMIT;";
    Status s = sql::exec(db, script.c_str(), "migrating the journal");
    if (!s) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
}

// Refuses a journal from a newer nocontact before anything (even the journal mode) changes it.
Status checkNotNewer(sqlite3* db) {
    auto version = userVersion(db);
    if (!version) return {version.error};
    if (*version <= kJournalSchemaVersion) return {};
    return {StoreError{"the journal was written by a newer nocontact (schema " +
                       std::to_string(*version) + "); it was left as it is"}};
}

// Foreign keys are off while migrating (the pragma cannot change inside a transaction): a
// migration that copies a table drops the old one, and with them on, that drop would first set
// every choice's held_id to NULL. The copy keeps every id, so each reference holds again after.
Status migrate(sqlite3* db) {
    auto version = userVersion(db);
    if (!version) return {version.error};
    if (*version >= kJournalSchemaVersion) return {};
    auto keys = pragma(db, "foreign_keys");
    if (!keys) return {keys.error};
    Status s = sql::exec(db, "PRAGMA foreign_keys=OFF", "migrating the journal");
    for (int v = *version; s && v < kJournalSchemaVersion; ++v)
        s = migrateOnce(db, v);
    if (*keys == "1") {
        Status on = sql::exec(db, "PRAGMA foreign_keys=ON", "migrating the journal");
        if (s) s = on;
    }
    return s;
}

}  // namespace

namespace sql {

Result<fs::path> moveAside(const fs::path& file, policy::SysTime now) {
    fs::path aside = withSuffix(file, ".corrupt-" + stamp(now));
    // Two set aside in the same second (one at start, one found damaged soon after) both stay.
    std::error_code ec;
    for (int n = 2; n < 100 && fs::exists(aside, ec); ++n)
        aside = withSuffix(file, ".corrupt-" + stamp(now) + "-" + std::to_string(n));
    if (::rename(file.c_str(), aside.c_str()) != 0) {
        return {.value = std::nullopt,
                .error = systemError("cannot move the unreadable journal aside", file, errno)};
    }
    for (const char* suffix : {"-wal", "-shm"}) {
        ::rename(withSuffix(file, suffix).c_str(), withSuffix(aside, suffix).c_str());
    }
    return {.value = aside, .error = std::nullopt};
}

void fixPermissions(const fs::path& file) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        ::chmod(withSuffix(file, suffix).c_str(), 0600);  // absent sidecars: nothing to fix
    }
}

Status readySchema(sqlite3* db) {
    Status s = checkNotNewer(db);
    if (s) s = migrate(db);
    return s;
}

DiskConnection openDisk(const fs::path& folder, policy::SysTime now, bool check) {
    DiskConnection result;
    const fs::path file = folder / kJournalFileName;
    if (Status s = makeFolder(folder); !s) return {nullptr, s.error, std::nullopt};
    if (Status s = makeFile(file); !s) return {nullptr, s.error, std::nullopt};
    Connection c = connect(file);
    // A damaged page can sit unnoticed behind a readable first page until a message must be
    // kept in it: the whole file is checked once, at start.
    if (check && !c.error && damaged(c.db)) {
        c.rc = SQLITE_CORRUPT;
        c.error = StoreError{"the journal is damaged", SQLITE_CORRUPT};
    }
    if (c.error && unreadable(c.rc)) {
        sqlite3_close(c.db);
        auto aside = moveAside(file, now);
        if (!aside) return {nullptr, aside.error, std::nullopt};
        result.moved_aside = *aside;
        if (Status s = makeFile(file); !s) return {nullptr, s.error, result.moved_aside};
        c = connect(file);
    }
    Status s = c.error ? Status{c.error} : checkNotNewer(c.db);
    if (s) s = sql::exec(c.db, kPragmas, "configuring the journal");
    if (s) s = migrate(c.db);
    if (!s) {
        sqlite3_close(c.db);
        return {nullptr, s.error, result.moved_aside};
    }
    if (result.moved_aside) result.salvaged = salvageFile(*result.moved_aside, c.db);
    fixPermissions(file);
    result.db = c.db;
    return result;
}

}  // namespace sql

Result<JournalSettings> JournalStore::settings() {
    auto mode = pragma(db_, "journal_mode");
    auto sync = pragma(db_, "synchronous");
    auto secure = pragma(db_, "secure_delete");
    auto keys = pragma(db_, "foreign_keys");
    auto version = pragma(db_, "user_version");
    for (const auto* r : {&mode, &sync, &secure, &keys, &version}) {
        if (!*r) return {.value = std::nullopt, .error = r->error};
    }
    return sql::ok(JournalSettings{.journal_mode = *mode,
                                   .synchronous = std::stoi(*sync),
                                   .secure_delete = *secure == "1",
                                   .foreign_keys = *keys == "1",
                                   .schema_version = std::stoi(*version)});
}

OpenResult JournalStore::open(const std::filesystem::path& folder, policy::SysTime now) {
    sql::DiskConnection disk = sql::openDisk(folder, now, true);
    if (!disk.db) return {nullptr, disk.error, disk.moved_aside};
    // Closes the connection from here.
    std::unique_ptr<JournalStore> store{new JournalStore(disk.db, folder / kJournalFileName)};
    if (Status s = store->prepareAll(); !s) return {nullptr, s.error, disk.moved_aside};
    store->takeKeepLog(folder);
    return {std::move(store), std::nullopt, disk.moved_aside, disk.salvaged};
}

}  // namespace nocontact::daemon
