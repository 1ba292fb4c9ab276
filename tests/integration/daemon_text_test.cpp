// SPDX-License-Identifier: GPL-3.0-or-later
// Message text through the real nocontactd: in the journal's held rows while a message is held,
// and nowhere else (other rows, the bytes on disk once read, stderr, systemd journal entries).
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/daemon_faults.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace {

using nocontact::testing::DaemonFaults;
using nocontact::testing::field;
using nocontact::testing::HeldRow;
using nocontact::testing::journal::bytesOf;
using nocontact::testing::journal::contains;
using namespace std::chrono_literals;

std::map<std::string, std::set<std::string>> tablesHolding(
    const std::filesystem::path& file, const std::vector<std::string>& needles) {
    std::map<std::string, std::set<std::string>> found;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << file << ": " << sqlite3_errmsg(db);
        sqlite3_close(db);
        return found;
    }
    std::vector<std::string> tables;
    sqlite3_stmt* list = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list,
                       nullptr);
    while (list && sqlite3_step(list) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
    sqlite3_finalize(list);
    EXPECT_GE(tables.size(), 4u) << "the journal has fewer tables than expected";
    for (const auto& table : tables) {
        sqlite3_stmt* rows = nullptr;
        std::string sql = "SELECT * FROM \"" + table + "\"";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &rows, nullptr) != SQLITE_OK) continue;
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(rows); ++c) {
                const void* bytes = sqlite3_column_blob(rows, c);
                std::string value(bytes ? static_cast<const char*>(bytes) : "",
                                  static_cast<std::size_t>(sqlite3_column_bytes(rows, c)));
                for (const auto& needle : needles)
                    if (contains(value, needle)) found[needle].insert(table);
            }
        }
        sqlite3_finalize(rows);
    }
    sqlite3_close(db);
    return found;
}

// The state of the held row whose body is `body`, or "" when there is none.
std::string heldStateOf(const std::filesystem::path& file, const std::string& body) {
    sqlite3* db = nullptr;
    std::string state;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(db, "SELECT state FROM held WHERE body = ?", -1, &q, nullptr);
        sqlite3_bind_text(q, 1, body.c_str(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
        if (q && sqlite3_step(q) == SQLITE_ROW)
            state = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return state;
}

// 4. Message text is in the held rows while a message is held, and nowhere else, ever.

TEST_F(DaemonFaults, KeepsMessageTextOnlyInHeldRowsAndDropsItOnceRead) {
    const std::vector<std::string> kSecrets = {
        "ça va? je pense à toi — Алекс, 你好 🌙 \u202Egnirts desrever",
        "<b>come over</b> &amp; <a href=\"https://example.com/x\">tonight</a>",
        "line one\nline two\twith a tab, \"double\" and 'single' quotes \\ backslash",
        "zero\u200Bwidth, 👩\u200D❤\uFE0F\u200D👨, e\u0301 combining",
    };
    // Parts and escaped forms that must not appear either.
    for (const char* part : {"come over", "tonight", "&lt;b&gt;come", "je pense", "line two",
                             "gnirts desrever", "combining"})
        rememberSecret(part);
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("pause")));
    for (const auto& secret : kSecrets)
        ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", secret))));
    ASSERT_TRUE(waitFor([&] { return held() == kSecrets.size(); }));
    ASSERT_TRUE(call("AddNote", std::string("Alex"), std::string("a note of my own")));
    const std::vector<std::int64_t> ids = heldIds();
    ASSERT_EQ(ids.size(), kSecrets.size());

    auto where = tablesHolding(journalFile(), kSecrets);
    for (const auto& secret : kSecrets)
        EXPECT_EQ(where[secret], std::set<std::string>{"held"}) << secret;

    // Read: the text goes, from the rows and from the bytes on disk.
    ASSERT_EQ(readHeld(ids[0]), kSecrets[0]);
    // Let go: kept 30 days so it can still be read (DESIGN §4), in its held row only.
    ASSERT_TRUE(call("LetGo", ids[1]));
    where = tablesHolding(journalFile(), kSecrets);
    EXPECT_TRUE(where[kSecrets[0]].empty()) << "read, yet its text is still in the journal";
    EXPECT_EQ(where[kSecrets[1]], std::set<std::string>{"held"});
    EXPECT_EQ(heldStateOf(journalFile(), kSecrets[1]), "let_go");
    for (std::size_t i = 2; i < kSecrets.size(); ++i)
        EXPECT_EQ(where[kSecrets[i]], std::set<std::string>{"held"}) << kSecrets[i];
    for (const char* suffix : {"", "-wal"}) {
        auto bytes = bytesOf(journalFile().string() + suffix);
        EXPECT_FALSE(contains(bytes, kSecrets[0])) << "read text left on disk in " << suffix;
    }

    // The rest read too: no text anywhere but the one let go.
    for (std::size_t i = 2; i < kSecrets.size(); ++i)
        ASSERT_EQ(readHeld(ids[i]), kSecrets[i]);
    where = tablesHolding(journalFile(), kSecrets);
    for (std::size_t i = 0; i < kSecrets.size(); ++i)
        EXPECT_EQ(where[kSecrets[i]].size(), i == 1 ? 1u : 0u) << kSecrets[i];
    EXPECT_EQ(stopAnswering(), 0);
    auto bytes = bytesOf(journalFile());
    for (std::size_t i = 0; i < kSecrets.size(); ++i)
        if (i != 1) {
            EXPECT_FALSE(contains(bytes, kSecrets[i])) << kSecrets[i];
        }
    // TearDown checks the daemon's whole output (stderr lines carry the same fields as its
    // journal entries) for every secret and part of one.
}

