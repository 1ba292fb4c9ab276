// SPDX-License-Identifier: GPL-3.0-or-later
// LibnotifyNotifier, the real libnotify, against the fake notification server on a private bus.
//
// The notifier talks to the server from a thread of its own and returns at once; the fake server
// runs on another thread (its own GMainContext), so a test can make it hang without hanging
// itself. Actions and closes come back on the test thread's default context, which waitUntil
// iterates. libnotify keeps one proxy per process on GIO's session bus singleton: each test
// points DBUS_SESSION_BUS_ADDRESS at its own bus; the notifier leaves libnotify when it stops,
// and the Session closes that singleton, so the next test really connects anew (checked by
// ReconnectsToANewBusAfterUninit, and by every test seeing its calls on its own fake).
#include <gio/gio.h>
#include <gtest/gtest.h>
#include <libnotify/notify.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "daemon/pause/libnotify_notifier.hpp"
#include "daemon/pause/pause.hpp"
#include "fake_fdo_server.hpp"
#include "private_bus.hpp"

namespace nocontact::daemon {
namespace {

using namespace std::chrono_literals;
using testing::FakeFdoServer;
using testing::iterate;
using testing::PrivateBus;
using testing::waitUntil;

// The fake server on its own thread and main context, so libnotify's blocking calls get answers.
class ServerThread {
  public:
    explicit ServerThread(std::string address) : address_(std::move(address)) {
        std::promise<void> ready;
        thread_ = std::thread([this, &ready] { run(ready); });
        ready.get_future().get();
    }
    ~ServerThread() {
        invoke([this](FakeFdoServer&) { g_main_loop_quit(loop_); });
        thread_.join();
    }
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    // Runs `job` on the server's thread and waits for it.
    void invoke(const std::function<void(FakeFdoServer&)>& job) {
        struct Task {
            ServerThread* self;
            const std::function<void(FakeFdoServer&)>* job;
            std::promise<void> done;
        } task{this, &job, {}};
        g_main_context_invoke(
            context_,
            [](gpointer data) -> gboolean {
                auto* t = static_cast<Task*>(data);
                (*t->job)(*t->self->server_);
                t->done.set_value();
                return G_SOURCE_REMOVE;
            },
            &task);
        task.done.get_future().get();
    }
    std::vector<FakeFdoServer::Call> notifyCalls() {
        std::vector<FakeFdoServer::Call> calls;
        invoke([&](FakeFdoServer& s) {
            for (const auto& call : s.calls())
                if (call.member == "Notify") calls.push_back(call);
        });
        return calls;
    }
    // Waits until the server has had `count` Notify calls; all of them, or none on timeout.
    std::vector<FakeFdoServer::Call> waitNotifyCalls(std::size_t count) {
        std::vector<FakeFdoServer::Call> calls;
        waitUntil([&] { return (calls = notifyCalls()).size() >= count; }, 5s, iterate);
        return calls.size() >= count ? calls : std::vector<FakeFdoServer::Call>{};
    }
    std::vector<std::uint32_t> shownIds() {
        std::vector<std::uint32_t> ids;
        invoke([&](FakeFdoServer& s) {
            for (const auto& [id, shown] : s.shown())
                ids.push_back(id);
        });
        return ids;
    }

  private:
    void run(std::promise<void>& ready) {
        context_ = g_main_context_new();
        g_main_context_push_thread_default(context_);
        server_ = std::make_unique<FakeFdoServer>(address_);
        loop_ = g_main_loop_new(context_, FALSE);
        ready.set_value();
        g_main_loop_run(loop_);
        server_.reset();
        g_main_loop_unref(loop_);
        g_main_context_pop_thread_default(context_);
        g_main_context_unref(context_);
    }

