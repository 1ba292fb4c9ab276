// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/journal/store.hpp"
#include "daemon/sdbus_source.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_process.hpp"
#include "tests/integration/journal_test_util.hpp"

namespace nocontact::testing {

// ListHeld's rows: id, contact, app name, received (Unix seconds), state.
using HeldRow = sdbus::Struct<std::int64_t, std::string, std::string, std::int64_t, std::string>;

using journal::integrityOk;

// The real nocontactd under faults (daemon_faults_test.cpp, daemon_text_test.cpp): the API's
// held-message calls made asynchronously, and a daemon started with a prepared process.
class DaemonFaults : public DaemonTest {
  protected:
    // The daemon may be in a blocking call to the fake server (posting or updating its pause),
    // which only this thread answers: it is stopped while this thread keeps answering.
    void TearDown() override {
        if (daemon_ && !daemon_->exitStatus()) {
            EXPECT_EQ(stopAnswering(), 0) << "nocontactd did not exit cleanly on SIGTERM";
        }
        DaemonTest::TearDown();
    }

    // As startDaemon, with `prepare` run on the daemon's process before it starts.
    void startPrepared(const std::string& policy,
                       const std::function<void(DaemonProcess&)>& prepare) {
        daemon_ = std::make_unique<DaemonProcess>(bus_.address(), false);
        daemon_->writePolicy(policy);
        prepare(*daemon_);
        daemon_->start();
        connection_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        connection_source_ = daemon::sdbusSource(*connection_, [] {});
        connection_source_->attach();
        client_ = std::make_unique<DaemonClient>(*connection_);
        waitReady();
    }

    // SIGTERM, then the exit status once the daemon has ended (-1 if it never does).
    int stopAnswering() {
        daemon_->signal(SIGTERM);
        if (!waitFor([&] { return daemon_->exitStatus().has_value(); }, 10s)) return -1;
        return *daemon_->exitStatus();
    }

    std::filesystem::path journalFile() const {
        return std::filesystem::path(daemon_->stateDir()) / daemon::kJournalFileName;
    }

    std::uint32_t held() { return field<std::uint32_t>(status(), "held"); }

    // The server id of the open pause about Alex on `server`, or 0.
    static std::uint32_t pauseOn(const FakeFdoServer& server) {
        for (const auto& [id, shown] : server.shown())
            if (shown.summary.find("take a breath") != std::string::npos) return id;
        return 0;
    }

    // ListHeld, asynchronously: the daemon may be in a call to the fake server meanwhile.
    std::vector<HeldRow> listHeld() {
        std::optional<std::vector<HeldRow>> rows;
        auto pending = client_->proxy()
                           .callMethodAsync("ListHeld")
                           .onInterface(dbus::names::kInterface)
                           .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e,
                                                const std::vector<HeldRow>& r) {
                               rows = e ? std::vector<HeldRow>{} : r;
                           });
        EXPECT_TRUE(waitFor([&] { return rows.has_value(); })) << "ListHeld hung";
        return rows.value_or(std::vector<HeldRow>{});
    }

    // ReadHeld: the body, or nothing on an error.
    std::optional<std::string> readHeld(std::int64_t id) {
        std::optional<std::optional<std::string>> body;
        auto pending =
            client_->proxy()
                .callMethodAsync("ReadHeld")
                .onInterface(dbus::names::kInterface)
                .withArguments(id)
                .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e, const std::string&,
                                     const std::string&, const std::string& b) {
                    body = e ? std::nullopt : std::optional<std::string>(b);
                });
        EXPECT_TRUE(waitFor([&] { return body.has_value(); })) << "ReadHeld hung";
        return body.value_or(std::nullopt);
    }

    // A method of the API without answer values; false on an error reply.
    template <typename... Args>
    bool call(const std::string& method, const Args&... args) {
        std::optional<bool> ok;
        auto pending = client_->proxy()
                           .callMethodAsync(method)
                           .onInterface(dbus::names::kInterface)
                           .withArguments(args...)
                           .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e) { ok = !e; });
        EXPECT_TRUE(waitFor([&] { return ok.has_value(); })) << method << " hung";
        return ok.value_or(false);
    }

    // The journal ids of the listed messages, in the order they arrived.
    std::vector<std::int64_t> heldIds() {
        std::vector<std::int64_t> ids;
        for (const auto& row : listHeld())
            ids.push_back(std::get<0>(row));
        std::sort(ids.begin(), ids.end());
        return ids;
    }
};

}  // namespace nocontact::testing
