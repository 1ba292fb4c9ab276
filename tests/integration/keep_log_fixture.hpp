// SPDX-License-Identifier: GPL-3.0-or-later
// The fixture of the keep log's tests (journal_keep_log_test.cpp, and
// journal_keep_log_memory_test.cpp for the journal in memory): a store in a fresh folder, a
// child that crashes with a store of its own, and a descriptor of the log made to fail.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/journal/keep_log.hpp"
#include "tests/integration/journal_store_fixture.hpp"

namespace nocontact::testing::journal {

class AKeepLog : public AJournal {
  protected:
    std::filesystem::path folder() const { return file().parent_path(); }
    std::filesystem::path log() const { return folder() / daemon::kKeepLogFileName; }
    long rowsInFile() const { return countRows(file(), "SELECT count(*) FROM held"); }

    // Runs `work` on a store of a child process that then ends without closing it (a crash:
    // nothing of the store's own runs after `work`). This test's store is closed meanwhile.
    void inACrashingChild(const std::function<void(JournalStore&)>& work) {
        store_.reset();
        pid_t child = ::fork();
        if (child == 0) {
            OpenResult opened = JournalStore::open(folder(), kT0);
            if (!opened.store) ::_exit(2);
            work(*opened.store);
            ::_exit(0);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }

    std::vector<std::string> bodies() {
        std::vector<std::string> out;
        for (const HeldMessage& m : *store_->held())
            out.push_back(m.body);
        return out;
    }
};

inline bool allZero(const std::string& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// While it lives, every write through this process's descriptor of `file` fails, as on a disk
// that has started to fail, while reading it and asking its size still work: the descriptor is
// pointed at a read-only one of the same file (EBADF), and pointed back when this goes. The
// file stays open, and any lock on it stays held, through a copy of the descriptor.
class FailingWrites {
  public:
    explicit FailingWrites(const std::filesystem::path& file) {
        struct stat want {};
        if (::stat(file.c_str(), &want) != 0) return;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
            const int fd = std::stoi(entry.path().filename().string());
            struct stat st {};
            if (::fstat(fd, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino &&
                (::fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR)
                fd_ = fd;
        }
        if (fd_ < 0) return;
        const int read_only = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        saved_ = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
        swapped_ = read_only >= 0 && saved_ >= 0 && ::dup3(read_only, fd_, O_CLOEXEC) == fd_;
        if (read_only >= 0) ::close(read_only);
    }
    ~FailingWrites() { restore(); }
    FailingWrites(const FailingWrites&) = delete;
    FailingWrites& operator=(const FailingWrites&) = delete;

    bool found() const { return swapped_; }
    void restore() {
        if (saved_ < 0) return;
        ::dup3(saved_, fd_, O_CLOEXEC);
        ::close(saved_);
        saved_ = -1;
    }

  private:
    int fd_ = -1, saved_ = -1;
    bool swapped_ = false;
};

}  // namespace nocontact::testing::journal
