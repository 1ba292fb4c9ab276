// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/journal/store.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "daemon/journal/keep_log.hpp"
#include "daemon/journal/sqlite.hpp"

namespace nocontact::daemon {

using policy::SysTime;
using sql::fromSql;
using sql::toSql;
using sql::Use;

namespace {

using sql::collect;
using sql::fail;
using sql::failed;
using sql::kChoiceNames;
using sql::kStateNames;
using sql::name;
using sql::ok;
using sql::parse;

constexpr const char* kHeldColumns =
    "id, received_utc, contact, app_name, app_id, app_icon, desktop_entry, summary, body, "
    "state, let_go_utc";
// The state bit for the filter mask of selectHeld: held 1, later 2, read 4, let_go 8.
constexpr const char* kStateBit =
    "(CASE state WHEN 'held' THEN 1 WHEN 'later' THEN 2 WHEN 'read' THEN 4 ELSE 8 END)";

HeldMessage heldFrom(const Use& row) {
    HeldMessage m;
    m.id = row.integer(0);
    m.received = fromSql(row.integer(1));
    m.contact = row.text(2);
    m.app_name = row.text(3);
    m.app_id = row.text(4);
    m.app_icon = row.text(5);
    m.desktop_entry = row.text(6);
    m.summary = row.text(7);
    m.body = row.text(8);
    m.state = parse<HeldState>(kStateNames, row.text(9));
    if (auto t = row.optInteger(10)) m.let_go_at = fromSql(*t);
    return m;
}

EventRow eventFrom(const Use& row) {
    return {.id = row.integer(0),
            .time = fromSql(row.integer(1)),
            .contact = row.text(2),
            .source = row.text(3),
            .app = row.text(4),
            .kind = row.text(5),
            .level = row.text(6),
            .action = row.text(7),
            .direction = row.text(8),
            .until = row.optInteger(9) ? std::optional{fromSql(*row.optInteger(9))} : std::nullopt,
            .note = row.text(10)};
}

}  // namespace

JournalStore::JournalStore(sqlite3* db, std::filesystem::path path)
    : db_(db), path_(std::move(path)), stmts_(std::make_unique<Statements>()) {}

JournalStore::~JournalStore() {
    // What the keep log still holds stays there for the next start, which takes it (the daemon
    // writes it into the journal before it stops: Keeper::recordPending).
    stmts_.reset();  // statements first: sqlite3_close refuses while any is alive
    sqlite3_close(db_);
}

namespace {

// After each commit in WAL mode: the log's size in pages.
int onWalCommit(void* self, sqlite3*, const char*, int pages) {
    if (pages >= JournalStore::kCheckpointPages) static_cast<JournalStore*>(self)->walFull();
    return SQLITE_OK;
}

}  // namespace

void JournalStore::walFull() {
    if (!on_checkpoint_) {
        (void)checkpoint();
    } else if (!checkpoint_due_) {
        checkpoint_due_ = true;
        on_checkpoint_();
    }
}

Status JournalStore::checkpoint() {
    checkpoint_due_ = false;
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return failed(db_, "checkpointing the journal");
    return {};
}

Status JournalStore::prepareAll() {
    // Every connection the store adopts (the file's, a memory copy's) reports its commits here;
    // this replaces SQLite's automatic checkpoint.
    sqlite3_wal_hook(db_, &onWalCommit, this);
    next_held_id_ = std::max(next_held_id_, lastHeldId(db_) + 1);
    Statements& s = *stmts_;
    const std::string held = std::string{"SELECT "} + kHeldColumns + " FROM held";
    const std::pair<sql::Stmt*, std::string> all[] = {
        {&s.insertEvent,
         "INSERT INTO events(time_utc, contact, source, app, kind, level, action, direction, "
         "until_utc, note) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
        {&s.eventsSince,
         "SELECT id, time_utc, contact, source, app, kind, level, action, direction, until_utc, "
         "note "
         "FROM events WHERE time_utc >= ? ORDER BY time_utc, id"},
        {&s.lastReached,
         // daemon::reachesOut (stats.cpp) in SQL: a message or a call to them, never an app
         // opening. A call that waited behind a pause, or that nocontact ended, reached no one
         // (yet): the answer to the pause says whether it went on.
         "SELECT contact, MAX(time_utc) FROM events "
         "WHERE (source = 'user' AND kind = 'reach_answer' AND app = 'call' "
         "AND action IN ('opened-anyway', 'went-on', 'let-through')) "
         "OR (direction = 'outgoing' AND kind IN ('message', 'group_message', 'call') "
         "AND action NOT IN ('pause-before-use', 'reject')) GROUP BY contact"},
        {&s.eventTimes,
         "SELECT time_utc FROM events WHERE contact = ? AND time_utc >= ? AND time_utc <= ?"},
        {&s.insertHeld,
         "INSERT INTO held(id, received_utc, contact, app_name, app_id, app_icon, "
         "desktop_entry, summary, body, state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'held')"},
        {&s.selectHeld, held + " WHERE (?1 = '' OR contact = ?1) AND (?2 & " + kStateBit +
                            ") <> 0 ORDER BY received_utc, id"},
        {&s.heldById, held + " WHERE id = ?"},
        {&s.markRead,
         "UPDATE held SET state = 'read', summary = '', body = '', let_go_utc = NULL "
         "WHERE id = ?"},
        {&s.setState,
         "UPDATE held SET state = ?2, let_go_utc = ?3 WHERE id = ?1 AND state <> 'read'"},
        {&s.insertChoice,
         "INSERT INTO choices(held_id, time_utc, choice, contact) VALUES(?1, ?2, ?3, "
         "COALESCE((SELECT contact FROM held WHERE id = ?1), ''))"},
        {&s.choicesSince,
         "SELECT id, held_id, time_utc, choice, contact FROM choices WHERE time_utc >= ? "
         "ORDER BY time_utc, id"},
        {&s.blankLetGo,
         "UPDATE held SET summary = '', body = '' WHERE state = 'let_go' AND let_go_utc <= ?"},
        {&s.deleteLetGo, "DELETE FROM held WHERE state = 'let_go' AND let_go_utc <= ?"},
        {&s.insertNote, "INSERT INTO notes(time_utc, contact, text) VALUES(?, ?, ?)"},
        {&s.selectNotes,
         "SELECT id, time_utc, contact, text FROM notes WHERE ?1 = '' OR contact = ?1 "
         "ORDER BY time_utc, id"},
        {&s.insertOverride,
         "INSERT INTO overrides(type, contact, to_level, steps, start_utc, until_utc, "
         "since_date, note) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"},
        // Same rule as Engine::addOverride: one change per contact and one snooze; changes that
        // had run out when the new one starts go too.
        {&s.replaceOverride,
         "DELETE FROM overrides WHERE ((type = 'snooze') = ?1 AND contact = ?2) "
         "OR (until_utc IS NOT NULL AND until_utc <= ?3)"},
        {&s.selectOverrides,
         "SELECT type, contact, to_level, steps, start_utc, until_utc, since_date, note "
         "FROM overrides ORDER BY start_utc, id"},
        {&s.deleteExpired, "DELETE FROM overrides WHERE until_utc IS NOT NULL AND until_utc <= ?"},
        // Names as Engine::removeChange matches them: ASCII letters in either case.
        {&s.deleteOverride,
         "DELETE FROM overrides WHERE (type = 'snooze') = ?1 AND contact = ?2 COLLATE NOCASE"},
        {&s.saveFinalStraw,
         "INSERT OR REPLACE INTO final_straws(contact, day_date, policy_since_date) "
         "VALUES(?, ?, ?)"},
        {&s.selectFinalStraws,
         "SELECT contact, day_date, policy_since_date FROM final_straws ORDER BY contact"},
        {&s.begin, "BEGIN IMMEDIATE"},
        {&s.commit, "COMMIT"},
        {&s.rollback, "ROLLBACK"},
    };
    for (const auto& [stmt, text] : all) {
        auto prepared = sql::prepare(db_, text.c_str());
        if (!prepared) return {prepared.error};
        *stmt = std::move(*prepared.value);
    }
    return {};
}

// Writes cleared text out of the WAL into the main file (where secure_delete has zeroed it)
// and truncates the WAL to nothing, so no old copy of a page with the text stays on disk.
Status JournalStore::scrub() {
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (rc != SQLITE_OK) return failed(db_, "clearing old text from the journal");
    return {};
}

namespace {

Use& bindEvent(Use& use, const EventRow& e) {
    use.bind(toSql(e.time)).bind(e.contact).bind(e.source).bind(e.app);
    use.bind(e.kind).bind(e.level).bind(e.action).bind(e.direction);
    return use.bind(e.until ? std::optional{toSql(*e.until)} : std::nullopt).bind(e.note);
}

}  // namespace

Result<std::int64_t> JournalStore::recordEvent(const EventRow& e) {
    return writing([&] {
        Use use{stmts_->insertEvent.get()};
        if (!bindEvent(use, e).run()) return fail<std::int64_t>(db_, "recording an event");
        return ok<std::int64_t>(sqlite3_last_insert_rowid(db_));
    });
}

Status JournalStore::recordEvents(const std::vector<EventRow>& events) {
    return writing([&] {
        return inTransaction("recording events", [&] {
            for (const EventRow& e : events) {
                Use use{stmts_->insertEvent.get()};
                if (!bindEvent(use, e).run()) return false;
            }
            return true;
        });
    });
}

Result<std::vector<EventRow>> JournalStore::eventsSince(SysTime since) {
    return reading([&] {
        Use use{stmts_->eventsSince.get()};
        use.bind(toSql(since));
        auto rows = collect<EventRow>(use, eventFrom);
        if (!rows) return fail<std::vector<EventRow>>(db_, "reading events");
        return ok(std::move(*rows));
    });
}

Result<std::vector<EventRow>> JournalStore::lastReachedOut() {
    Use use{stmts_->lastReached.get()};
    auto rows = collect<EventRow>(use, [](const Use& row) {
        return EventRow{
            .time = fromSql(row.integer(1)), .contact = row.text(0), .direction = "outgoing"};
    });
    if (!rows) return fail<std::vector<EventRow>>(db_, "reading when you last reached out");
    return ok(std::move(*rows));
}

Result<std::vector<DayCount>> JournalStore::countsByDay(const std::string& contact, int days,
                                                        SysTime now, const ToLocal& toLocal) {
    if (days <= 0) return ok(std::vector<DayCount>{});
    const policy::Date today = policy::dateOf(toLocal(now));
    std::vector<DayCount> counts(static_cast<std::size_t>(days));
    for (int i = 0; i < days; ++i)
        counts[i].day = {today.days - (days - 1 - i)};
    // A local day can start up to ~26 hours before its UTC namesake (UTC+14 and DST): one
    // extra day back from the first local midnight covers every zone.
    Use use{stmts_->eventTimes.get()};
    use.bind(contact).bind(toSql(now) - std::int64_t{86400} * (days + 1)).bind(toSql(now));
    int rc;
    while ((rc = use.step()) == SQLITE_ROW) {
        std::int64_t index =
            policy::dateOf(toLocal(fromSql(use.integer(0)))).days - counts.front().day.days;
        if (index >= 0 && index < days) ++counts[static_cast<std::size_t>(index)].attempts;
    }
    if (rc != SQLITE_DONE) return fail<std::vector<DayCount>>(db_, "counting attempts");
    return ok(std::move(counts));
}

Result<std::int64_t> JournalStore::keepWithheld(const EventRow& e, const HeldMessage& m) {
    if (log_taken_elsewhere_) {
        return {.value = std::nullopt, .error = sql::keptElsewhere()};
    }
    std::int64_t id = 0;
    Status done = writing([&] {
        return inTransaction("keeping a held message", [&] {
            {
                // Reset before the next statement runs: resetting a statement that succeeded
                // after one that failed would replace SQLite's error with "not an error".
                Use event{stmts_->insertEvent.get()};
                if (!bindEvent(event, e).run()) return false;
            }
            auto got = insertHeld(m, 0);
            id = got.value_or(0);
            return got.has_value();
        });
    });
    if (!done) return {.value = std::nullopt, .error = done.error};
    if (memory_) ++memory_->held;
    return ok(id);
}

Result<std::vector<HeldMessage>> JournalStore::held(const HeldFilter& filter) {
    std::int64_t mask = filter.states.empty() ? 0xf : 0;
    for (HeldState s : filter.states)
        mask |= std::int64_t{1} << static_cast<int>(s);
    return reading([&] {
        Use use{stmts_->selectHeld.get()};
        use.bind(filter.contact).bind(mask);
        auto rows = collect<HeldMessage>(use, heldFrom);
        if (!rows) return fail<std::vector<HeldMessage>>(db_, "reading held messages");
        return ok(std::move(*rows));
    });
}

Result<std::optional<HeldMessage>> JournalStore::heldById(std::int64_t id) {
    return reading([&] {
        Use use{stmts_->heldById.get()};
        use.bind(id);
        int rc = use.step();
        if (rc == SQLITE_ROW) return ok(std::optional<HeldMessage>{heldFrom(use)});
        if (rc == SQLITE_DONE) return ok(std::optional<HeldMessage>{});
        return fail<std::optional<HeldMessage>>(db_, "reading a held message");
    });
}

Status JournalStore::markRead(std::int64_t id) {
    Status done = writing([&]() -> Status {
        {
            Use use{stmts_->markRead.get()};
            use.bind(id);
            if (!use.run()) return failed(db_, "marking a message read");
        }
        if (sqlite3_changes(db_) == 0) return {StoreError{"no held message has that id"}};
        return {};
    });
    if (!done) return done;
    noLongerWaits(id);
    // The message is read either way; when the disk cannot take the scrub, the journal goes on
    // in memory, and the scrub after writing it back clears the old text. A reader of the file
    // (SQLITE_BUSY) is no reason to leave the disk.
    Status s = scrub();
    if (!s && (s.error->code & 0xff) == SQLITE_BUSY) return s;
    if (!s && !(cannotWrite(*s.error) && moveToMemory(*s.error))) return s;
    return {};
}

Status JournalStore::setState(std::int64_t id, HeldState state, std::optional<SysTime> letGoAt) {
    return writing([&]() -> Status {
        Use use{stmts_->setState.get()};
        std::optional<std::int64_t> at;
        if (letGoAt) at = toSql(*letGoAt);
        use.bind(id).bind(name(kStateNames, state)).bind(at);
        if (!use.run()) return failed(db_, "changing a held message");
        if (sqlite3_changes(db_) == 0) return {StoreError{"no unread held message has that id"}};
        return {};
    });
}

Status JournalStore::markLater(std::int64_t id) {
    return setState(id, HeldState::Later, {});
}

Status JournalStore::letGo(std::int64_t id, SysTime now) {
    Status done = setState(id, HeldState::LetGo, now);
    if (done) noLongerWaits(id);
    return done;
}

Result<std::int64_t> JournalStore::recordChoice(std::optional<std::int64_t> heldId, Choice choice,
                                                SysTime time) {
    return writing([&] {
        Use use{stmts_->insertChoice.get()};
        use.bind(heldId).bind(toSql(time)).bind(name(kChoiceNames, choice));
        if (!use.run()) return fail<std::int64_t>(db_, "recording a choice");
        return ok<std::int64_t>(sqlite3_last_insert_rowid(db_));
    });
}

Result<std::vector<ChoiceRow>> JournalStore::choicesSince(SysTime since) {
    return reading([&] {
        Use use{stmts_->choicesSince.get()};
        use.bind(toSql(since));
        auto rows = collect<ChoiceRow>(use, [](const Use& row) {
            return ChoiceRow{.id = row.integer(0),
                             .held_id = row.optInteger(1),
                             .time = fromSql(row.integer(2)),
                             .choice = parse<Choice>(kChoiceNames, row.text(3)),
                             .contact = row.text(4)};
        });
        if (!rows) return fail<std::vector<ChoiceRow>>(db_, "reading choices");
        return ok(std::move(*rows));
    });
}

}  // namespace nocontact::daemon
