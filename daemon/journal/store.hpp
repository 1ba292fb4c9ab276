// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/clock.hpp"
#include "policy/engine.hpp"
#include "policy/time.hpp"

struct sqlite3;

namespace nocontact::daemon {
class KeepLog;
}

// The journal (DESIGN.md §1, §4, §6): a SQLite file in the user's state folder that keeps every
// contact attempt, held message, choice, note and temporary change. Message text lives in one
// place only, held.summary and held.body (after a moment in the keep log, daemon/journal/
// keep_log.hpp, between a message's arrival and the journal's next write), and only while the
// user may still want it:
//   - held / later: text kept (it is a promise: the message is never silently lost);
//   - read:         text cleared at once, the row's facts stay (when, who, which app);
//   - let go:       text kept kLetGoKeepDays for "I changed my mind", then the row is purged.
// Cleared text is overwritten in the file (secure_delete, and the WAL is truncated), not just
// unlinked from the b-tree. Every call returns its error as a value; nothing throws.

namespace nocontact::daemon {

// DESIGN.md §4: let-go messages stay retrievable for 30 days, then are purged.
inline constexpr int kLetGoKeepDays = 30;
// The schema this build writes. Older files are migrated up; newer ones are left untouched.
inline constexpr int kJournalSchemaVersion = 6;
inline constexpr const char* kJournalFileName = "journal.sqlite3";

// A failed store operation: what failed and SQLite's own words (sqlite3_errmsg), which name
// tables and constraints but never the values bound to a statement, so never message text.
// `code` is SQLite's extended result code (for a failed system call, the code closest to it:
// SQLITE_FULL for ENOSPC, SQLITE_READONLY for EROFS or EACCES, ...); 0 when neither applies.
struct StoreError {
    std::string message{};
    int code = 0;
};

// Why the journal cannot be written to its folder.
enum class DiskTrouble : int { Full, ReadOnly, Unwritable };

// True when `error` says the disk could not take a write (full, read-only, failing, the file
// could not be opened for writing, or another program holds its lock): the journal can go on
// in memory.
bool cannotWrite(const StoreError& error);
// Which of those it was (Unwritable when the code says nothing more precise).
DiskTrouble troubleOf(const StoreError& error);
// True when `error` says the journal file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB): the file
// is set aside and the journal goes on in a new one.
bool isDamaged(const StoreError& error);

// What could still be read from a journal file set aside as unreadable or damaged, copied into
// the journal that took its place.
struct Salvaged {
    std::size_t rows = 0;     // rows of every table
    std::size_t waiting = 0;  // messages still waiting for the person (held or later)
    bool whole = false;       // every table could be read to its end
};

// Success, or the error. `if (!status)` reads as "it failed".
struct [[nodiscard]] Status {
    std::optional<StoreError> error{};
    explicit operator bool() const { return !error; }
};

// A value, or the error.
template <typename T>
struct [[nodiscard]] Result {
    std::optional<T> value{};
    std::optional<StoreError> error{};
    explicit operator bool() const { return value.has_value(); }
    const T& operator*() const& { return *value; }
    T operator*() && { return std::move(*value); }  // safe in `for (x : *store.held())`
    const T* operator->() const { return &*value; }
};

// One contact attempt or intervention, as the daemon saw it. Never message text.
struct EventRow {
    std::int64_t id = 0;  // set by the store
    policy::SysTime time{};
    std::string contact{};
    std::string source{};  // fdo, gtk, portal, kdeconnect, ...
    std::string app{};
    std::string kind{};                      // notification, call, reach-out, ...
    std::string level{};                     // the effective strictness
    std::string action{};                    // what nocontact did
    std::string direction = "incoming";      // "outgoing": the person reaching out
    std::optional<policy::SysTime> until{};  // a change of the person's: when it ends, if it does
    std::string note{};                      // a change of the person's: their note, if any
};

enum class HeldState { Held, Later, Read, LetGo };

// A withheld message, kept so it can be posted again as it was.
struct HeldMessage {
    std::int64_t id = 0;  // set by the store
    policy::SysTime received{};
    std::string contact{};
    std::string app_name{};
    std::string app_id{};
    std::string app_icon{};
    std::string desktop_entry{};
    std::string summary{};  // message text: cleared when read, purged after let go
    std::string body{};     // message text: as summary
    HeldState state = HeldState::Held;
    std::optional<policy::SysTime> let_go_at{};
};

// Which held messages to list: empty contact = everyone, empty states = every state. Contacts
// compare exactly: pass the name as the policy spells it, as everywhere in the journal.
struct HeldFilter {
    std::string contact{};
    std::vector<HeldState> states{};
};

// The user's answer to a pause (Expired: the pause ran out or was closed without an answer).
enum class Choice { Read, Later, LetGo, Expired };

struct ChoiceRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> held_id{};  // nullopt once the held row was purged
    policy::SysTime time{};
    Choice choice = Choice::Later;
    std::string contact{};  // whose message it answered
};

