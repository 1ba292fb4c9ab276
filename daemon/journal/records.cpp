// SPDX-License-Identifier: GPL-3.0-or-later
// The journal's slower-moving records: purging let-go messages, notes and temporary changes.
#include "daemon/journal/sqlite.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon {

using policy::SysTime;
using sql::collect;
using sql::fail;
using sql::failed;
using sql::fromSql;
using sql::ok;
using sql::toSql;
using sql::Use;

namespace {

policy::Override overrideFrom(const Use& row) {
    policy::Override o;
    o.type = sql::parse<policy::Override::Type>(sql::kOverrideNames, row.text(0));
    o.contact = row.text(1);
    if (auto level = policy::parseLevel(row.text(2))) o.to = *level;
    o.steps = static_cast<int>(row.integer(3));
    o.start = fromSql(row.integer(4));
    if (auto until = row.optInteger(5)) o.until = fromSql(*until);
    if (auto since = row.optInteger(6)) o.since = policy::Date{*since};
    o.note = row.text(7);
    return o;
}

}  // namespace

Result<int> JournalStore::purgeLetGo(SysTime now) {
    const std::int64_t cutoff = toSql(now - std::chrono::days{kLetGoKeepDays});
    int purged = 0;
    Status done = writing([&] {
        return inTransaction("purging messages that were let go", [&] {
            // Blank first, then delete: the text is overwritten in place (secure_delete), not
            // only unlinked with its row.
            if (!Use{stmts_->blankLetGo.get()}.bind(cutoff).run()) return false;
            if (!Use{stmts_->deleteLetGo.get()}.bind(cutoff).run()) return false;
            purged = sqlite3_changes(db_);
            return true;
        });
    });
    if (!done) return {.value = std::nullopt, .error = done.error};
    if (purged > 0) {
        if (Status s = scrub(); !s) return {.value = std::nullopt, .error = s.error};
    }
    return ok(purged);
}

Result<std::int64_t> JournalStore::addNote(const std::string& contact, const std::string& text,
                                           SysTime time) {
    return writing([&] {
        Use use{stmts_->insertNote.get()};
        use.bind(toSql(time)).bind(contact).bind(text);
        if (!use.run()) return fail<std::int64_t>(db_, "keeping a note");
        return ok<std::int64_t>(sqlite3_last_insert_rowid(db_));
    });
}

Result<std::vector<NoteRow>> JournalStore::notes(const std::string& contact) {
    Use use{stmts_->selectNotes.get()};
    use.bind(contact);
    auto rows = collect<NoteRow>(use, [](const Use& row) {
        return NoteRow{.id = row.integer(0),
                       .time = fromSql(row.integer(1)),
                       .contact = row.text(2),
                       .text = row.text(3)};
    });
    if (!rows) return fail<std::vector<NoteRow>>(db_, "reading notes");
    return ok(std::move(*rows));
}

Status JournalStore::saveOverride(const policy::Override& o) {
    const bool snooze = o.type == policy::Override::Type::Snooze;
    return writing([&] {
        return inTransaction("keeping a change of strictness", [&] {
            Use replace{stmts_->replaceOverride.get()};
            replace.bind(std::int64_t{snooze}).bind(o.contact);
            if (!replace.bind(toSql(o.start)).run()) return false;
            return insertOverride(o);
        });
    });
}

bool JournalStore::insertOverride(const policy::Override& o) {
    Use use{stmts_->insertOverride.get()};
    use.bind(sql::name(sql::kOverrideNames, o.type)).bind(o.contact);
    if (o.to) {
        use.bind(std::string{policy::levelName(*o.to)});
    } else {
        use.bind(std::optional<std::int64_t>{});  // NULL: a step-wise change
    }
    use.bind(std::int64_t{o.steps}).bind(toSql(o.start));
    use.bind(o.until ? std::optional{toSql(*o.until)} : std::nullopt);
    use.bind(o.since ? std::optional{o.since->days} : std::nullopt);
    return use.bind(o.note).run();
}

Status JournalStore::removeOverride(const std::string& contact) {
    return writing([&]() -> Status {
        Use use{stmts_->deleteOverride.get()};
        use.bind(std::int64_t{contact.empty()}).bind(contact);
        if (!use.run()) return failed(db_, "forgetting a change of strictness");
        return {};
    });
}

Result<std::vector<policy::Override>> JournalStore::overrides() {
    Use use{stmts_->selectOverrides.get()};
    auto rows = collect<policy::Override>(use, overrideFrom);
    if (!rows) return fail<std::vector<policy::Override>>(db_, "reading changes of strictness");
    return ok(std::move(*rows));
}

Result<int> JournalStore::removeExpired(SysTime now) {
    return writing([&] {
        if (!Use{stmts_->deleteExpired.get()}.bind(toSql(now)).run()) {
            return fail<int>(db_, "forgetting changes that ran out");
        }
        return ok(sqlite3_changes(db_));
    });
}

Status JournalStore::saveFinalStraw(const std::string& contact, const policy::FinalStrawDay& day) {
    return writing([&] {
        Use use{stmts_->saveFinalStraw.get()};
        use.bind(contact).bind(day.day.days);
        use.bind(day.policy_since ? std::optional{day.policy_since->days} : std::nullopt);
        if (!use.run()) return failed(db_, "keeping the day one of a final straw");
        return Status{};
    });
}

Result<std::vector<std::pair<std::string, policy::FinalStrawDay>>> JournalStore::finalStraws() {
    using Row = std::pair<std::string, policy::FinalStrawDay>;
    Use use{stmts_->selectFinalStraws.get()};
    auto rows = collect<Row>(use, [](const Use& row) {
        policy::FinalStrawDay day{.day = policy::Date{row.integer(1)}, .policy_since = {}};
        if (auto since = row.optInteger(2)) day.policy_since = policy::Date{*since};
        return Row{row.text(0), day};
    });
    if (!rows) return fail<std::vector<Row>>(db_, "reading the days one of final straws");
    return ok(std::move(*rows));
}

}  // namespace nocontact::daemon
