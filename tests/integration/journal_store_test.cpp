// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/journal_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/journal_test_util.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::Level;
using nocontact::policy::Override;
using nocontact::policy::SysTime;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::contains;
using nocontact::testing::journal::TempFolder;

const SysTime kT0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 16h + 15min};

HeldMessage message(std::string body, std::string contact = "Alex") {
    return {.received = kT0,
            .contact = std::move(contact),
            .app_name = "Signal",
            .app_id = "org.signal.Signal",
            .app_icon = "signal-desktop",
            .desktop_entry = "signal-desktop",
            .summary = "Alex Morgan",
            .body = std::move(body)};
}

// A change of strictness; policy::Override has members without defaults, so build it stepwise.
Override change(Override::Type type, std::string contact, SysTime start,
                std::optional<SysTime> until = std::nullopt) {
    Override o;
    o.type = type;
    o.contact = std::move(contact);
    o.start = start;
    o.until = until;
    return o;
}

mode_t modeOf(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
}

class AJournal : public ::testing::Test {
  protected:
    void SetUp() override { reopen(); }
    void reopen() {
        store_.reset();
        OpenResult opened = JournalStore::open(dir_.path() / "nocontact", kT0);
        ASSERT_TRUE(opened.store) << opened.error->message;
        EXPECT_FALSE(opened.moved_aside);
        store_ = std::move(opened.store);
    }
    std::filesystem::path file() const { return dir_.path() / "nocontact" / kJournalFileName; }
    // The journal's bytes on disk: the main file and the write-ahead log.
    std::string diskBytes() const { return bytesOf(file()) + bytesOf(file().string() + "-wal"); }

    TempFolder dir_;
    std::unique_ptr<JournalStore> store_;
};

TEST_F(AJournal, KeepsEventsAndListsThoseSinceATime) {
    EventRow early{.time = kT0,
                   .contact = "Alex",
                   .source = "fdo",
                   .app = "signal",
                   .kind = "notification",
                   .level = "pause",
                   .action = "withhold"};
    EventRow late = early;
    late.time = kT0 + 1h;
    late.source = "kdeconnect";
    ASSERT_TRUE(store_->recordEvent(early));
    auto id = store_->recordEvent(late);
    ASSERT_TRUE(id);

    auto since = store_->eventsSince(kT0 + 1min);
    ASSERT_TRUE(since);
    ASSERT_EQ(since->size(), 1u);
    const EventRow& got = since->front();
    EXPECT_EQ(got.id, *id);
    EXPECT_EQ(got.time, late.time);
    EXPECT_EQ(std::tie(got.contact, got.source, got.app, got.kind, got.level, got.action),
              std::tie(late.contact, late.source, late.app, late.kind, late.level, late.action));
    EXPECT_EQ(store_->eventsSince(kT0)->size(), 2u);
}

TEST_F(AJournal, CountsOnlyCallsThatWentOnAsReachingOut) {
    auto call = [&](std::string contact, SysTime t, std::string action) {
        return store_->recordEvent({.time = t,
                                    .contact = std::move(contact),
                                    .source = "modemmanager",
                                    .kind = "call",
                                    .action = std::move(action),
                                    .direction = "outgoing"});
    };
    ASSERT_TRUE(call("Alex", kT0, "count"));                  // at open: it rang through
    ASSERT_TRUE(call("Alex", kT0 + 1h, "pause-before-use"));  // waited behind a pause
    ASSERT_TRUE(call("Alex", kT0 + 2h, "reject"));            // ended by nocontact
    ASSERT_TRUE(call("Sam", kT0 + 1h, "pause-before-use"));   // hung up after the pause
    ASSERT_TRUE(store_->recordEvent({.time = kT0 + 3h,
                                     .contact = "Alex",
                                     .source = "user",
                                     .kind = "call_answer",
                                     .action = "answered"}));  // their call: not reaching out
    auto last = store_->lastReachedOut();
    ASSERT_TRUE(last);
    ASSERT_EQ(last->size(), 1u);
    EXPECT_EQ((*last)[0].contact, "Alex");
    EXPECT_EQ((*last)[0].time, kT0);
    ASSERT_TRUE(store_->recordEvent({.time = kT0 + 4h,
                                     .contact = "Sam",
                                     .source = "user",
                                     .app = "signal",
                                     .kind = "reach_answer",
                                     .action = "opened-anyway"}));  // an app: not reaching out
    ASSERT_TRUE(store_->recordEvent({.time = kT0 + 4h,
                                     .contact = "Sam",
                                     .source = "systemd",
                                     .app = "signal",
                                     .kind = "app_launch",
                                     .action = "count",
                                     .direction = "outgoing"}));
    last = store_->lastReachedOut();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->size(), 1u) << "opening an app is not reaching out";
    ASSERT_TRUE(store_->recordEvent({.time = kT0 + 5h,
                                     .contact = "Sam",
                                     .source = "user",
                                     .app = "call",
                                     .kind = "reach_answer",
                                     .action = "opened-anyway"}));  // called anyway
    last = store_->lastReachedOut();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->size(), 2u);
}

