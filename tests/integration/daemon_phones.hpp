// SPDX-License-Identifier: GPL-3.0-or-later
// The fixture of the phone tests (daemon_modem_test.cpp, daemon_kdeconnect_test.cpp,
// daemon_calls_test.cpp): the real nocontactd with ModemManager on a private system bus, GNOME
// Calls and KDE Connect on the test's session bus, each a faithful fake (tests/fakes/).
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_process.hpp"
#include "tests/integration/phone_fake.hpp"

namespace nocontact::testing {

inline const std::string kFakes = std::string(NOCONTACT_SOURCE_ROOT) + "/tests/fakes/";
constexpr const char* kAlexNumber = "+1 415 555 0100";
constexpr const char* kStrangerNumber = "+1 415 555 0199";

// Alex at `strictness`, known by name and number, with `more` contact keys.
inline std::string phonePolicy(const std::string& strictness, const std::string& more = "",
                               const std::string& sources = "") {
    return "version: 1\ndefaults: { strictness: " + strictness +
           ", pause: 3s, region: US }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
           "    reasons: [\"You asked for this space for good reasons.\"]\n"
           "    match: { names: [\"Alex Morgan\"], phones: [\"" +
           kAlexNumber + "\"] }\n" + more + sources;
}

using JournalRow =
    sdbus::Struct<std::int64_t, std::string, std::string, std::map<std::string, std::string>>;

class DaemonPhones : public DaemonTest {
  protected:
    void TearDown() override {
        kde_.reset();
        modem_.reset();
        calls_.reset();
        DaemonTest::TearDown();
    }

    // The daemon with ModemManager on a private system bus.
    void startWithModem(const std::string& policy) {
        system_ = std::make_unique<PrivateBus>();
        modem_ = std::make_unique<PhoneFake>(kFakes + "modemmanager.py", "DBUS_SYSTEM_BUS_ADDRESS",
                                             system_->address());
        modem_->call<sdbus::ObjectPath>("AddModem");
        system_bus_ = system_->address();
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("modemmanager")) << daemon_->log();
    }

    bool waitPresent(const std::string& source, bool present = true) {
        return waitFor(
            [&] {
                auto phones = field<std::vector<std::string>>(status(), "phones");
                return (std::find(phones.begin(), phones.end(), source) != phones.end()) == present;
            },
            10s);
    }

    bool waitAsked(PhoneFake& fake, const std::string& path, const std::string& method) {
        return waitFor([&] { return fake.asked(path, method) > 0; }, 10s);
    }

    // The whole journal. Asked without blocking: the daemon may be posting a notification to
    // this process's fake server at the same moment.
    std::vector<JournalRow> journal() {
        std::optional<std::vector<JournalRow>> rows;
        auto pending = client_->proxy()
                           .callMethodAsync("Journal")
                           .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                           .withArguments(std::int64_t{0})
                           .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error,
                                                const std::vector<JournalRow>& r) {
                               rows = error ? std::vector<JournalRow>{} : r;
                           });
        EXPECT_TRUE(waitFor([&] { return rows.has_value(); }, 10s)) << "Journal hung";
        return rows.value_or(std::vector<JournalRow>{});
    }

    // What `nocontactctl journal` prints, as a person would read it.
    std::string journalText() {
        const std::string out_file = bus_.dir() + "/journal.txt";
        pid_t pid = fork();
        if (pid == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            setenv("LANGUAGE", "C", 1);
            int fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(fd, STDOUT_FILENO);
            execl(NOCONTACTCTL, NOCONTACTCTL, "journal", static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        EXPECT_TRUE(waitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 20s));
        std::ifstream in(out_file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // The journal's events about calls or messages from `source`.
    std::vector<std::map<std::string, std::string>> events(const std::string& source) {
        std::vector<std::map<std::string, std::string>> out;
        for (const auto& row : journal()) {
            auto details = std::get<3>(row);
            if (std::get<1>(row) == "event" && details["source"] == source) out.push_back(details);
        }
        return out;
    }

    // The id of the daemon's notification titled `summary`, once it is shown (0 if never).
    std::uint32_t waitShown(const std::string& summary) {
        std::uint32_t id = 0;
        waitFor(
            [&] {
                for (const auto& [shown_id, shown] : server_->shown())
                    if (shown.summary == summary) id = shown_id;
                return id != 0;
            },
            10s);
        return id;
    }

    // Waits until notification `id` offers the action `key`.
    bool waitAction(std::uint32_t id, const std::string& key) {
        return waitFor(
            [&] {
                for (const auto& call : server_->calls()) {
                    if (call.member != "Notify" || call.id != id) continue;
                    if (std::find(call.actions.begin(), call.actions.end(), key) !=
                        call.actions.end())
                        return true;
                }
                return false;
            },
            10s);
    }

    // The daemon with a KDE Connect that has one paired phone, "pixel".
    void startWithKdeConnect(const std::string& policy) {
        kde_ = std::make_unique<PhoneFake>(kFakes + "kdeconnect.py", "DBUS_SESSION_BUS_ADDRESS",
                                           bus_.address());
        kde_->call("AddDevice", std::string("pixel"), std::string("Pixel 7"));
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("kdeconnect")) << daemon_->log();
    }

    // The daemon with GNOME Calls running.
    void startWithCalls(const std::string& policy) {
        calls_ = std::make_unique<PhoneFake>(kFakes + "gnome_calls.py", "DBUS_SESSION_BUS_ADDRESS",
                                             bus_.address());
        ASSERT_NO_FATAL_FAILURE(startDaemon(policy));
        ASSERT_TRUE(waitPresent("gnome_calls")) << daemon_->log();
    }

    // KDE Connect's desktop copy of a phone notification, as KNotifications posts it.
    std::uint32_t* desktopCopy(const std::string& summary, const std::string& body) {
        return notify(
            *app_, "KDE Connect", 0, summary, body,
            {{"desktop-entry", "org.kde.kdeconnect.daemon"}, {"x-kde-appname", "kdeconnect"}});
    }

    static std::int64_t nowMs() {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    std::unique_ptr<PrivateBus> system_;
    std::unique_ptr<PhoneFake> modem_, calls_, kde_;
};

}  // namespace nocontact::testing