// The user's own words about a contact (`nocontactctl note`).
struct NoteRow {
    std::int64_t id = 0;
    policy::SysTime time{};
    std::string contact{};
    std::string text{};
};

// Contact attempts on one local calendar day.
struct DayCount {
    policy::Date day{};
    int attempts = 0;
};

// Maps an instant to the user's wall clock (base/local_time.hpp provides one).
using ToLocal = std::function<policy::LocalTime(policy::SysTime)>;

// How the connection is set up, as SQLite reports it (for tests and diagnostics).
struct JournalSettings {
    std::string journal_mode{};  // "wal"
    int synchronous = 0;         // 2 = FULL
    bool secure_delete = false;
    bool foreign_keys = false;
    int schema_version = 0;
};

class JournalStore;

// What open() found. `store` is null on error; `moved_aside` names the unreadable file that was
// renamed (so the daemon can tell the user, kindly, that an old journal could not be read).
struct OpenResult {
    std::unique_ptr<JournalStore> store{};
    std::optional<StoreError> error{};
    std::optional<std::filesystem::path> moved_aside{};
    Salvaged salvaged{};  // what the new journal took from the file moved aside
};

// One connection, used from the daemon's one thread. A commit is in the kernel's page cache when
// it returns (synchronous=NORMAL, daemon/journal/schema.cpp): it survives nocontactd crashing,
// and the write-ahead log is fsynced at checkpoints. A withheld message is kept the same way,
// with one write, in the keep log first (holdMessage).
//
// When the disk cannot take a write (full, read-only, failing), the store moves to an SQLite
// database in memory with the same schema: a copy of the file, so history and waiting messages
// stay in view, and the failed write is done again there. Every call works as before, and the
// ids stay the same. backToDisk() writes the memory journal back once the disk works again.
// Meanwhile each message kept goes to the keep log's room too (blocks the log already has),
// as long as it has room, so that a crash does not lose it.
class JournalStore {
  public:
    // Opens (creating, 0700 / 0600 whatever the umask) `folder`/journal.sqlite3 and migrates it
    // to kJournalSchemaVersion. A file that is not a SQLite database, or that PRAGMA
    // quick_check finds damaged, is renamed to journal.sqlite3.corrupt-<now as
    // YYYYMMDDTHHMMSSZ> and a fresh one created with every row that could still be read from it.
    static OpenResult open(const std::filesystem::path& folder, policy::SysTime now);
    // A journal kept in memory from the start, for when open() failed because `folder` cannot be
    // written (`why`, an error for which cannotWrite() holds). It starts as a copy of the
    // journal file when that can still be read; nothing of it is written anywhere on disk until
    // backToDisk(), but for the messages kept meanwhile, in the keep log's room (holdMessage).
    // Fails for a journal written by a newer nocontact, as open() does.
    static OpenResult openInMemory(const std::filesystem::path& folder, const StoreError& why);
    ~JournalStore();
    JournalStore(const JournalStore&) = delete;
    JournalStore& operator=(const JournalStore&) = delete;

    // The journal file (where the journal goes back to when it is in memory).
    const std::filesystem::path& path() const { return path_; }