EventRow withheldEvent() {
    return {.time = kT0,
            .contact = "Alex",
            .source = "fdo",
            .app = "signal",
            .kind = "message",
            .level = "pause",
            .action = "pause"};
}

TEST_F(AJournal, KeepsAWithheldMessageAndItsEventTogether) {
    auto id = store_->keepWithheld(withheldEvent(), message("together"));
    ASSERT_TRUE(id);
    reopen();
    ASSERT_TRUE(store_->heldById(*id)->has_value());
    EXPECT_EQ(store_->heldById(*id)->value().body, "together");
    ASSERT_EQ(store_->eventsSince(kT0)->size(), 1u);
    EXPECT_EQ(store_->eventsSince(kT0)->front().action, "pause");
}

TEST_F(AJournal, KeepsNeitherTheEventNorTheMessageWhenOneCannotBeKept) {
    // Another connection makes the journal refuse held messages: the event written first in
    // the same transaction must go with it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER refuse BEFORE INSERT ON held "
                           "BEGIN SELECT RAISE(ABORT, 'refused'); END;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    EXPECT_FALSE(store_->keepWithheld(withheldEvent(), message("refused")));
    EXPECT_EQ(store_->eventsSince(kT0)->size(), 0u);
    EXPECT_EQ(store_->held()->size(), 0u);
    EXPECT_FALSE(store_->inMemory()) << "a refusal by the schema is no reason to leave the disk";
}

TEST_F(AJournal, LeavesTheCheckpointToItsSchedulerOutsideTheCommit) {
    int scheduled = 0;
    store_->onCheckpointDue([&] { ++scheduled; });
    const auto fileSize = [&] { return std::filesystem::file_size(file()); };
    const auto before = fileSize();
    // Each kept message changes a few pages; this many fill the log past kCheckpointPages.
    for (int i = 0; i < JournalStore::kCheckpointPages; ++i)
        ASSERT_TRUE(store_->keepWithheld(withheldEvent(), message("m" + std::to_string(i))));
    EXPECT_EQ(scheduled, 1) << "asked once, however many commits follow before it runs";
    EXPECT_EQ(fileSize(), before) << "nothing was copied into the file inside a commit";
    ASSERT_TRUE(store_->checkpoint());
    EXPECT_GT(fileSize(), before);
    for (int i = 0; i < JournalStore::kCheckpointPages; ++i)
        ASSERT_TRUE(store_->keepWithheld(withheldEvent(), message("again")));
    EXPECT_EQ(scheduled, 2) << "asked again once the log fills again";
}

TEST_F(AJournal, CheckpointsInsideTheCommitWithoutAScheduler) {
    const auto before = std::filesystem::file_size(file());
    for (int i = 0; i < JournalStore::kCheckpointPages; ++i)
        ASSERT_TRUE(store_->keepWithheld(withheldEvent(), message("m" + std::to_string(i))));
    EXPECT_GT(std::filesystem::file_size(file()), before);
}

