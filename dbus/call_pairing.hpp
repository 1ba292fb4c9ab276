// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dbus/observed.hpp"

namespace nocontact::dbus {

// The Notify calls whose id will be needed, each waiting for the server's reply (which brings
// only the id). Pure bookkeeping, apart from the bus: the monitor feeds it what it sees.
//
// Only calls judged to need withholding wait here, so a flood of other apps' calls, or a server
// that stops answering them, can never push a contact's call out. A bound remains for calls that
// never get a reply; one pushed out is handed back, so that it is still dealt with (kept, and
// counted as a message that could not be taken back).
class CallPairing {
  public:
    using Key = std::pair<std::string, std::uint64_t>;  // caller's unique name, call serial

    explicit CallPairing(std::size_t limit) : limit_(limit) {}

    struct Added {
        bool waiting = false;             // false: the same call was seen before, and kept once
        std::optional<Observed> evicted;  // the oldest call, pushed out to make room
    };
    Added add(Key key, Observed observed);

    // The call this reply answers, if one was waiting; it waits no more.
    std::optional<Observed> answer(const Key& key);

    std::size_t size() const { return calls_.size(); }
    void clear();
    // Every call still waiting, oldest first; none waits any more.
    std::vector<Observed> drain();

  private:
    struct Call {
        Key key;
        Observed observed;
    };
    std::size_t limit_;
    std::list<Call> calls_;  // oldest first
    std::map<Key, std::list<Call>::iterator> by_key_;
};

}  // namespace nocontact::dbus
