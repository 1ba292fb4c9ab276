// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <daemon1_proxy.h>
#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include "daemon/bus_source.hpp"
#include "tests/integration/fake_fdo_server.hpp"
#include "tests/integration/private_bus.hpp"

namespace nocontact::testing {

using namespace std::chrono_literals;

// The real nocontactd (the NOCONTACTD binary) as a child process on a private bus: its policy
// lives in a temporary folder of its own, and its stdout and stderr are captured in a file
// there, so a failing test can show what the daemon said.
class DaemonProcess {
  public:
    DaemonProcess(std::string bus_address, bool dry_run);
    ~DaemonProcess();  // kill -9 if still running, and the folder removed
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    const std::string& policyPath() const { return policy_path_; }
    // The daemon's XDG_CONFIG_HOME (where a notification server's settings would be).
    std::string configHome() const { return dir_ + "/config"; }
    // The folder given as --state-dir (the journal is in it once the daemon has started).
    std::string stateDir() const {
        return shared_state_.empty() ? dir_ + "/state" + state_below_ : shared_state_;
    }
    // Another daemon's state folder instead of one of its own (a second copy started by hand).
    void shareStateDir(std::string dir) { shared_state_ = std::move(dir); }
    // The state folder becomes `below` (e.g. "/made/by/nocontactd") under the usual one, so the
    // daemon makes the folders between. Call before start().
    void nestStateDir(std::string below) { state_below_ = std::move(below); }
    // Saves the policy as editors do: a new file beside it, renamed over the old one.
    void writePolicy(const std::string& yaml);
    // Runs without --policy, with XDG_CONFIG_HOME in the daemon's folder, so the daemon looks
    // for $XDG_CONFIG_HOME/nocontact/policy.yaml itself (the folder is not created).
    void useConfigHome();
    // The daemon runs in a mount namespace of its own where its state folder is a tmpfs of
    // `bytes` (a disk that can be filled); the test reaches it through stateDirAsSeen().
    void useTinyStateDisk(std::size_t bytes) { tiny_state_bytes_ = bytes; }
    // The daemon runs in a mount namespace of its own where its state folder is read-only (a
    // read-only bind mount of the folder, which root cannot write through either) until
    // makeStateWritable(). For the next start() only.
    void useReadOnlyState() { read_only_state_ = true; }
    // Removes that read-only mount in the running daemon's namespace, so the daemon sees its
    // folder writable again. False when the namespace cannot be entered.
    bool makeStateWritable();
    // More arguments for nocontactd (e.g. "--journal-retry", "1").
    void addArguments(std::vector<std::string> args) {
        extra_args_.insert(extra_args_.end(), args.begin(), args.end());
    }
    // The daemon's log goes to a journal socket of the test's (it runs with JOURNAL_STREAM
    // naming its stderr, and sees the socket as /run/systemd/journal/socket in a mount
    // namespace of its own). Call before start().
    void captureJournal();
    // Every datagram the daemon sent to that journal so far, as sd_journal_send wrote it.
    std::vector<std::string> journalEntries();
    // The state folder as the running daemon sees it (through /proc/PID/root).
    std::string stateDirAsSeen() const;
    // The daemon sends what it tells systemd (sd_notify) to this datagram socket.
    void useNotifySocket(std::string path) { notify_socket_ = std::move(path); }
    // The system bus the daemon connects to (ModemManager's); by default none is there.
    void useSystemBus(std::string address) { system_bus_ = std::move(address); }

    // Starts the daemon (again, after kill9()); its output is appended to the log.
    void start();
    // Sends SIGTERM and waits up to `deadline`; the exit status (128 + signal when killed by
    // one), or -1 when it did not exit in time (it is then killed).
    int stop(std::chrono::milliseconds deadline = 5s);
    void kill9();
    void signal(int sig) const;
    // The exit status once the process has ended (reaped), or nothing while it runs.
    std::optional<int> exitStatus();

    pid_t pid() const { return pid_; }
    std::string log() const;
    // Resident memory from /proc/PID/status, in KiB (0 when unreadable).
    long rssKib() const;

  private:
    std::string bus_address_;
    bool dry_run_;
    bool config_home_ = false;
    std::string system_bus_, notify_socket_;
    std::size_t tiny_state_bytes_ = 0;
    bool read_only_state_ = false;
    std::vector<std::string> extra_args_;
    void drainJournal();
    int journal_fd_ = -1;
    unsigned journal_watch_ = 0;  // the GLib source that empties the socket
    std::vector<std::string> journal_entries_;
    std::string dir_, policy_path_, log_path_;
    std::string state_below_, shared_state_;
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

// org.nocontact.Daemon1 through the proxy generated from the XML, recording its signals.
class DaemonClient : public sdbus::ProxyInterfaces<org::nocontact::Daemon1_proxy> {
  public:
    explicit DaemonClient(sdbus::IConnection& connection);
    ~DaemonClient();