TEST_F(AJournal, KeepsAHeldMessageWithEveryFieldAcrossARestart) {
    auto id = store_->holdMessage(message("are you awake?"));
    ASSERT_TRUE(id);
    reopen();
    auto got = store_->heldById(*id);
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->has_value());
    const HeldMessage& m = **got;
    HeldMessage want = message("are you awake?");
    EXPECT_EQ(m.id, *id);
    EXPECT_EQ(m.received, want.received);
    EXPECT_EQ(
        std::tie(m.contact, m.app_name, m.app_id, m.app_icon, m.desktop_entry, m.summary, m.body),
        std::tie(want.contact, want.app_name, want.app_id, want.app_icon, want.desktop_entry,
                 want.summary, want.body));
    EXPECT_EQ(m.state, HeldState::Held);
    EXPECT_FALSE(m.let_go_at);
    EXPECT_FALSE(store_->heldById(*id + 1)->has_value());
}

TEST_F(AJournal, ListsHeldMessagesByContactAndState) {
    auto a = *store_->holdMessage(message("one"));
    auto b = *store_->holdMessage(message("two"));
    auto c = *store_->holdMessage(message("three", "Sam"));
    ASSERT_TRUE(store_->markLater(b));
    ASSERT_TRUE(store_->letGo(c, kT0));

    auto ids = [&](const HeldFilter& f) {
        std::vector<std::int64_t> out;
        for (const HeldMessage& m : *store_->held(f))
            out.push_back(m.id);
        return out;
    };
    EXPECT_EQ(ids({}), (std::vector{a, b, c}));
    EXPECT_EQ(ids({.contact = "Alex"}), (std::vector{a, b}));
    EXPECT_EQ(ids({.states = {HeldState::Held, HeldState::Later}}), (std::vector{a, b}));
    EXPECT_EQ(ids({.contact = "Sam", .states = {HeldState::LetGo}}), (std::vector{c}));
    EXPECT_EQ(ids({.contact = "Sam", .states = {HeldState::Held}}), (std::vector<std::int64_t>{}));
}

TEST_F(AJournal, RemembersWhenAMessageWasLetGoAndAllowsChangingTheMindBack) {
    auto id = *store_->holdMessage(message("hey"));
    ASSERT_TRUE(store_->letGo(id, kT0 + 2h));
    EXPECT_EQ((*store_->heldById(id))->let_go_at, kT0 + 2h);
    ASSERT_TRUE(store_->markLater(id));
    auto back = **store_->heldById(id);
    EXPECT_EQ(back.state, HeldState::Later);
    EXPECT_FALSE(back.let_go_at);
    EXPECT_EQ(back.body, "hey");
}

TEST_F(AJournal, ClearsTheTextOfAReadMessageButKeepsItsFacts) {
    auto id = *store_->holdMessage(message("call me"));
    ASSERT_TRUE(store_->markRead(id));
    auto read = **store_->heldById(id);
    EXPECT_EQ(read.state, HeldState::Read);
    EXPECT_EQ(read.summary, "");
    EXPECT_EQ(read.body, "");
    EXPECT_EQ(read.contact, "Alex");
    EXPECT_EQ(read.app_id, "org.signal.Signal");
    // A read message has no text to come back to.
    EXPECT_FALSE(store_->markLater(id));
    EXPECT_FALSE(store_->letGo(id, kT0));
    EXPECT_FALSE(store_->markRead(id + 100));
}

TEST_F(AJournal, LeavesNoTraceOfAReadMessagesTextInTheFile) {
    const std::string secret = "unique-words-only-in-this-message-7f3a";
    auto kept = *store_->holdMessage(message("a message that stays"));
    auto id = *store_->holdMessage(message(secret));
    ASSERT_TRUE(contains(diskBytes(), secret));  // the check below can fail

    ASSERT_TRUE(store_->markRead(id));
    EXPECT_FALSE(contains(diskBytes(), secret));
    EXPECT_EQ((*store_->heldById(kept))->body, "a message that stays");
}

TEST_F(AJournal, KeepsALetGoMessageThirtyDaysThenPurgesItsText) {
    const std::string secret = "let-go-words-kept-for-thirty-days-91c2";
    auto id = *store_->holdMessage(message(secret));
    auto stays = *store_->holdMessage(message("still held"));
    ASSERT_TRUE(store_->letGo(id, kT0));
    auto choice = store_->recordChoice(id, Choice::LetGo, kT0);
    ASSERT_TRUE(choice);

    auto early = store_->purgeLetGo(kT0 + std::chrono::days{kLetGoKeepDays} - 1s);
    ASSERT_TRUE(early);
    EXPECT_EQ(*early, 0);
    EXPECT_EQ((*store_->heldById(id))->body, secret);

    auto due = store_->purgeLetGo(kT0 + std::chrono::days{kLetGoKeepDays});
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, 1);
    EXPECT_FALSE(store_->heldById(id)->has_value());
    EXPECT_TRUE(store_->heldById(stays)->has_value());
    EXPECT_FALSE(contains(diskBytes(), secret));
    // The choice is a fact worth keeping; it no longer points at a message.
    auto choices = *store_->choicesSince(kT0);
    ASSERT_EQ(choices.size(), 1u);
    EXPECT_EQ(choices[0].choice, Choice::LetGo);
    EXPECT_FALSE(choices[0].held_id);
}