    // True while the journal is kept in memory.
    bool inMemory() const { return memory_.has_value(); }
    // Why it is in memory (meaningful while inMemory()).
    DiskTrouble trouble() const { return memory_ ? memory_->why : DiskTrouble::Unwritable; }
    // How many messages were kept (holdMessage) since the journal went to memory.
    std::size_t heldInMemory() const { return memory_ ? memory_->held : 0; }
    // The messages still waiting that were kept after the journal went to memory (so the file
    // does not have them) and that the keep log does not hold either (it had no room left),
    // oldest first; none while on disk.
    Result<std::vector<HeldMessage>> waitingOnlyInMemory();
    // Called (once per move) right after a write found the disk unwritable and the journal moved
    // to memory, before that write is done again there.
    void onMovedToMemory(std::function<void()> moved) { on_moved_ = std::move(moved); }
    // Called when a read or write found the journal file damaged while running: the file was
    // set aside (`file`; nullopt when it could not be moved, and the journal stays in memory)
    // and the journal goes on in a new one holding `saved`, before the call is done again there.
    using SetAside = std::function<void(const std::optional<std::filesystem::path>& file,
                                        const Salvaged& saved)>;
    void onSetAside(SetAside told) { on_set_aside_ = std::move(told); }
    // Where the time a damaged file is set aside comes from (the machine's clock unless told).
    void useClock(const Clock& clock) { clock_ = &clock; }
    // Where the write-ahead log's checkpoint goes once it has grown past kCheckpointPages: to
    // `schedule`, which should call checkpoint() soon but not now (the daemon: from the loop's
    // next idle turn, after the withholding call), instead of inside the commit that grew it. Not
    // set: the commit runs it, as SQLite's own automatic checkpoint does.
    void onCheckpointDue(std::function<void()> schedule) { on_checkpoint_ = std::move(schedule); }
    // Copies the write-ahead log into the file without waiting for readers (PASSIVE).
    Status checkpoint();
    // SQLite's own automatic checkpoint threshold.
    static constexpr int kCheckpointPages = 1000;
    // The log reached kCheckpointPages (called by SQLite's WAL hook).
    void walFull();
    // Writes the memory journal back to its file and goes on there. All or nothing: on any
    // failure the file is left as it was and the journal stays in memory. The file ends as a
    // superset of what it held (the same ids; rows changed or purged in memory as they would have
    // been on disk); it is refused, and left alone, when a message waiting in the file is
    // missing from memory (a file that could not be read when the journal went to memory).
    Status backToDisk(policy::SysTime now);
    // The connection's settings as SQLite reports them now.
    Result<JournalSettings> settings();

    // Appends one event; returns its id.
    Result<std::int64_t> recordEvent(const EventRow& event);
    // Appends several, in one transaction: all or none.
    Status recordEvents(const std::vector<EventRow>& events);
    // Events at or after `since`, oldest first (`nocontactctl journal --since`).
    Result<std::vector<EventRow>> eventsSince(policy::SysTime since);
    // The last time the person reached out to each contact: a message or a call to them
    // (daemon::reachesOut); opening their app is not, whatever was answered to its pause.
    // Contact and time set, one row per contact.
    Result<std::vector<EventRow>> lastReachedOut();
    // Attempts (event rows) for `contact` on each of the `days` local days ending with the day
    // of `now`, oldest first, zero days included. Local days come from `toLocal`, so DST and
    // time zones are the caller's; a day is dateOf(toLocal(event time)).
    Result<std::vector<DayCount>> countsByDay(const std::string& contact, int days,
                                              policy::SysTime now, const ToLocal& toLocal);

    // Keeps a withheld message so that a crash cannot lose it; returns its id. It goes to the
    // keep log (one write) and into the journal with the next call that reads or writes it;
    // without a keep log (it cannot be written) or while the journal is in memory, straight into
    // the journal, committed before this returns (in memory, into the keep log's room as well).
    // Fails while another process holds the keep log (its ids could be the ones given here).
    Result<std::int64_t> holdMessage(const HeldMessage& message);
    // How many messages the keep log holds that the journal has yet to take.
    std::size_t keptInLog() const { return kept_.size(); }
    // The event of a withheld message and the message, in one transaction; returns the
    // message's id. Neither is kept when either fails. (The daemon keeps the message alone at
    // the Notify call and writes its event a moment later: Keeper::recordSoon.)
    Result<std::int64_t> keepWithheld(const EventRow& event, const HeldMessage& message);
    // Held messages matching `filter`, oldest first.
    Result<std::vector<HeldMessage>> held(const HeldFilter& filter = {});
    // One held message; nullopt inside the Result when there is no such id.
    Result<std::optional<HeldMessage>> heldById(std::int64_t id);
    // The user read it: state Read, and its text is cleared from the file now.
    Status markRead(std::int64_t id);
    // Keep it for the next digest.
    Status markLater(std::int64_t id);
    // Let it go: kept, text included, for kLetGoKeepDays from `now`.
    Status letGo(std::int64_t id, policy::SysTime now);
    // Records the user's answer to a pause (facts only); returns its id.
    Result<std::int64_t> recordChoice(std::optional<std::int64_t> heldId, Choice choice,
                                      policy::SysTime time);
    // Choices at or after `since`, oldest first (pauses honoured vs. overridden).
    Result<std::vector<ChoiceRow>> choicesSince(policy::SysTime since);
    // Deletes let-go messages older than kLetGoKeepDays, text overwritten; returns how many.
    Result<int> purgeLetGo(policy::SysTime now);

    // Keeps the user's own words; returns the note's id.
    Result<std::int64_t> addNote(const std::string& contact, const std::string& text,
                                 policy::SysTime time);
    // The notes about `contact` (empty = all), oldest first.
    Result<std::vector<NoteRow>> notes(const std::string& contact = {});

