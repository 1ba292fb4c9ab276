// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd when its journal cannot be written: a full disk (a 1 MiB tmpfs in the
// daemon's own mount namespace, filled by the test) and a read-only state folder (a read-only
// bind mount there). The contact's messages are still withheld and kept, in memory; the person
// is told; and once the folder can be written again the journal is back on disk, whole.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "daemon/journal/keep_log.hpp"
#include "daemon/strings.hpp"
#include "dbus/decode.hpp"
#include "tests/integration/daemon_faults.hpp"

namespace {

using nocontact::testing::DaemonFaults;
using nocontact::testing::field;
using nocontact::testing::integrityOk;
using namespace std::chrono_literals;
namespace daemon = nocontact::daemon;
namespace strings = nocontact::daemon::strings;

// Large enough for the journal to open; the rest is filled by the test.
constexpr std::size_t kTinyDisk = 1024 * 1024;
// The daemon tries the disk again every second here (30 s by default), so a test waits briefly.
const std::vector<std::string> kQuickRetry = {"--journal-retry", "1"};
// Long enough for a retry on 2 slow, shared cores.
constexpr auto kBackDeadline = 15s;

// Fills the folder's file system with one file until it says ENOSPC; false if it never does.
bool fill(const std::string& file) {
    std::FILE* out = std::fopen(file.c_str(), "wb");
    if (!out) return false;
    std::vector<char> block(4096, 'x');
    for (std::size_t written = 0; written < 2 * kTinyDisk; written += block.size()) {
        if (std::fwrite(block.data(), 1, block.size(), out) != block.size() ||
            std::fflush(out) != 0) {
            std::fclose(out);
            return true;
        }
    }
    std::fclose(out);
    return false;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// One held row of the journal file, read with SQLite itself.
struct DiskRow {
    std::string state, body;
};

// The held table of the journal file at `file` by id; empty when it cannot be read.
std::map<std::int64_t, DiskRow> heldOnDisk(const std::string& file) {
    std::map<std::int64_t, DiskRow> rows;
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT id, state, body FROM held", -1, &stmt, nullptr) ==
            SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            auto text = [&](int c) {
                const auto* p = sqlite3_column_text(stmt, c);
                return std::string(p ? reinterpret_cast<const char*>(p) : "");
            };
            rows[sqlite3_column_int64(stmt, 0)] = {text(1), text(2)};
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
}

class ADaemonThatCannotSave : public DaemonFaults {
  protected:
    void TearDown() override {
        DaemonFaults::TearDown();
        std::error_code ec;
        if (!copy_dir_.empty()) std::filesystem::remove_all(copy_dir_, ec);
    }

    // The journal on the daemon's own tmpfs, copied (with its WAL) to a folder of the test's:
    // SQLite resolves /proc/PID/root to "/", so it cannot open the file there in place.
    std::string journalCopy() {
        namespace fs = std::filesystem;
        if (copy_dir_.empty()) {
            char tmpl[] = "/tmp/nocontact-journal-copy.XXXXXX";
            if (mkdtemp(tmpl)) copy_dir_ = tmpl;
        }
        const std::string from = daemon_->stateDirAsSeen() + "/" + daemon::kJournalFileName;
        const std::string to = copy_dir_ + "/" + daemon::kJournalFileName;
        for (const char* suffix : {"", "-wal"}) {
            std::error_code ec;
            fs::remove(to + suffix, ec);
            fs::copy_file(from + suffix, to + suffix, ec);
        }
        return to;
    }
    std::string copy_dir_;

    std::string place() { return field<std::string>(status(), "journal"); }

    // How many notifications the daemon posted with `summary`, the last one's body in `body`.
    int noticesWith(const char* summary, std::string* body = nullptr) const {
        int n = 0;
        for (const auto& call : server_->calls()) {
            if (call.member != "Notify" || call.summary != summary) continue;
            ++n;
            if (body) *body = call.body;
        }
        return n;
    }

    // Runs nocontactctl with `args` on the test's bus; its stdout, and its exit status.
    std::pair<int, std::string> ctl(const std::vector<std::string>& args) {
        char tmpl[] = "/tmp/nocontactctl-out.XXXXXX";
        int fd = mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        std::vector<std::string> argv_s = {NOCONTACTCTL};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        const std::string address = bus_.address();
        pid_t pid = fork();
        if (pid == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", address.c_str(), 1);
            dup2(fd, STDOUT_FILENO);
            execv(NOCONTACTCTL, argv.data());
            _exit(127);
        }
        close(fd);
        int status = 0;
        bool done = waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 20s);
        if (!done) kill(pid, SIGKILL);
        std::string out = slurp(tmpl);
        unlink(tmpl);
        return {done && WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
    }

    // Every regular file the daemon has open (SQLite's temporary files included, which are
    // unlinked): whether any of them holds `text`.
    bool openFileHolds(const std::string& text) const {
        const std::string fds = "/proc/" + std::to_string(daemon_->pid()) + "/fd";
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(fds, ec)) {
            struct stat st {};
            if (::stat(entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            if (slurp(entry.path()).find(text) != std::string::npos) return true;
        }
        return false;
    }
};

TEST_F(ADaemonThatCannotSave, WithholdsOnAFullDiskKeepsItInMemoryAndWritesItBackOnceThereIsRoom) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto& d) {
        d.useTinyStateDisk(kTinyDisk);
        d.addArguments(kQuickRetry);
    }));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept before the disk filled"))));
    ASSERT_EQ(place(), "disk");
    ASSERT_EQ(noticesWith(strings::kJournalInMemorySummary), 0);

    const std::string filler = daemon_->stateDirAsSeen() + "/filler";
    ASSERT_TRUE(fill(filler)) << "the state folder never filled up";
    const std::string kRead = "arrives on a full disk and is read 🌧";
    const std::string kWaits = "arrives on a full disk and waits";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kRead))))
        << "a full disk cost the intervention";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kWaits))));
    auto s = status();
    EXPECT_EQ(field<std::string>(s, "journal"), "memory");
    EXPECT_EQ(field<std::string>(s, "journal_trouble"), "full");
    EXPECT_EQ(field<std::uint32_t>(s, "unkept"), 0u);
    EXPECT_EQ(field<std::uint32_t>(s, "held"), 3u) << "the message from before is out of view";
    EXPECT_EQ(field<std::uint32_t>(s, "kept_in_memory"), 2u);
    std::string body;
    ASSERT_TRUE(waitFor([&] { return noticesWith(strings::kJournalInMemorySummary, &body) > 0; }))
        << "the person was not told";
    EXPECT_NE(body.find("the disk is full"), std::string::npos) << body;

    // nocontactctl says so, in words and in JSON.
    auto [text_status, text] = ctl({"status"});
    EXPECT_EQ(text_status, 0);
    EXPECT_NE(text.find("kept in memory"), std::string::npos) << text;
    EXPECT_NE(text.find("the disk is full"), std::string::npos) << text;
    auto [json_status, json_text] = ctl({"status", "--json"});
    EXPECT_EQ(json_status, 0);
    auto json = nlohmann::json::parse(json_text, nullptr, false);
    EXPECT_EQ(json.value("journal", ""), "memory") << json_text;
    EXPECT_EQ(json.value("journal_trouble", ""), "full") << json_text;

    // Read back through the API while in memory.
    auto ids = heldIds();
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(readHeld(ids[1]), kRead);
    // On the full disk all the same, in the keep log's room, so that a crash would lose neither;
    // the one read has gone from there.
    const std::string log = slurp(daemon_->stateDirAsSeen() + "/" + daemon::kKeepLogFileName);
    EXPECT_NE(log.find(kWaits), std::string::npos);
    EXPECT_EQ(log.find(kRead), std::string::npos);

    std::filesystem::remove(filler);
    ASSERT_TRUE(waitFor([&] { return place() == "disk"; }, kBackDeadline))
        << "the journal never went back to disk";
    ASSERT_TRUE(waitFor([&] { return noticesWith(strings::kJournalBackSummary, &body) > 0; }));
    EXPECT_NE(body.find("2 messages"), std::string::npos) << body;
    EXPECT_EQ(noticesWith(strings::kJournalInMemorySummary), 1) << "told more than once";

    EXPECT_TRUE(integrityOk(journalCopy()));
    auto rows = heldOnDisk(journalCopy());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[ids[0]].body, "kept before the disk filled") << "the history was lost";
    EXPECT_EQ(rows[ids[0]].state, "held");
    EXPECT_EQ(rows[ids[1]].state, "read");
    EXPECT_EQ(rows[ids[1]].body, "") << "a read message kept its text";
    EXPECT_EQ(rows[ids[2]].state, "held");
    EXPECT_EQ(rows[ids[2]].body, kWaits);

    // On disk again for good: the next message goes there (through the keep log).
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "arrives once there is room"))));
    EXPECT_TRUE(waitFor([&] { return heldOnDisk(journalCopy()).size() == 4u; }))
        << heldOnDisk(journalCopy()).size() << " messages in the file";
    EXPECT_EQ(place(), "disk");
}

