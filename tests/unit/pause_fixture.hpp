// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "daemon/pause/notifier.hpp"
#include "daemon/pause/pause.hpp"

// The pause presenter against a fake Notifier and Ticker: deterministic, driven by tick(); the
// test plays the server.
namespace nocontact::daemon::fakes {

// Records what the presenter shows; a test plays the server by calling press() and dismiss().
class FakeNotifier : public Notifier {
  public:
    Capabilities caps{.actions = true, .body_markup = false};
    std::map<Handle, NotificationContent> showing;
    std::vector<std::pair<Handle, NotificationContent>> posts, updates;
    std::vector<Handle> closed;
    bool reachable = true;

    Capabilities capabilities() override { return caps; }
    Handle post(const NotificationContent& content) override {
        if (!reachable) return 0;
        Handle handle = next_++;
        showing[handle] = content;
        posts.emplace_back(handle, content);
        return handle;
    }
    bool update(Handle handle, const NotificationContent& content) override {
        if (!reachable || showing.count(handle) == 0) return false;
        showing[handle] = content;
        updates.emplace_back(handle, content);
        return true;
    }
    void close(Handle handle) override {
        showing.erase(handle);
        closed.push_back(handle);
    }
    void setCallbacks(ActionCallback on_action, ClosedCallback on_closed,
                      FailedCallback on_failed) override {
        on_action_ = std::move(on_action);
        on_closed_ = std::move(on_closed);
        on_failed_ = std::move(on_failed);
    }
    void press(Handle handle, const std::string& key) { on_action_(handle, key); }
    void dismiss(Handle handle, CloseReason reason = CloseReason::Dismissed) {
        showing.erase(handle);
        on_closed_(handle, reason);
    }
    // As an asynchronous notifier tells, later, that the server did not take a post or update.
    void fail(Handle handle) { on_failed_(handle); }
    const NotificationContent& last() const { return posts.back().second; }

  private:
    Handle next_ = 1;
    ActionCallback on_action_;
    ClosedCallback on_closed_;
    FailedCallback on_failed_;
};

class FakeTicker : public Ticker {
  public:
    bool running = false;
    void start(std::function<void()>) override { running = true; }
    void stop() override { running = false; }
};

inline std::vector<std::string> keysOf(const NotificationContent& content) {
    std::vector<std::string> keys;
    for (const auto& action : content.actions)
        keys.push_back(action.key);
    return keys;
}

class APause : public ::testing::Test {
  protected:
    PauseRequest alex(std::vector<std::int64_t> ids = {1}) {
        return {.contact = "Alex",
                .day_count = 14,
                .reasons = {"He only writes when he's bored.", "October. The drive home."},
                .held_ids = std::move(ids),
                .seconds = 3,
                .app_name = "Signal"};
    }
    Notifier::Handle handle() const { return notifier.posts.front().first; }
    const NotificationContent& now() { return notifier.showing.at(handle()); }
    void countDown(int seconds) {
        for (int i = 0; i < seconds; ++i)
            presenter.tick();
    }

    FakeNotifier notifier;
    FakeTicker ticker;
    std::vector<PauseChoice> choices;
    std::vector<std::string> launched;
    PausePresenter presenter{notifier, ticker,
                             [this](const PauseChoice& c) { choices.push_back(c); },
                             [this](const std::string& entry) { launched.push_back(entry); }};
};

}  // namespace nocontact::daemon::fakes