TEST_F(AJournal, RecordsEveryKindOfChoice) {
    auto id = *store_->holdMessage(message("hi"));
    for (Choice c : {Choice::Read, Choice::Later, Choice::LetGo, Choice::Expired}) {
        ASSERT_TRUE(store_->recordChoice(id, c, kT0 + 1min));
    }
    ASSERT_TRUE(store_->recordChoice(std::nullopt, Choice::Later, kT0 + 2min));
    EXPECT_FALSE(store_->recordChoice(id + 100, Choice::Read, kT0));  // no such message

    auto all = *store_->choicesSince(kT0);
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(all[0].choice, Choice::Read);
    EXPECT_EQ(all[3].choice, Choice::Expired);
    EXPECT_EQ(all[0].held_id, id);
    EXPECT_EQ(all[4].time, kT0 + 2min);
    EXPECT_FALSE(all[4].held_id);
}

TEST_F(AJournal, KeepsTheUsersOwnWords) {
    ASSERT_TRUE(store_->addNote("Alex", "He only writes when he's bored.", kT0));
    ASSERT_TRUE(store_->addNote("Sam", "Day 3 and calm.", kT0 + 1h));
    reopen();
    auto alex = *store_->notes("Alex");
    ASSERT_EQ(alex.size(), 1u);
    EXPECT_EQ(alex[0].text, "He only writes when he's bored.");
    EXPECT_EQ(alex[0].time, kT0);
    EXPECT_EQ(alex[0].contact, "Alex");
    EXPECT_EQ(store_->notes()->size(), 2u);
}

TEST_F(AJournal, KeepsStrictnessChangesAcrossARestart) {
    Override soften = change(Override::Type::Soften, "Alex", kT0, kT0 + 2h);
    soften.to = Level::Gentle;
    soften.note = "a hard evening";
    Override straw = change(Override::Type::FinalStraw, "Sam", kT0 + 1min);
    straw.steps = 2;
    straw.since = nocontact::policy::Date{20418};
    straw.note = "enough";
    ASSERT_TRUE(store_->saveOverride(soften));
    ASSERT_TRUE(store_->saveOverride(straw));
    reopen();
    auto kept = *store_->overrides();
    ASSERT_EQ(kept.size(), 2u);
    const Override& a = kept[0];
    EXPECT_EQ(a.type, Override::Type::Soften);
    EXPECT_EQ(a.contact, "Alex");
    EXPECT_EQ(a.to, Level::Gentle);
    EXPECT_EQ(a.start, kT0);
    EXPECT_EQ(a.until, kT0 + 2h);
    EXPECT_FALSE(a.since);
    EXPECT_EQ(a.note, "a hard evening");
    const Override& b = kept[1];
    EXPECT_EQ(b.type, Override::Type::FinalStraw);
    EXPECT_FALSE(b.to);
    EXPECT_EQ(b.steps, 2);
    EXPECT_FALSE(b.until);
    EXPECT_EQ(b.since, nocontact::policy::Date{20418});
}

TEST_F(AJournal, ReplacesAContactsEarlierChangeAsTheEngineDoes) {
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Soften, "Alex", kT0)));
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Snooze, "", kT0, kT0 + 1h)));
    // Replaces the soften; the snooze had run out when it started.
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Harden, "Alex", kT0 + 2h)));
    auto kept = *store_->overrides();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].type, Override::Type::Harden);
}

