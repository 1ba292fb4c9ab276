// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the monitor's pairing of Notify calls with their replies (dbus/call_pairing.hpp): any
// interleaving of calls and replies from a few apps, replays of the same call, replies to calls
// never seen or already answered, and evictions when full. Checked against a plain model: each
// call is handed back exactly once (by its reply, or pushed out when full, oldest first), never
// for another call's reply, and never more wait than the limit.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>

#include "dbus/call_pairing.hpp"

namespace {

using nocontact::dbus::CallPairing;
using nocontact::dbus::Observed;

std::string label(const CallPairing::Key& key) {
    return key.first + "/" + std::to_string(key.second);
}

void check(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::size_t limit = in.ConsumeIntegralInRange<std::size_t>(1, 32);
    CallPairing pairing(limit);
    std::deque<CallPairing::Key> model;  // waiting, oldest first
    std::set<CallPairing::Key> waiting;
    while (in.remaining_bytes() > 0) {
        const bool is_call = in.ConsumeBool();
        CallPairing::Key key{":1." + std::to_string(in.ConsumeIntegralInRange(0, 3)),
                             in.ConsumeIntegralInRange<std::uint64_t>(0, 40)};
        if (is_call) {
            Observed o;
            o.notification.summary = label(key);
            auto added = pairing.add(key, std::move(o));
            check(added.waiting == !waiting.count(key));
            if (!added.waiting) {
                check(!added.evicted);
                continue;
            }
            model.push_back(key);
            waiting.insert(key);
            if (model.size() > limit) {
                check(added.evicted && added.evicted->notification.summary == label(model.front()));
                waiting.erase(model.front());
                model.pop_front();
            } else {
                check(!added.evicted);
            }
        } else {
            auto call = pairing.answer(key);
            check(call.has_value() == waiting.count(key) > 0);
            if (!call) continue;
            check(call->notification.summary == label(key));
            waiting.erase(key);
            std::erase(model, key);
        }
        check(pairing.size() == model.size() && pairing.size() <= limit);
    }
    return 0;
}
