// SPDX-License-Identifier: GPL-3.0-or-later
// The journal store's events, choices, words and changes of level, its commits and checkpoints,
// and its file: durable, forgetting, and the user's alone.
#include "daemon/journal/store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/journal_store_fixture.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using namespace nocontact::daemon;
using namespace std::chrono_literals;
using nocontact::policy::Level;
using nocontact::policy::Override;
using nocontact::policy::SysTime;
using nocontact::testing::journal::AJournal;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::change;
using nocontact::testing::journal::contains;
using nocontact::testing::journal::kT0;
using nocontact::testing::journal::message;
using nocontact::testing::journal::modeOf;
using nocontact::testing::journal::TempFolder;
using nocontact::testing::journal::withheldEvent;

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