    // Keeps a temporary change so it survives a restart. Like Engine::addOverride, it replaces
    // the earlier change for the same contact (spelled exactly alike) or the earlier snooze, and
    // drops changes that had run out when this one starts.
    Status saveOverride(const policy::Override& change);
    // Forgets the change kept for `contact` (any case), or the snooze when `contact` is "".
    Status removeOverride(const std::string& contact);
    // Every kept change, oldest first, ready for Engine::addOverride.
    Result<std::vector<policy::Override>> overrides();
    // Forgets changes that ran out at or before `now`; returns how many.
    Result<int> removeExpired(policy::SysTime now);
    // Keeps the day one a final straw set for `contact` (replacing an earlier one), so that it
    // outlasts the change of level it came with and a restart.
    Status saveFinalStraw(const std::string& contact, const policy::FinalStrawDay& day);
    // Every kept final straw's day one, by contact, ready for Engine::setFinalStraw.
    Result<std::vector<std::pair<std::string, policy::FinalStrawDay>>> finalStraws();

  private:
    struct Statements;
    // While in memory: why, what was kept there, and whether the memory journal began as a
    // faithful copy of the file (or there was no file), which writing it back requires.
    struct Memory {
        DiskTrouble why = DiskTrouble::Unwritable;
        std::size_t held = 0;
        bool copied = false;
        std::int64_t last_disk_id = 0;            // held ids above this one exist only in memory...
        std::vector<std::int64_t> in_log{};       // ...but for these, in the keep log too (taken
                                                  // from it at the next start)
        std::vector<std::int64_t> unforgotten{};  // read or let go, still whole in the log
    };
    // The largest held id of `db`, 0 when none.
    static std::int64_t lastHeldId(sqlite3* db);
    JournalStore(sqlite3* db, std::filesystem::path path);
    Status prepareAll();
    // Runs `op` (a write); when it fails for want of a writable disk, moves to memory and runs
    // it again there; when it finds the file damaged, as reading() does.
    template <typename Op>
    auto writing(Op op) -> decltype(op());
    // Runs `op`; when it finds the file damaged, sets the file aside, goes on in a new journal
    // with what could still be read, and runs it again there.
    template <typename Op>
    auto reading(Op op) -> decltype(op());
    bool moveToMemory(const StoreError& why);
    bool setAsideDamaged();
    // Makes `db` the store's connection (statements prepared on it); closes the one before.
    Status adopt(sqlite3* db);
    Status scrub();
    Status setState(std::int64_t id, HeldState state, std::optional<policy::SysTime> letGoAt);
    // Inserts `message` as `id` (0: the next of next_held_id_); the id it got, or nullopt on
    // failure. An id that another program took meanwhile (only one that ignores the keep log's
    // lock can) is given up for a new one rather than the message.
    std::optional<std::int64_t> insertHeld(const HeldMessage& message, std::int64_t id);
    // Opens the keep log and puts the messages it still holds (a crash came before the journal
    // took them) into the journal, under their ids.
    void takeKeepLog(const std::filesystem::path& folder);
    // Writes the messages of the keep log into the journal, in one transaction, and clears the
    // log (in memory, it keeps them: alsoInLog). On failure they stay in the log and in kept_,
    // for the next call.
    Status flushKept();
    // Overwrites the keep log's records with zeros; false (and tried again before the log takes
    // the next message) when it cannot.
    bool clearKeepLog();
    // While in memory: `m`, kept there as `id`, written to the keep log too when it has room.
    void alsoInLog(const HeldMessage& m, std::int64_t id);
    // While in memory: the message `id` was read or let go, so its copy in the keep log goes
    // (one that cannot be overwritten now is tried again with each message kept, and the whole
    // log is cleared once the journal is back on disk).
    void noLongerWaits(std::int64_t id);
    void forgetPending();
    bool insertOverride(const policy::Override& change);
    template <typename Body>
    Status inTransaction(std::string_view what, Body body);

    sqlite3* db_;
    std::filesystem::path path_;
    std::unique_ptr<Statements> stmts_;
    std::optional<Memory> memory_{};
    std::function<void()> on_moved_{};
    const Clock* clock_ = &systemClock();  // when a damaged file is set aside
    SetAside on_set_aside_{};
    std::function<void()> on_checkpoint_{};
    bool checkpoint_due_ = false;  // scheduled, not yet run
    std::unique_ptr<KeepLog> keep_log_{};
    std::vector<HeldMessage> kept_{};   // in the keep log, not yet in the journal
    bool log_dirty_ = false;            // the log still holds what the journal has taken
    bool log_taken_elsewhere_ = false;  // another process holds the keep log's lock
    std::int64_t next_held_id_ = 1;     // above every held id the journal has had
};

}  // namespace nocontact::daemon
