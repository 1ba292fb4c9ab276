// SPDX-License-Identifier: GPL-3.0-or-later
// The fixture of the journal store's tests (journal_store_test.cpp, journal_held_test.cpp): a
// JournalStore opened in a fresh folder at a fixed moment, and the rows they keep in it.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "daemon/journal/keep_log.hpp"
#include "daemon/journal/store.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace nocontact::testing::journal {

using namespace std::chrono_literals;
using daemon::HeldMessage;
using daemon::JournalStore;
using daemon::OpenResult;
using policy::Override;
using policy::SysTime;

inline const SysTime kT0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 16h + 15min};

inline HeldMessage message(std::string body, std::string contact = "Alex") {
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
inline Override change(Override::Type type, std::string contact, SysTime start,
                       std::optional<SysTime> until = std::nullopt) {
    Override o;
    o.type = type;
    o.contact = std::move(contact);
    o.start = start;
    o.until = until;
    return o;
}

inline mode_t modeOf(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
}

// The event kept with a withheld message.
inline daemon::EventRow withheldEvent() {
    return {.time = kT0,
            .contact = "Alex",
            .source = "fdo",
            .app = "signal",
            .kind = "message",
            .level = "pause",
            .action = "pause"};
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
    std::filesystem::path file() const {
        return dir_.path() / "nocontact" / daemon::kJournalFileName;
    }
    // The journal's bytes on disk: the database, its write-ahead log and the keep log.
    std::string diskBytes() const {
        return bytesOf(file()) + bytesOf(file().string() + "-wal") +
               bytesOf(file().parent_path() / daemon::kKeepLogFileName);
    }

    TempFolder dir_;
    std::unique_ptr<JournalStore> store_;
};

}  // namespace nocontact::testing::journal
