// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/journal/keep_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "daemon/journal/sqlite.hpp"

namespace nocontact::daemon {

namespace {

constexpr std::uint32_t kMagic = 0x314b434eU;  // "NCK1" as it lies in the file
// A record's header: magic, the payload's length, its checksum.
constexpr std::size_t kHeaderSize = 4 + 4 + 8;
// No message comes near it (notifications are cut at dbus::kMaxTextBytes): a length above it
// is damage.
constexpr std::uint32_t kMaxPayload = 64U << 20;

std::uint64_t fnv1a(const char* data, std::size_t size) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= static_cast<unsigned char>(data[i]);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

template <typename T>
void put(std::string& out, T value) {
    std::array<char, sizeof(T)> bytes{};
    std::memcpy(bytes.data(), &value, sizeof(T));
    out.append(bytes.data(), bytes.size());
}

void putText(std::string& out, const std::string& text) {
    put(out, static_cast<std::uint32_t>(text.size()));
    out += text;
}

// Reads a payload front to back; any read past its end makes it bad.
class Reader {
  public:
    Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
    template <typename T>
    T get() {
        T value{};
        if (size_ - at_ < sizeof(T)) {
            bad_ = true;
            return value;
        }
        std::memcpy(&value, data_ + at_, sizeof(T));
        at_ += sizeof(T);
        return value;
    }
    std::string text() {
        auto size = get<std::uint32_t>();
        if (bad_ || size_ - at_ < size) {
            bad_ = true;
            return {};
        }
        std::string out(data_ + at_, size);
        at_ += size;
        return out;
    }
    bool whole() const { return !bad_ && at_ == size_; }

  private:
    const char* data_;
    std::size_t size_;
    std::size_t at_ = 0;
    bool bad_ = false;
};

std::string recordOf(const HeldMessage& m) {
    std::string payload;
    put(payload, m.id);
    put(payload, sql::toSql(m.received));
    for (const std::string* text :
         {&m.contact, &m.app_name, &m.app_id, &m.app_icon, &m.desktop_entry, &m.summary, &m.body})
        putText(payload, *text);
    std::string record;
    record.reserve(kHeaderSize + payload.size());
    put(record, kMagic);
    put(record, static_cast<std::uint32_t>(payload.size()));
    put(record, fnv1a(payload.data(), payload.size()));
    return record + payload;
}

std::optional<HeldMessage> messageOf(const char* payload, std::size_t size) {
    Reader in{payload, size};
    HeldMessage m;
    m.id = in.get<std::int64_t>();
    m.received = sql::fromSql(in.get<std::int64_t>());
    for (std::string* text :
         {&m.contact, &m.app_name, &m.app_id, &m.app_icon, &m.desktop_entry, &m.summary, &m.body})
        *text = in.text();
    // An id no journal reaches (and one past it must still be an id).
    constexpr std::int64_t kLargestId = std::int64_t{1} << 62;
    if (!in.whole() || m.id <= 0 || m.id > kLargestId) return std::nullopt;
    m.state = HeldState::Held;
    return m;
}

// Writes all of `size` bytes at `offset`; false when any could not be.
bool writeAll(int fd, const char* data, std::size_t size, off_t offset) {
    while (size > 0) {
        ssize_t n = ::pwrite(fd, data, size, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
        offset += n;
    }
    return true;
}

}  // namespace

std::unique_ptr<KeepLog> KeepLog::open(const std::filesystem::path& folder, bool* taken_elsewhere) {
    if (taken_elsewhere) *taken_elsewhere = false;
    const std::filesystem::path file = folder / kKeepLogFileName;
    bool writable = true;
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && (errno == EROFS || errno == EACCES)) {
        // What a crash left there can still be read.
        writable = false;
        fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) return nullptr;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (taken_elsewhere) *taken_elsewhere = errno == EWOULDBLOCK;
        ::close(fd);
        return nullptr;
    }
    struct stat st {};
    if ((writable && ::fchmod(fd, 0600) != 0) || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return nullptr;
    }
    std::unique_ptr<KeepLog> log(new KeepLog(fd, st.st_size, writable));
    if (writable) log->makeRoom();
    return log;
}

