// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/call_pairing.hpp"

namespace nocontact::dbus {

CallPairing::Added CallPairing::add(Key key, Observed observed) {
    Added added;
    if (by_key_.count(key)) return added;  // the same call seen twice: keep the first
    calls_.push_back({key, std::move(observed)});
    by_key_.emplace(std::move(key), std::prev(calls_.end()));
    added.waiting = true;
    if (calls_.size() > limit_) {
        added.evicted = std::move(calls_.front().observed);
        by_key_.erase(calls_.front().key);
        calls_.pop_front();
    }
    return added;
}

std::optional<Observed> CallPairing::answer(const Key& key) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return std::nullopt;
    std::optional<Observed> call = std::move(it->second->observed);
    calls_.erase(it->second);
    by_key_.erase(it);
    return call;
}

void CallPairing::clear() {
    calls_.clear();
    by_key_.clear();
}

std::vector<Observed> CallPairing::drain() {
    std::vector<Observed> out;
    out.reserve(calls_.size());
    for (Call& call : calls_)
        out.push_back(std::move(call.observed));
    clear();
    return out;
}

}  // namespace nocontact::dbus