    std::vector<std::pair<bool, std::string>> reloads;  // PolicyReloaded(applied, message)
    std::vector<std::string> intervened;                // Intervened: the contact's name
    // For asynchronous calls (the generated glue only has blocking ones).
    sdbus::IProxy& proxy() { return getProxy(); }

  private:
    void onIntervened(const std::string& contact, const std::string& app, const std::string& kind,
                      const std::string& level, const std::string& action) override;
    void onPolicyReloaded(const bool& applied, const std::string& message) override;
};

using Status = std::map<std::string, sdbus::Variant>;

// One value of a Status answer, or `fallback` when it is missing or of another type.
template <typename T>
T field(const Status& s, const std::string& key, T fallback = {}) {
    auto it = s.find(key);
    if (it == s.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

// A policy with one contact, Alex (pause), written the way a person would.
extern const char* const kAlexPolicy;
// A policy for Alex Morgan at `strictness`, with a 3 s pause (the shortest a policy allows,
// which keeps tests quick) and any further `defaults` entries, e.g. `digest: ["12:00"]`.
std::string alexPolicy(const std::string& strictness, const std::string& more_defaults = "");

// Each test: its own bus, the fake notification server, an app (a raw client), the real
// daemon and a client of its API. Every notification body the test sends is remembered, and
// TearDown checks that none reached the daemon's output; the log is printed when a test fails.
class DaemonTest : public ::testing::Test {
  protected:
    void TearDown() override;

    // Starts nocontactd with `policy` (none written when empty) and waits until it answers.
    void startDaemon(const std::string& policy, bool dry_run = false);
    // SIGTERM, then up to 5 s for the daemon to exit while this process's fake server keeps
    // answering (the daemon may be posting a pause to it at that moment, and finishes that
    // first). Its exit status, or -1 when it had to be killed.
    int stopDaemon();
    // Waits until Status answers (the daemon's loop runs); fails the test if it never does.
    void waitReady();
    // Drops the API client (before the bus goes away: sdbus-c++ cannot unregister on a dead
    // connection).
    void dropClient();

    // Waits for `done`, driving every connection of this process meanwhile.
    bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline = 5s);
    Status status();
    std::pair<bool, std::string> reload();

    // Sends Notify from `app` (hints as strings); the returned id slot fills in with the reply.
    std::uint32_t* notify(Client& app, const std::string& app_name, std::uint32_t replaces_id,
                          const std::string& summary, const std::string& body,
                          const std::map<std::string, std::string>& hints);
    // A Signal Desktop notification: the summary is the conversation (the sender).
    std::uint32_t* signalFrom(const std::string& sender, const std::string& body,
                              std::uint32_t replaces_id = 0);
    // Waits for the server's reply to a notify(); the id, or 0 on timeout.
    std::uint32_t idOf(const std::uint32_t* slot);
    // Remembers text the daemon must never print.
    void rememberSecret(const std::string& text) { secrets_.push_back(text); }

    // What the fake server saw from the daemon about notification `id`.
    int closesOf(std::uint32_t id) const;
    int placeholdersFor(std::uint32_t id) const;
    // Waits until `id` was closed, replaced by the placeholder first where the server keeps
    // closed notifications (config/withdrawal.hpp) and never elsewhere.
    bool waitWithheld(std::uint32_t id, std::chrono::milliseconds deadline = 5s);

    PrivateBus bus_;
    // Named dunst: it replaces by id like dunst, and a server with a history is where nocontactd
    // puts its placeholder in a message's place before closing it.
    std::unique_ptr<FakeFdoServer> server_ =
        std::make_unique<FakeFdoServer>(bus_.address(), "dunst");
    std::unique_ptr<Client> app_ = std::make_unique<Client>(bus_.address());
    std::unique_ptr<DaemonProcess> daemon_;
    std::string system_bus_;  // the system bus startDaemon gives the daemon; none when empty
    // Runs in startDaemon just before the daemon starts (e.g. to write a server's settings).
    std::function<void(DaemonProcess&)> before_start_;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<daemon::BusSource> connection_source_;
    std::unique_ptr<DaemonClient> client_;

  private:
    void printLogOnFailure();
    std::deque<std::uint32_t> ids_;  // stable addresses for the replies
    std::vector<std::string> secrets_;
};

// A locale in which gettext follows LANGUAGE, for the tests that speak another language:
// gettext ignores LANGUAGE in the "C" locale, and glibc 2.41 (Debian 13) counts C.UTF-8 as "C"
// too. en_US.UTF-8 where it is installed, else C.UTF-8 (enough for glibc 2.36, Debian 12).
const char* translatableLocale();

}  // namespace nocontact::testing
