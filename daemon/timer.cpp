// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/timer.hpp"

#include <glib.h>

#include <map>
#include <utility>

namespace nocontact::daemon {

namespace {

class LoopTimer final : public Timer {
  public:
    Id after(std::chrono::seconds delay, std::function<void()> fire) override {
        const Id id = ++last_;
        auto* pending = new Pending{this, id, std::move(fire)};
        sources_[id] = g_timeout_add_seconds_full(
            G_PRIORITY_DEFAULT, static_cast<guint>(delay.count() < 0 ? 0 : delay.count()),
            &LoopTimer::onTimeout, pending, [](gpointer p) { delete static_cast<Pending*>(p); });
        return id;
    }

    void cancel(Id id) override {
        auto source = sources_.find(id);
        if (source == sources_.end()) return;
        g_source_remove(source->second);
        sources_.erase(source);
    }

  private:
    struct Pending {
        LoopTimer* timer;
        Id id;
        std::function<void()> fire;
    };

    static gboolean onTimeout(gpointer p) {
        auto* pending = static_cast<Pending*>(p);
        pending->timer->sources_.erase(pending->id);  // fired: cancel() is a no-op from here on
        pending->fire();
        return G_SOURCE_REMOVE;
    }

    Id last_ = 0;
    std::map<Id, guint> sources_;
};

}  // namespace

Timer& loopTimer() {
    static LoopTimer timer;
    return timer;
}

}  // namespace nocontact::daemon
