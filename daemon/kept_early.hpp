// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "daemon/keeper.hpp"
#include "policy/engine.hpp"

namespace nocontact::daemon {

// A contact's messages judged and kept when their Notify call was seen, each waiting for the
// server's reply (which brings the id to withhold): the journal's commit happens while the
// server draws, and once the id comes only the withholding call is left on the path. Each is
// found again by the ticket the monitor hands back with the reply (dbus::Observed::ticket).
//
// A call whose reply will never come (pushed out of the monitor's waiting calls, or waiting
// when the monitor reconnected) is handed back as unanswerable, with its ticket; past `limit`
// (more than the monitor ever waits for) the oldest are forgotten here.
class KeptEarly {
  public:
    struct Entry {
        policy::Event event;
        policy::Decision decision;
        Keeper::Kept kept;
        // Which policy decided (Daemon's count of policies applied), and about whom: a policy
        // applied before the reply may number its contacts differently.
        std::uint64_t policy = 0;
        std::string contact;
    };

    explicit KeptEarly(std::size_t limit) : limit_(limit) {}

    // Its ticket: never 0, which stands for "nothing done at the call".
    std::uint64_t put(Entry entry) {
        if (entries_.size() >= limit_) entries_.erase(entries_.begin());
        entries_.emplace(++last_, std::move(entry));
        return last_;
    }

    std::optional<Entry> take(std::uint64_t ticket) {
        auto it = ticket ? entries_.find(ticket) : entries_.end();
        if (it == entries_.end()) return std::nullopt;
        Entry entry = std::move(it->second);
        entries_.erase(it);
        return entry;
    }

    std::size_t size() const { return entries_.size(); }

  private:
    std::size_t limit_;
    std::uint64_t last_ = 0;
    std::map<std::uint64_t, Entry> entries_;  // oldest first
};

}  // namespace nocontact::daemon
