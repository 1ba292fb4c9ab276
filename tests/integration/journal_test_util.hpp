// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

// Helpers shared by the journal store's tests.

namespace nocontact::testing::journal {

// A fresh folder under /tmp, removed with everything in it at the end of the test.
class TempFolder {
  public:
    TempFolder() {
        char tmpl[] = "/tmp/nocontact-journal.XXXXXX";
        if (::mkdtemp(tmpl)) path_ = tmpl;
    }
    ~TempFolder() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// The file's bytes; empty when it does not exist.
inline std::string bytesOf(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The one number `sql` (a SELECT count(*) ...) answers on the journal file, read by a
// connection of the test's own; -1 when it cannot be read.
inline long countRows(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    long n = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_exec(
            db, sql,
            [](void* out, int, char** values, char**) {
                *static_cast<long*>(out) = values[0] ? std::atol(values[0]) : -1;
                return 0;
            },
            &n, nullptr);
    }
    sqlite3_close(db);
    return n;
}

// Whether SQLite finds the journal file sound.
inline bool integrityOk(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    std::string answer;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_exec(
            db, "PRAGMA integrity_check",
            [](void* out, int, char** values, char**) {
                *static_cast<std::string*>(out) += values[0] ? values[0] : "";
                return 0;
            },
            &answer, nullptr);
    }
    sqlite3_close(db);
    return answer == "ok";
}

// Overwrites the root page of `table` in the journal at `file` with junk, as a failing disk
// would. The write-ahead log goes into the file first (by a connection of the test's own), so
// the page there is the one SQLite reads; a connection that has the file open notices the log
// was reset and reads its pages from the file again. False when the page could not be found.
inline bool damageRootPage(const std::filesystem::path& file, const char* table) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    long page_size = 0, root = 0;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT page_size FROM pragma_page_size), rootpage "
                           "FROM sqlite_schema WHERE type = 'table' AND name = ?",
                           -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        page_size = sqlite3_column_int(stmt, 0);
        root = sqlite3_column_int(stmt, 1);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (page_size <= 0 || root <= 1) return false;
    const std::string junk(static_cast<std::size_t>(page_size), '\x5a');
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = ::pwrite(fd, junk.data(), junk.size(), (root - 1) * page_size) ==
                         static_cast<ssize_t>(junk.size());
    return ::close(fd) == 0 && written;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Limits how large this process may make a file, as a full disk would, while in scope.
class FileSizeLimit {
  public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        old_signal_ = ::signal(SIGXFSZ, SIG_IGN);  // a failed write, not a dead process
        rlimit limit = old_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        ::signal(SIGXFSZ, old_signal_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  private:
    rlimit old_{};
    sighandler_t old_signal_;
};

}  // namespace nocontact::testing::journal