// The keep log's room takes the small message and the first large one; the second large one
// is too much for it (a record is its body and at least 60 bytes more: a header, the id, the
// time, the lengths of its seven texts).
static_assert(2 * (nocontact::dbus::kMaxTextBytes + 60) > daemon::KeepLog::kKeepLogRoom);
static_assert(nocontact::dbus::kMaxTextBytes + 1024 < daemon::KeepLog::kKeepLogRoom);

TEST_F(ADaemonThatCannotSave, GivesBackWhatOnlyMemoryHeldWhenItStopsBeforeTheDiskHasRoom) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [](auto& d) {
        d.useTinyStateDisk(kTinyDisk);
        d.addArguments(kQuickRetry);
    }));
    const std::string kOnDisk = "kept before the disk filled";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kOnDisk))));
    ASSERT_EQ(place(), "disk");  // and asking put it into the file, from the keep log
    ASSERT_TRUE(fill(daemon_->stateDirAsSeen() + "/filler")) << "the state folder never filled";
    const std::string kInLog = "kept in memory and in the keep log's room when nocontactd stops";
    const std::string kLarge(nocontact::dbus::kMaxTextBytes, 'a');
    const std::string kTooLarge(nocontact::dbus::kMaxTextBytes, 'b');
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kInLog))));
    ASSERT_EQ(place(), "memory");
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kLarge))));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kTooLarge))));
    EXPECT_EQ(field<std::uint32_t>(status(), "kept_in_memory"), 3u);
    auto posted = [&](const std::string& body) {
        return std::count_if(server_->calls().begin(), server_->calls().end(), [&](auto& call) {
            return call.member == "Notify" && call.body == body;
        });
    };
    ASSERT_EQ(posted(kTooLarge), 1) << "only the app's own notification so far";
    const std::string log = slurp(daemon_->stateDirAsSeen() + "/" + daemon::kKeepLogFileName);
    EXPECT_NE(log.find(kInLog), std::string::npos);
    EXPECT_NE(log.find(kLarge), std::string::npos);
    EXPECT_EQ(log.find(kTooLarge), std::string::npos) << "the log's room had more than expected";

    EXPECT_EQ(stopDaemon(), 0);
    EXPECT_EQ(posted(kTooLarge), 2) << "the message only memory held was lost";
    EXPECT_EQ(posted(kInLog), 1) << "the keep log holds it for the next start";
    EXPECT_EQ(posted(kLarge), 1) << "the keep log holds it for the next start";
    EXPECT_EQ(posted(kOnDisk), 1) << "a message the file keeps is offered again at the next start";
    std::string body;
    EXPECT_EQ(noticesWith(strings::kGivenBackSummary, &body), 1);
    EXPECT_NE(body.find("the 1 message it kept is back on screen"), std::string::npos) << body;
}