    std::string address_;
    std::thread thread_;
    GMainContext* context_ = nullptr;
    GMainLoop* loop_ = nullptr;
    std::unique_ptr<FakeFdoServer> server_;
};

// One private bus, fake server and libnotify session per test.
class Session {
  public:
    Session() {
        const char* old = std::getenv("DBUS_SESSION_BUS_ADDRESS");
        if (old) old_address_ = old;
        setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
        server_ = std::make_unique<ServerThread>(bus_.address());
        // libnotify's proxy will sit on this same singleton; a lost bus must not exit the tests.
        connection_ = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, nullptr);
        if (connection_) g_dbus_connection_set_exit_on_close(connection_, FALSE);
        notify_init("nocontact-tests");
    }
    ~Session() {
        notify_uninit();
        // GIO keeps the session bus singleton only while someone holds it: once the last
        // reference (ours, libnotify's proxy, pending GDBus work) is gone, the next test's
        // g_bus_get() reads DBUS_SESSION_BUS_ADDRESS again.
        if (connection_) {
            g_object_add_weak_pointer(G_OBJECT(connection_),
                                      reinterpret_cast<gpointer*>(&connection_));
            g_dbus_connection_close_sync(connection_, nullptr, nullptr);
            g_object_unref(connection_);
            waitUntil([this] { return connection_ == nullptr; }, 5s, iterate);
            EXPECT_EQ(connection_, nullptr) << "the session bus connection outlived its test";
        }
        server_.reset();
        if (old_address_)
            setenv("DBUS_SESSION_BUS_ADDRESS", old_address_->c_str(), 1);
        else
            unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }
    ServerThread& server() { return *server_; }

  private:
    PrivateBus bus_;
    std::optional<std::string> old_address_;
    std::unique_ptr<ServerThread> server_;
    GDBusConnection* connection_ = nullptr;
};

NotificationContent pauseLike() {
    return {.app_name = "nocontact",
            .summary = "Alex wrote — take a breath",
            .body = "You can read it in 3 seconds.",
            .actions = {{"let-go", "Let it go"}},
            .value = 0};
}

class ALibnotifyNotifier : public ::testing::Test {
  protected:
    void SetUp() override {
        notifier_.emplace("nocontact-tests");
        notifier_->setCallbacks(
            [this](Notifier::Handle h, const std::string& key) { actions.emplace_back(h, key); },
            [this](Notifier::Handle h, CloseReason reason) { closes.emplace_back(h, reason); },
            [this](Notifier::Handle h) { failures.push_back(h); });
    }
    void TearDown() override { stop(); }  // before the session's notify_uninit()
    Notifier& notifier() { return *notifier_; }
    LibnotifyNotifier& libnotify() { return *notifier_; }
    void stop() { notifier_.reset(); }
    ServerThread& server() { return session_.server(); }
    std::uint32_t onlyServerId() {
        std::vector<std::uint32_t> ids;
        waitUntil([&] { return (ids = server().shownIds()).size() == 1; }, 5s, iterate);
        return ids.size() == 1 ? ids[0] : 0;
    }
    bool knowsCapabilities() {
        return waitUntil([&] { return libnotify().knowsCapabilities(); }, 5s, iterate);
    }

    std::vector<std::pair<Notifier::Handle, std::string>> actions;
    std::vector<std::pair<Notifier::Handle, CloseReason>> closes;
    std::vector<Notifier::Handle> failures;

  private:
    Session session_;
    std::optional<LibnotifyNotifier> notifier_;
};

TEST_F(ALibnotifyNotifier, SendsSummaryBodyActionsAndTheValueHint) {
    ASSERT_NE(notifier().post(pauseLike()), 0u);
    auto calls = server().waitNotifyCalls(1);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].id, 0u);
    EXPECT_EQ(calls[0].app_name, "nocontact");
    EXPECT_EQ(calls[0].summary, "Alex wrote — take a breath");
    EXPECT_EQ(calls[0].body, "You can read it in 3 seconds.");
    EXPECT_EQ(calls[0].actions, (std::vector<std::string>{"let-go", "Let it go"}));
    EXPECT_EQ(calls[0].hints.at("value"), "0");
    EXPECT_EQ(calls[0].hints.at("urgency"), "1");
}

TEST_F(ALibnotifyNotifier, UpdatesInPlaceWithTheSameServerId) {
    Notifier::Handle handle = notifier().post(pauseLike());
    std::uint32_t id = onlyServerId();
    ASSERT_NE(id, 0u);
    NotificationContent later = pauseLike();
    later.body = "You can read it in 2 seconds.";
    later.value = 33;
    ASSERT_TRUE(notifier().update(handle, later));
    auto calls = server().waitNotifyCalls(2);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[1].id, id);
    EXPECT_EQ(calls[1].body, "You can read it in 2 seconds.");
    EXPECT_EQ(calls[1].hints.at("value"), "33");
    EXPECT_EQ(onlyServerId(), id);
}

