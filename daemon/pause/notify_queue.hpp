// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "daemon/pause/notifier.hpp"

// What waits for the notification server, in order. A server that hangs must not make the
// daemon pile up work for it: while a call waits for its answer, each notification keeps at
// most one change queued (its latest content), so the queue never grows with the countdown.
namespace nocontact::daemon {

struct NotifyOp {
    enum class Kind { Post, Update, Close, Capabilities };
    Kind kind = Kind::Post;
    Notifier::Handle handle = 0;    // none for Capabilities
    NotificationContent content{};  // Post and Update
};

class NotifyQueue {
  public:
    // Queues `op`, folding it into what already waits:
    // - an Update replaces the content of a Post or Update still waiting for its handle (a post
    //   stays a post: the server has not seen it yet);
    // - a Close takes away what still waits for its handle, and is itself dropped when that was
    //   the Post (the server never saw the notification);
    // - Capabilities is asked once, however often it is queued before the answer.
    void push(NotifyOp op);
    // The oldest waiting op, taken out; nullopt when none waits.
    std::optional<NotifyOp> pop();
    std::size_t size() const { return ops_.size(); }
    bool empty() const { return ops_.empty(); }

  private:
    bool foldUpdate(NotifyOp& op);
    bool foldClose(Notifier::Handle handle);

    std::deque<NotifyOp> ops_;
};

}  // namespace nocontact::daemon
