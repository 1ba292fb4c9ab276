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
    for (bool own : {id > 0, false}) {
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
    if (keep_log_ && !memory_) {
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
    if (id && memory_) ++memory_->held;
    return id;
}

Status JournalStore::flushKept() {
    std::vector<HeldMessage> kept = std::move(kept_);
    kept_.clear();  // so that the write below does not come back here
    Status done = writing([&] {
        return inTransaction("keeping held messages", [&] {
            return std::all_of(kept.begin(), kept.end(), [&](const HeldMessage& m) {
                return insertHeld(m, m.id).has_value();
            });
        });
    });
    if (!done) {
        kept_ = std::move(kept);
        return done;
    }
    if (memory_) {
        // The journal went to memory (now, or before these were kept in the log at start). The
        // log still keeps them on disk, as the file keeps its own rows: they are not "only in
        // memory", and the log is cleared once the journal is back on disk (backToDisk).
        memory_->last_disk_id = std::max(memory_->last_disk_id, next_held_id_ - 1);
        return {};
    }
    // A log that cannot be cleared would give these messages again at the next start (where
    // the journal knows them and skips them): it is not written to again.
    if (keep_log_ && !keep_log_->clear()) keep_log_.reset();
    return {};
}

void JournalStore::takeKeepLog(const std::filesystem::path& folder) {
    keep_log_ = KeepLog::open(folder);
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
        if (!keep_log_->clear()) keep_log_.reset();
        return;
    }
    (void)flushKept();
}

}  // namespace nocontact::daemon
