// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/pause/notify_queue.hpp"

#include <algorithm>
#include <utility>

namespace nocontact::daemon {

void NotifyQueue::push(NotifyOp op) {
    using Kind = NotifyOp::Kind;
    if (op.kind == Kind::Update && foldUpdate(op)) return;
    if (op.kind == Kind::Close && foldClose(op.handle)) return;
    if (op.kind == Kind::Capabilities &&
        std::any_of(ops_.begin(), ops_.end(),
                    [](const NotifyOp& o) { return o.kind == Kind::Capabilities; }))
        return;
    ops_.push_back(std::move(op));
}

std::optional<NotifyOp> NotifyQueue::pop() {
    if (ops_.empty()) return std::nullopt;
    NotifyOp op = std::move(ops_.front());
    ops_.pop_front();
    return op;
}

// True when a Post or Update for the same handle still waits and now carries op's content.
bool NotifyQueue::foldUpdate(NotifyOp& op) {
    for (auto& waiting : ops_) {
        if (waiting.handle != op.handle || waiting.kind == NotifyOp::Kind::Close) continue;
        waiting.content = std::move(op.content);
        return true;
    }
    return false;
}

// Takes out what waits for `handle`; true when that included its Post (nothing to close then).
bool NotifyQueue::foldClose(Notifier::Handle handle) {
    bool never_posted = false;
    auto mine = [&](const NotifyOp& o) {
        if (o.handle != handle || o.kind == NotifyOp::Kind::Capabilities) return false;
        never_posted = never_posted || o.kind == NotifyOp::Kind::Post;
        return true;
    };
    ops_.erase(std::remove_if(ops_.begin(), ops_.end(), mine), ops_.end());
    return never_posted;
}

}  // namespace nocontact::daemon