TEST_F(ALibnotifyNotifier, SendsTransientLowUrgencyAndTheDesktopEntry) {
    NotificationContent nudge{.summary = "You don't have to answer tonight.",
                              .transient = true,
                              .urgency = Urgency::Low,
                              .desktop_entry = "signal-desktop"};
    ASSERT_NE(notifier().post(nudge), 0u);
    auto calls = server().waitNotifyCalls(1);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].hints.at("transient"), "true");
    EXPECT_EQ(calls[0].hints.at("urgency"), "0");
    EXPECT_EQ(calls[0].hints.at("desktop-entry"), "signal-desktop");
    EXPECT_EQ(calls[0].hints.count("value"), 0u);
    EXPECT_EQ(calls[0].hints.count("resident"), 0u);
    EXPECT_EQ(calls[0].expire_timeout, -1) << "the server's own timeout";
}

TEST_F(ALibnotifyNotifier, AsksTheServerToKeepAPauseUntilItIsClosed) {
    NotificationContent pause = pauseLike();
    pause.until_closed = true;
    ASSERT_NE(notifier().post(pause), 0u);
    auto calls = server().waitNotifyCalls(1);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].expire_timeout, 0) << "never expires";
    EXPECT_EQ(calls[0].hints.at("resident"), "true");
}

TEST_F(ALibnotifyNotifier, ReadsTheServersCapabilities) {
    ASSERT_TRUE(knowsCapabilities());  // asked as it started, from the fake's defaults
    server().invoke([](FakeFdoServer& s) { s.setCapabilities({"body", "body-markup"}); });
    libnotify().forgetCapabilities();  // a new server: asked again
    ASSERT_TRUE(knowsCapabilities());
    auto caps = notifier().capabilities();
    EXPECT_FALSE(caps.actions);
    EXPECT_TRUE(caps.body_markup);
}

TEST_F(ALibnotifyNotifier, ReadsActionsWithoutBodyMarkup) {
    ASSERT_TRUE(knowsCapabilities());
    auto caps = notifier().capabilities();  // the fake's defaults: body, actions, persistence
    EXPECT_TRUE(caps.actions);
    EXPECT_FALSE(caps.body_markup);
}

// A stopped server (kill -STOP) answers nothing: each call returns at once all the same, and a
// countdown queued behind the hung call is sent as its latest second only.
TEST_F(ALibnotifyNotifier, AnswersAtOnceAndKeepsOnlyTheLatestUpdateWhileTheServerHangs) {
    Notifier::Handle handle = notifier().post(pauseLike());
    ASSERT_NE(onlyServerId(), 0u);
    server().invoke([](FakeFdoServer& s) { s.hang(true); });
    auto second = [](int left) {
        NotificationContent next = pauseLike();
        next.body = "You can read it in " + std::to_string(left) + " seconds.";
        return next;
    };
    ASSERT_TRUE(notifier().update(handle, second(20)));
    ASSERT_EQ(server().waitNotifyCalls(2).size(), 2u) << "the first update reached the server";
    const auto start = std::chrono::steady_clock::now();
    for (int left = 19; left > 0; --left)
        ASSERT_TRUE(notifier().update(handle, second(left)));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms) << "a call waited for the server";
    server().invoke([](FakeFdoServer& s) { s.hang(false); });
    // A notification posted after them arrives after them: by then every update was sent.
    ASSERT_NE(notifier().post(pauseLike()), 0u);
    auto calls = server().waitNotifyCalls(4);
    ASSERT_EQ(calls.size(), 4u) << "the post, the hung update, the latest update, the post";
    EXPECT_EQ(calls[1].body, "You can read it in 20 seconds.");
    EXPECT_EQ(calls[2].body, "You can read it in 1 seconds.");
    EXPECT_TRUE(failures.empty());
}

TEST_F(ALibnotifyNotifier, ClosesThePausesItStillShowsWhenItStops) {
    NotificationContent pause = pauseLike();
    pause.until_closed = true;
    notifier().post(pause);
    NotificationContent message{.summary = "Alex", .body = "read, and shown again"};
    notifier().post(message);
    ASSERT_EQ(server().waitNotifyCalls(2).size(), 2u);
    stop();
    auto shown = server().shownIds();
    ASSERT_EQ(shown.size(), 1u) << "nobody is left to answer the pause; the message stays";
    EXPECT_EQ(shown[0], 2u);
}

