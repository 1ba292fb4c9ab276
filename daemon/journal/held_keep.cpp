// SPDX-License-Identifier: GPL-3.0-or-later
// The store's side of the keep log (keep_log.hpp): a withheld message kept there with one write,
// taken into the journal with its next call, and what a crash left there taken at the start.
#include <algorithm>
#include <utility>

#include "daemon/journal/keep_log.hpp"
#include "daemon/journal/sqlite.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon {

using sql::fail;
using sql::ok;
using sql::toSql;
using sql::Use;

namespace {

Use& bindHeld(Use& use, const HeldMessage& m) {
    use.bind(toSql(m.received)).bind(m.contact).bind(m.app_name).bind(m.app_id);
    return use.bind(m.app_icon).bind(m.desktop_entry).bind(m.summary).bind(m.body);
}

}  // namespace

std::optional<std::int64_t> JournalStore::insertHeld(const HeldMessage& m, std::int64_t id) {
    // Ids come from next_held_id_, above every id the keep log has given (SQLite's own choice,
    // one past the largest row, could be one of those).
    if (id <= 0) id = next_held_id_;
    for (bool own : {true, false}) {
        Use use{stmts_->insertHeld.get()};
        use.bind(own ? std::optional{id} : std::nullopt);
        if (bindHeld(use, m).run()) {
            const std::int64_t got = sqlite3_last_insert_rowid(db_);
            next_held_id_ = std::max(next_held_id_, got + 1);
            return got;
        }
        if (!own || sqlite3_extended_errcode(db_) != SQLITE_CONSTRAINT_PRIMARYKEY) break;
    }
    return std::nullopt;
}

Result<std::int64_t> JournalStore::holdMessage(const HeldMessage& m) {
    // Another nocontact keeps messages in this folder (it holds the keep log): ids given here
    // could be the ones it has given, so nothing is kept here.
    if (log_taken_elsewhere_) {
        return {.value = std::nullopt, .error = sql::keptElsewhere()};
    }
    if (keep_log_ && !memory_ && (!log_dirty_ || clearKeepLog())) {
        HeldMessage kept = m;
        kept.id = next_held_id_;
        kept.state = HeldState::Held;
        kept.let_go_at.reset();
        if (keep_log_->append(kept)) {
            ++next_held_id_;
            kept_.push_back(std::move(kept));
            return ok(kept_.back().id);
        }
        // The log could not take it (a full disk?): the journal can, or goes to memory.
    }
    // One INSERT is one transaction; in the WAL when step returns, so a crash cannot lose it.
    auto id = writing([&] {
        auto got = insertHeld(m, 0);
        if (!got) return fail<std::int64_t>(db_, "keeping a held message");
        return ok(*got);
    });
    if (id && memory_) {
        ++memory_->held;
        alsoInLog(m, *id);
    }
    return id;
}

// In memory, a kept message goes to the keep log too, as far as the log's room goes (blocks it
// already has, which a full disk cannot refuse): a crash then loses none of them, and the next
// start takes them from there. They stay there until the journal is back on disk, or until
// they no longer wait.
void JournalStore::alsoInLog(const HeldMessage& m, std::int64_t id) {
    if (!keep_log_ || !keep_log_->writable()) return;
    forgetPending();
    HeldMessage kept = m;
    kept.id = id;
    kept.state = HeldState::Held;
    kept.let_go_at.reset();
    if (!keep_log_->append(kept)) return;  // no room left: in memory alone
    memory_->in_log.push_back(id);
    log_dirty_ = true;
}

void JournalStore::noLongerWaits(std::int64_t id) {
    if (!memory_ || !keep_log_) return;
    memory_->unforgotten.push_back(id);
    forgetPending();
}

void JournalStore::forgetPending() {
    std::erase_if(memory_->unforgotten, [&](std::int64_t id) {
        if (!keep_log_->forget(id)) return false;
        std::erase(memory_->in_log, id);
        return true;
    });
}

bool JournalStore::clearKeepLog() {
    // A log opened only to be read (a read-only folder at start) is opened again for writing
    // once the journal is on disk: the file has its messages then.
    if (keep_log_ && !keep_log_->writable() && !memory_) {
        keep_log_.reset();  // its lock with it
        keep_log_ = KeepLog::open(path_.parent_path(), &log_taken_elsewhere_);
    }
    log_dirty_ = !keep_log_ || !keep_log_->clear();
    return !log_dirty_;
}

Status JournalStore::flushKept() {
    std::vector<HeldMessage> kept = std::move(kept_);
    kept_.clear();  // so that the write below does not come back here
    Status done = writing([&] {
        return inTransaction("keeping held messages", [&] {
            return std::all_of(kept.begin(), kept.end(), [&](const HeldMessage& m) {
                // A clash (another program wrote this journal meanwhile) costs the id, never
                // the message.
                return insertHeld(m, m.id).has_value();
            });
        });
    });
    if (!done) {
        kept_ = std::move(kept);  // still in the log too: the next call tries again
        return done;
    }
    // The journal has them (in a new file when the old one was found damaged): the log's copy
    // goes, its text with it. One that cannot be cleared now is cleared before the log takes
    // anything more (a restart meanwhile would find these again, and skip those the journal
    // has). In memory (the disk could not take them), they stay in the log as well, so that a
    // crash loses none of them, until the journal is back on disk or they no longer wait.
    if (memory_) {
        for (const HeldMessage& m : kept)
            memory_->in_log.push_back(m.id);
        // Kept in memory from now on, as any message kept there now; those in a log that cannot
        // be written (a read-only folder) were on disk, as a row of the file would be.
        if (!keep_log_ || keep_log_->writable()) memory_->held += kept.size();
        log_dirty_ = true;
        return {};
    }
    (void)clearKeepLog();
    return {};
}

void JournalStore::takeKeepLog(const std::filesystem::path& folder) {
    keep_log_ = KeepLog::open(folder, &log_taken_elsewhere_);
    if (!keep_log_) return;
    std::vector<HeldMessage> missing;
    for (HeldMessage& m : keep_log_->read()) {
        // Taken already (the crash came after the journal's commit, before the log's clearing).
        auto there = heldById(m.id);
        if (there.value && *there.value && (*there.value)->received == m.received &&
            (*there.value)->contact == m.contact)
            continue;
        next_held_id_ = std::max(next_held_id_, m.id + 1);
        missing.push_back(std::move(m));
    }
    kept_ = std::move(missing);
    if (kept_.empty()) {
        (void)clearKeepLog();
        return;
    }
    (void)flushKept();
}

}  // namespace nocontact::daemon
