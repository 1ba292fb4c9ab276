// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>

#include "daemon/bus_source.hpp"

namespace nocontact::testing {

// One iteration of the thread-default GLib main context that never blocks for long (a 20 ms
// heartbeat wakes it): the `step` of waitUntil for tests driven by BusSource.
void iterate();

// A raw sd-bus client connection on `address`, driven by the thread-default main context.
class Client {
  public:
    explicit Client(const std::string& address);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    sd_bus* bus() const { return bus_; }
    std::string uniqueName() const;

    // Sends Notify asynchronously, hints being string values; the returned id (0 until the reply
    // comes, UINT32_MAX on an error reply) is written to *id, which must outlive the reply.
    void notify(const std::string& app_name, std::uint32_t replaces_id, const std::string& summary,
                const std::string& body, const std::map<std::string, std::string>& hints,
                std::uint32_t* id, const char* destination = "org.freedesktop.Notifications");

  private:
    sd_bus* bus_ = nullptr;
    std::unique_ptr<daemon::BusSource> source_;
};

// A fake org.freedesktop.Notifications server on raw sd-bus that records every call it receives.
// Replaces by id like dunst (whoever asks); can refuse foreign CloseNotification like GNOME >= 42
// and restart (release the name, and own it again from a new connection).
class FakeFdoServer {
  public:
    struct Call {
        std::string member;  // Notify, CloseNotification, GetCapabilities, GetServerInformation
        std::string sender;
        std::uint32_t id = 0;  // Notify: replaces_id; CloseNotification: the id
        std::string app_name, summary, body;
        std::map<std::string, std::string> hints;  // s, b, y, u, i values as text
        std::vector<std::string> actions;          // Notify: key, label, key, label, ...
        std::int32_t expire_timeout = -1;          // Notify: ms; 0 never, -1 the server's own
        bool wants_reply = true;  // false: sent with NO_REPLY_EXPECTED, and answered with nothing
    };
    struct Shown {
        std::string sender, summary, body;
        std::string last_sender;  // of the Notify that last showed or replaced it
    };

    explicit FakeFdoServer(const std::string& address, std::string server_name = "fake-fdo");
    ~FakeFdoServer();
    FakeFdoServer(const FakeFdoServer&) = delete;
    FakeFdoServer& operator=(const FakeFdoServer&) = delete;

    const std::vector<Call>& calls() const { return calls_; }
    const std::map<std::uint32_t, Shown>& shown() const { return shown_; }
    std::string uniqueName() const;
    // The name GetServerInformation gives.
    const std::string& name() const { return server_name_; }
    sd_bus* bus() const { return bus_; }

    // GNOME >= 42: CloseNotification from anyone but the notification's sender fails with
    // org.freedesktop.DBus.Error.InvalidArgs "Invalid notification ID".
    void refuseForeignClose(bool refuse) { refuse_foreign_close_ = refuse; }
    void setCapabilities(std::vector<std::string> caps) { capabilities_ = std::move(caps); }
    // The name GetServerInformation gives from the next restart on ("gnome-shell", "dunst", ...).
    void setName(std::string name) { server_name_ = std::move(name); }
    void restart();
    // As a server under `kill -STOP`: reads nothing (calls queue up on the bus) until resumed.
    void stop() { source_.reset(); }
    void resume();
    // While hanging, calls are taken and recorded as they come, but not answered, as by a server
    // that is stopped (kill -STOP) or stuck; hang(false) sends every answer kept, in order.
    void hang(bool hanging);
    // Answers a Notify with this summary with an error instead of showing it, as Plasma does a
    // notification like the one before it within a second (ExcessNotificationGeneration).
    void refuseSummary(std::string summary) { refused_summary_ = std::move(summary); }
    // Like dunst: NotificationClosed goes only to the sender of the Notify that last showed or
    // replaced the notification (by default it is broadcast, as GNOME Shell does).
    void tellOnlyTheSender(bool only) { tell_only_the_sender_ = only; }
    void emitClosed(std::uint32_t id, std::uint32_t reason, const std::string& to = {});
    // As when a person presses a button (`action` "default": clicks the notification).
    void emitActionInvoked(std::uint32_t id, const std::string& action);

  private:
    void connect();
    void disconnect();
    static int onNotify(sd_bus_message* m, void* userdata, sd_bus_error* e);
    static int onClose(sd_bus_message* m, void* userdata, sd_bus_error* e);
    static int onCapabilities(sd_bus_message* m, void* userdata, sd_bus_error* e);
    static int onInfo(sd_bus_message* m, void* userdata, sd_bus_error* e);
    // Sends `reply` (taking its reference), or keeps it while hanging.
    int answer(sd_bus_message* reply);
    // Answers `m` with `types` and the values after them (answer()).
    template <typename... Values>
    int reply(sd_bus_message* m, const char* types, Values... values);

    std::string address_;
    std::string server_name_;
    std::string refused_summary_;
    sd_bus* bus_ = nullptr;
    sd_bus_slot* vtable_slot_ = nullptr;
    std::unique_ptr<daemon::BusSource> source_;
    std::vector<Call> calls_;
    std::map<std::uint32_t, Shown> shown_;
    std::uint32_t next_id_ = 1;
    bool refuse_foreign_close_ = false;
    bool tell_only_the_sender_ = false;
    bool hanging_ = false;
    std::vector<sd_bus_message*> unanswered_;
    std::vector<std::string> capabilities_{"body", "actions", "persistence"};
};

}  // namespace nocontact::testing