TEST_F(ALibnotifyNotifier, PassesAnInvokedActionToTheCallback) {
    Notifier::Handle handle = notifier().post(pauseLike());
    std::uint32_t id = onlyServerId();
    server().invoke([id](FakeFdoServer& s) { s.emitActionInvoked(id, "let-go"); });
    ASSERT_TRUE(waitUntil([&] { return !actions.empty(); }, 5s, iterate));
    EXPECT_EQ(actions[0], std::make_pair(handle, std::string("let-go")));
}

TEST_F(ALibnotifyNotifier, PassesAClosedNotificationToTheCallback) {
    Notifier::Handle handle = notifier().post(pauseLike());
    std::uint32_t id = onlyServerId();
    server().invoke([id](FakeFdoServer& s) { s.emitClosed(id, 2); });
    ASSERT_TRUE(waitUntil([&] { return !closes.empty(); }, 5s, iterate));
    EXPECT_EQ(closes[0], std::make_pair(handle, CloseReason::Dismissed));
    EXPECT_FALSE(notifier().update(handle, pauseLike()));  // forgotten once closed
}

TEST_F(ALibnotifyNotifier, ClosesWithoutReportingItsOwnClose) {
    Notifier::Handle first = notifier().post(pauseLike());
    ASSERT_NE(onlyServerId(), 0u);
    notifier().close(first);
    EXPECT_TRUE(waitUntil([&] { return server().shownIds().empty(); }, 5s, iterate));
    // Signals keep their order: once the second close arrives, the first would have too.
    Notifier::Handle second = notifier().post(pauseLike());
    std::uint32_t id = onlyServerId();
    server().invoke([id](FakeFdoServer& s) { s.emitClosed(id, 1); });
    ASSERT_TRUE(waitUntil([&] { return !closes.empty(); }, 5s, iterate));
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0], std::make_pair(second, CloseReason::Expired));
}

TEST(LibnotifySession, ReconnectsToANewBusAfterUninit) {
    {
        Session first;
        LibnotifyNotifier notifier("nocontact-tests");
        ASSERT_NE(notifier.post(pauseLike()), 0u);
        EXPECT_EQ(first.server().waitNotifyCalls(1).size(), 1u);
    }
    Session second;
    LibnotifyNotifier notifier("nocontact-tests");
    ASSERT_NE(notifier.post(pauseLike()), 0u);
    EXPECT_EQ(second.server().waitNotifyCalls(1).size(), 1u);
}

class FakeTicker : public Ticker {
  public:
    void start(std::function<void()>) override {}
    void stop() override {}
};

TEST_F(ALibnotifyNotifier, CarriesAWholePauseFromCountdownToReadIt) {
    FakeTicker ticker;
    std::vector<PauseChoice> choices;
    PausePresenter presenter(notifier(), ticker,
                             [&](const PauseChoice& c) { choices.push_back(c); }, {});
    ASSERT_TRUE(presenter.open({.contact = "Alex", .held_ids = {7}, .seconds = 2}));
    ASSERT_EQ(server().waitNotifyCalls(1).size(), 1u);
    presenter.tick();
    ASSERT_EQ(server().waitNotifyCalls(2).size(), 2u);
    presenter.tick();
    auto calls = server().waitNotifyCalls(3);
    ASSERT_EQ(calls.size(), 3u);
    std::uint32_t id = onlyServerId();
    EXPECT_EQ(calls[2].id, id);
    EXPECT_EQ(calls[2].hints.at("value"), "100");
    EXPECT_EQ(calls[2].actions, (std::vector<std::string>{"read", "Read it", "later", "Later",
                                                          "let-go", "Let it go"}));
    server().invoke([id](FakeFdoServer& s) { s.emitActionInvoked(id, "read"); });
    ASSERT_TRUE(waitUntil([&] { return !choices.empty(); }, 5s, iterate));
    EXPECT_EQ(choices[0].which, PauseChoice::Which::ReadIt);
    EXPECT_EQ(choices[0].held_ids, std::vector<std::int64_t>{7});
}

}  // namespace
}  // namespace nocontact::daemon
