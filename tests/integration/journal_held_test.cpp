// SPDX-License-Identifier: GPL-3.0-or-later
// Held messages in the journal store: kept with their event or not at all, listed, read (and
// their text wiped), let go and purged after thirty days.
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

}  // namespace