TEST_F(AJournal, ForgetsChangesThatRanOut) {
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Snooze, "", kT0, kT0 + 1h)));
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Harden, "Alex", kT0, kT0 + 3h)));
    EXPECT_EQ(*store_->removeExpired(kT0 + 59min), 0);
    EXPECT_EQ(*store_->removeExpired(kT0 + 1h), 1);
    auto kept = *store_->overrides();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].contact, "Alex");
}

TEST_F(AJournal, KeepsAFinalStrawsDayOneAfterItsChangeIsReplaced) {
    using nocontact::policy::Date;
    using nocontact::policy::FinalStrawDay;
    ASSERT_TRUE(store_->saveFinalStraw("Alex", FinalStrawDay{Date{20418}, Date{20067}}));
    ASSERT_TRUE(store_->saveFinalStraw("Sam", FinalStrawDay{Date{20400}, std::nullopt}));
    ASSERT_TRUE(store_->saveOverride(change(Override::Type::Soften, "Alex", kT0)));
    ASSERT_TRUE(store_->saveFinalStraw("Alex", FinalStrawDay{Date{20419}, Date{20067}}));
    reopen();
    auto kept = *store_->finalStraws();
    ASSERT_EQ(kept.size(), 2u) << "one per contact, the newer";
    EXPECT_EQ(kept[0].first, "Alex");
    EXPECT_EQ(kept[0].second, (FinalStrawDay{Date{20419}, Date{20067}}));
    EXPECT_EQ(kept[1].first, "Sam");
    EXPECT_EQ(kept[1].second, (FinalStrawDay{Date{20400}, std::nullopt}));
}

TEST_F(AJournal, CountsAttemptsPerLocalDay) {
    // The user lives at UTC-5: 03:00 UTC on the 26th is still the 25th for them.
    auto toLocal = [](SysTime t) {
        return nocontact::policy::LocalTime{(t - 5h).time_since_epoch()};
    };
    const SysTime day26 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};
    for (SysTime t : {day26 + 3h, day26 + 6h, day26 + 7h, day26 - 30h, day26 - 10 * 24h}) {
        ASSERT_TRUE(store_->recordEvent({.time = t, .contact = "Alex", .kind = "notification"}));
    }
    ASSERT_TRUE(store_->recordEvent({.time = day26 + 6h, .contact = "Sam"}));

    auto counts = store_->countsByDay("Alex", 3, day26 + 20h, toLocal);
    ASSERT_TRUE(counts);
    ASSERT_EQ(counts->size(), 3u);
    const auto dayNumber = [](int d) {
        return nocontact::policy::Date{
            (std::chrono::sys_days{std::chrono::year{2026} / 11 / d}).time_since_epoch().count()};
    };
    EXPECT_EQ((*counts)[0].day, dayNumber(24));
    EXPECT_EQ((*counts)[0].attempts, 1);  // day26 - 30h = 24th 18:00 UTC = 13:00 local
    EXPECT_EQ((*counts)[1].attempts, 1);  // 03:00 UTC on the 26th
    EXPECT_EQ((*counts)[2].day, dayNumber(26));
    EXPECT_EQ((*counts)[2].attempts, 2);
}

TEST_F(AJournal, IsSetUpForDurabilityAndForgetting) {
    auto s = store_->settings();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->journal_mode, "wal");
    EXPECT_EQ(s->synchronous, 1);  // NORMAL: every commit in the WAL, fsynced at checkpoints
    EXPECT_TRUE(s->secure_delete);
    EXPECT_TRUE(s->foreign_keys);
    EXPECT_EQ(s->schema_version, kJournalSchemaVersion);
}

TEST(AJournalFolder, IsTheUsersAloneWhateverTheUmask) {
    TempFolder dir;
    const auto folder = dir.path() / "nocontact";
    std::filesystem::create_directory(folder);
    ::chmod(folder.c_str(), 0755);
    mode_t old = ::umask(0);
    OpenResult opened = JournalStore::open(folder, kT0);
    ::umask(old);
    ASSERT_TRUE(opened.store);
    ASSERT_TRUE(opened.store->holdMessage(message("x")));  // the -wal and -shm exist now

    EXPECT_EQ(modeOf(folder), 0700u);
    for (const char* name : {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm"}) {
        ASSERT_TRUE(std::filesystem::exists(folder / name)) << name;
        EXPECT_EQ(modeOf(folder / name), 0600u) << name;
    }
}

}  // namespace