TEST_F(ADaemonThatCannotSave, SetsAnUnreadableJournalAsideStartsAFreshOneAndSaysWhere) {
    std::string garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is not a database; ";
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"), [&](auto& d) {
        std::filesystem::create_directories(d.stateDir());
        std::ofstream(std::filesystem::path(d.stateDir()) / daemon::kJournalFileName) << garbage;
    }));
    std::string body;
    ASSERT_TRUE(waitFor([&] { return noticesWith(strings::kJournalSetAsideSummary, &body) > 0; }))
        << "the person was not told";
    EXPECT_NE(body.find("journal.sqlite3.corrupt-"), std::string::npos) << body;
    EXPECT_NE(body.find("Nothing was deleted"), std::string::npos) << body;
    std::string aside;
    for (const auto& entry : std::filesystem::directory_iterator(daemon_->stateDir()))
        if (entry.path().filename().string().rfind("journal.sqlite3.corrupt-", 0) == 0)
            aside = entry.path();
    ASSERT_FALSE(aside.empty()) << "the unreadable journal was not kept";
    EXPECT_EQ(slurp(aside), garbage) << "the unreadable journal was changed";
    EXPECT_NE(body.find(std::filesystem::path(aside).filename().string()), std::string::npos)
        << "the notice names another file: " << body;
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after a fresh start"))));
    EXPECT_EQ(place(), "disk");
}

