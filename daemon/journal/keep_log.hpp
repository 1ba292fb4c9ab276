// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "daemon/journal/store.hpp"

namespace nocontact::daemon {

inline constexpr const char* kKeepLogFileName = "journal.keep";

// The keep log: where a withheld message is kept at the moment it arrives, before it can leave
// the screen, until the journal takes it with the next write (within kEventsWithin, together
// with the events). Keeping it is one write(2) of one record, where a commit to SQLite costs a
// transaction, the write-ahead log and its index: about 150 µs of CPU on the path of every
// withheld message (BENCHMARKS.md, "Kept at the call"). Like a commit with synchronous=NORMAL,
// the record is in the kernel's page cache when append() returns, so it survives nocontactd
// crashing or being killed; JournalStore::open() puts what it finds there into the journal.
//
// A record is a header (magic, payload length, FNV-1a 64 checksum of the payload) and the
// message, ids included. Only whole records are read: one that is torn or damaged (a write cut
// short by a full disk or a power loss) is never taken for a message, and the whole ones after
// it are still found.
//
// Opened for writing, the file is made at least kKeepLogRoom long, with zeros: blocks the disk
// has already given it, which a full disk cannot take back where the file system writes in
// place. While the journal is kept in memory (a full disk), the messages kept there go to the
// log too, as far as that room goes, so that a crash loses none of them
// (JournalStore::holdMessage).
//
// The file is 0600 in the journal's folder and holds message text only until the journal has
// it on disk, or the message is read or let go: clear() overwrites what was written with
// zeros, forget() one message's record, so the text is not left in the file's blocks. The log
// belongs to one store at a time: open() takes the file's lock (flock), and a second nocontact on
// the same folder keeps no message (JournalStore::holdMessage).
class KeepLog {
  public:
    // Opens (creating, 0600) `folder`/journal.keep and takes its lock. Null when another process
    // holds the lock (`taken_elsewhere` then set), or when the file can be neither written nor
    // read. A file that can only be read (a read-only folder) opens for read() alone: append()
    // and clear() then fail.
    static std::unique_ptr<KeepLog> open(const std::filesystem::path& folder,
                                         bool* taken_elsewhere = nullptr);
    ~KeepLog();
    KeepLog(const KeepLog&) = delete;
    KeepLog& operator=(const KeepLog&) = delete;

    // The messages written since the log was last cleared, oldest first: every whole record in
    // the file. A record that is damaged or cut short is passed over, and the search goes on
    // for the next whole one.
    std::vector<HeldMessage> read();
    // Writes `message` (its id set) after the last record: true once it is all written. A
    // record cut short is overwritten by the next one, and never read as a message.
    bool append(const HeldMessage& message);
    // Overwrites everything written with zeros and starts again at the beginning of the file
    // (which is truncated, if it can be, once it has grown past kKeepLogShrinkAt). False when
    // not all of it could be overwritten: some records may still be whole.
    bool clear();
    // Overwrites the record of the message `id` with zeros, leaving the others: true when it
    // was overwritten, or there is none. (A message read while the journal is in memory.)
    bool forget(std::int64_t id);
    // False for a log opened only to be read (a read-only folder).
    bool writable() const { return writable_; }

    static constexpr off_t kKeepLogShrinkAt = 1 << 20;
    static constexpr off_t kKeepLogRoom = 128 << 10;

  private:
    // Overwrites [from, to) with zeros, as far as the file goes.
    bool zero(off_t from, off_t to);
    // Writes zeros from the file's end to kKeepLogRoom, if it is shorter (as far as it can).
    void makeRoom();
    KeepLog(int fd, off_t size, bool writable)
        : fd_(fd), end_(size), written_(size), writable_(writable) {}
    int fd_;
    off_t end_;      // where the next record goes
    off_t written_;  // the end of what may hold text: the file's size at open, then what was
                     // written since (a record cut short included)
    bool writable_;
    // Where each whole record read or written since the last clear lies, by message id.
    std::map<std::int64_t, std::pair<off_t, off_t>> records_;
};

}  // namespace nocontact::daemon