// A message longer than nocontact keeps (64 KiB) says so when it is read, and by how much.
TEST_F(DaemonFaults, SaysAMessageWasShortenedAndByHowMuchWhenItIsRead) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("strict")));
    const std::string kept(64 * 1024, 'k');
    const std::string lost(10 * 1024 + 1, 'L');
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kept + lost))));
    ASSERT_TRUE(waitFor([&] { return held() == 1; }));
    auto body = readHeld(heldIds().at(0)).value_or("");
    EXPECT_EQ(body.substr(0, kept.size()), kept);
    EXPECT_EQ(body.find('L'), std::string::npos) << "more was kept than the limit";
    EXPECT_NE(body.find("the last 11 KiB of it did not fit"), std::string::npos)
        << body.substr(kept.size());
}

// The journal path of log.cpp (stderr is the journal's stream): every entry the daemon sends,
// caught on a socket of the test's own, names the contact and never carries the text.
TEST_F(DaemonFaults, NeverSendsMessageTextToTheSystemdJournal) {
    const std::vector<std::string> kSecrets = {
        "tu me manques — Алекс 🌙 \u202Edesrever",
        "<i>still</i> &amp; always",
        "first line\nNOCONTACT_CONTACT=forged field",
    };
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("pause"),
                                          [](auto& d) { d.captureJournal(); }));
    for (const auto& secret : kSecrets)
        ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", secret))));
    ASSERT_TRUE(waitFor([&] { return held() == kSecrets.size(); }));
    const std::vector<std::int64_t> ids = heldIds();
    ASSERT_EQ(ids.size(), kSecrets.size());
    ASSERT_EQ(readHeld(ids[0]), kSecrets[0]);
    ASSERT_TRUE(call("LetGo", ids[1]));
    std::uint32_t stranger = idOf(signalFrom("Sam Rivera", "a stranger's words"));
    ASSERT_NE(stranger, 0u);
    EXPECT_EQ(stopAnswering(), 0);

    auto entries = daemon_->journalEntries();
    ASSERT_FALSE(entries.empty()) << "nothing reached the journal socket";
    int intervened = 0;
    for (const auto& entry : entries) {
        intervened +=
            contains(entry, "MESSAGE=Intervened.\n") && contains(entry, "NOCONTACT_CONTACT=Alex\n");
        EXPECT_TRUE(contains(entry, "SYSLOG_IDENTIFIER=nocontactd\n")) << entry;
        for (const auto& secret : kSecrets)
            EXPECT_FALSE(contains(entry, secret)) << "message text in a journal entry: " << entry;
        for (const char* part : {"tu me manques", "<i>still", "&amp; always", "first line",
                                 "forged", "stranger's words"})
            EXPECT_FALSE(contains(entry, part)) << "part of a message in the journal: " << entry;
    }
    EXPECT_EQ(intervened, static_cast<int>(kSecrets.size()))
        << "each intervention is one entry with the contact as a field";
}

}  // namespace