TEST_F(ADaemonThatCannotSave, StartsInAReadOnlyFolderKeepsInMemoryAndReachesDiskWhenItIsWritable) {
    ASSERT_NO_FATAL_FAILURE(startPrepared(nocontact::testing::alexPolicy("firm"),
                                          [](auto& d) { d.addArguments(kQuickRetry); }));
    ASSERT_TRUE(
        waitWithheld(idOf(signalFrom("Alex Morgan", "kept before the folder was read-only"))));
    ASSERT_EQ(stopAnswering(), 0);

    daemon_->useReadOnlyState();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    auto s = status();
    EXPECT_EQ(field<std::string>(s, "journal"), "memory");
    EXPECT_EQ(field<std::string>(s, "journal_trouble"), "read-only");
    EXPECT_EQ(field<std::uint32_t>(s, "held"), 1u) << "the journal's history is out of view";
    std::string body;
    ASSERT_TRUE(waitFor([&] { return noticesWith(strings::kJournalInMemorySummary, &body) > 0; }))
        << "the person was not told";
    EXPECT_NE(body.find("read-only"), std::string::npos) << body;

    const std::string kSecret = "arrives while the folder is read-only 🔒";
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", kSecret))))
        << "a read-only folder cost the intervention";
    auto ids = heldIds();
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(field<std::uint32_t>(status(), "unkept"), 0u);
    // In memory only: in no file the daemon has open (SQLite's temporary ones included), and
    // not in the folder.
    EXPECT_FALSE(openFileHolds(kSecret)) << "the memory journal reached a file";
    for (const auto& f : std::filesystem::directory_iterator(daemon_->stateDirAsSeen()))
        EXPECT_EQ(slurp(f.path()).find(kSecret), std::string::npos) << f.path();
    EXPECT_EQ(place(), "memory") << "went to disk through a read-only folder";

    ASSERT_TRUE(daemon_->makeStateWritable()) << "cannot enter the daemon's mount namespace";
    ASSERT_TRUE(waitFor([&] { return place() == "disk"; }, kBackDeadline))
        << "the journal never went back to disk";
    ASSERT_TRUE(waitFor([&] { return noticesWith(strings::kJournalBackSummary, &body) > 0; }));
    EXPECT_NE(body.find("1 message"), std::string::npos) << body;

    EXPECT_TRUE(integrityOk(journalFile()));
    auto rows = heldOnDisk(journalFile());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[ids[0]].body, "kept before the folder was read-only");
    EXPECT_EQ(rows[ids[1]].body, kSecret);
    EXPECT_EQ(rows[ids[1]].state, "held");
    EXPECT_EQ(readHeld(ids[1]), kSecret);
}

}  // namespace