void KeepLog::makeRoom() {
    static const std::array<char, 16 * 1024> kZeros{};
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return;
    // Zeros, not fallocate(): on a file system that writes in place (ext4, XFS, tmpfs), blocks
    // written once are the file's for good. (Copy-on-write ones, btrfs and ZFS, need new blocks
    // for every write: there a full disk can refuse the room too.)
    for (off_t at = st.st_size; at < kKeepLogRoom;) {
        const auto chunk = static_cast<std::size_t>(
            std::min<off_t>(kKeepLogRoom - at, static_cast<off_t>(kZeros.size())));
        if (!writeAll(fd_, kZeros.data(), chunk, at)) return;  // as much room as there was
        at += static_cast<off_t>(chunk);
    }
}

KeepLog::~KeepLog() {
    ::close(fd_);
}

std::vector<HeldMessage> KeepLog::read() {
    std::vector<HeldMessage> messages;
    // What a flood could leave there at most, and never more than that: a larger file is damage.
    constexpr off_t kMaxRead = off_t{1} << 30;
    std::string bytes(static_cast<std::size_t>(std::min(end_, kMaxRead)), '\0');
    ssize_t got = ::pread(fd_, bytes.data(), bytes.size(), 0);
    if (got <= 0) return messages;
    bytes.resize(static_cast<std::size_t>(got));
    // A record is taken only whole, its checksum right; past anything else, the next byte is
    // tried (a damaged record must not cost the whole ones after it).
    std::size_t at = 0, last_end = 0;
    while (bytes.size() - at >= kHeaderSize) {
        Reader header{bytes.data() + at, kHeaderSize};
        const auto magic = header.get<std::uint32_t>();
        const auto size = header.get<std::uint32_t>();
        const auto sum = header.get<std::uint64_t>();
        const char* payload = bytes.data() + at + kHeaderSize;
        std::optional<HeldMessage> message;
        if (magic == kMagic && size <= kMaxPayload && bytes.size() - at - kHeaderSize >= size &&
            fnv1a(payload, size) == sum)
            message = messageOf(payload, size);
        if (!message) {
            ++at;
            continue;
        }
        const auto begin = static_cast<off_t>(at);
        at += kHeaderSize + size;
        records_[message->id] = {begin, static_cast<off_t>(at)};
        last_end = at;
        messages.push_back(std::move(*message));
    }
    // The next record goes after the last whole one, into the room after it (over anything cut
    // short), not after the room.
    end_ = static_cast<off_t>(last_end);
    return messages;
}

bool KeepLog::append(const HeldMessage& message) {
    if (!writable_) return false;
    const std::string record = recordOf(message);
    const off_t after = end_ + static_cast<off_t>(record.size());
    written_ = std::max(written_, after);  // what clear() overwrites, even of a record cut short
    if (writeAll(fd_, record.data(), record.size(), end_)) {
        records_[message.id] = {end_, after};
        end_ = after;
        return true;
    }
    // What was written of it holds text, now of a message kept elsewhere: zeros over it.
    if (zero(end_, written_)) written_ = end_;
    return false;
}

bool KeepLog::zero(off_t from, off_t to) {
    static const std::array<char, 64 * 1024> kZeros{};
    // Only up to the file's end: a record cut short by a full disk ends there.
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return false;
    to = std::min(to, st.st_size);
    for (off_t at = from; at < to;) {
        const auto chunk =
            static_cast<std::size_t>(std::min<off_t>(to - at, static_cast<off_t>(kZeros.size())));
        if (!writeAll(fd_, kZeros.data(), chunk, at)) return false;
        at += static_cast<off_t>(chunk);
    }
    return true;
}

bool KeepLog::clear() {
    if (!writable_ || !zero(0, written_)) return false;
    // Only to give the space back: every record is zeros already, so a failure changes nothing.
    if (written_ > kKeepLogShrinkAt && ::ftruncate(fd_, 0) == 0) makeRoom();
    end_ = 0;
    written_ = 0;
    records_.clear();
    return true;
}

bool KeepLog::forget(std::int64_t id) {
    auto record = records_.find(id);
    if (record == records_.end()) return true;
    if (!writable_ || !zero(record->second.first, record->second.second)) return false;
    records_.erase(record);
    return true;
}

}  // namespace nocontact::daemon
