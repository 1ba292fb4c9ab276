// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/withdrawal.hpp"
#include "daemon/clock.hpp"
#include "daemon/keeper.hpp"
#include "daemon/pause/pause.hpp"
#include "daemon/phone_events.hpp"
#include "daemon/service.hpp"
#include "daemon/timer.hpp"
#include "dbus/monitor.hpp"
#include "dbus/phone.hpp"
#include "dbus/withholder.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

typedef struct _GMainLoop GMainLoop;

namespace nocontact::dbus {
struct DecideRequest;  // dbus/decide_request.hpp
}  // namespace nocontact::dbus

namespace nocontact::daemon {

struct JournalPlace;     // daemon/keeper.hpp
struct JournalSetAside;  // daemon/keeper.hpp

struct Options {
    std::string policy_file;  // empty: the user's policy path
    std::string state_dir;    // empty: $XDG_STATE_HOME/nocontact
    bool dry_run = false;     // decide and log, act on nothing
    std::string bus_address;  // empty: the session bus of the environment
    // While the journal is kept in memory, how often the disk is tried again (tests shorten it).
    std::chrono::seconds journal_retry = std::chrono::seconds{30};
    // For measuring only (scripts/flash-count --withdrawal): this way of taking a kept message
    // back on any server, instead of the one config/withdrawal.cpp chooses for it.
    std::optional<config::Withdrawal> withdrawal;
    // Where the daemon reads the time; null: the machine's clocks (systemClock()).
    const Clock* clock = nullptr;
    // What the daemon's waits of a second or more (digests, the rules' refresh, the journal's
    // retry and purge, phone halves, watching again after the bus dropped the monitor) are
    // timed by; null: the loop's (loopTimer()).
    Timer* timer = nullptr;
};

// Thrown by Daemon::start when another nocontactd already runs in the session (it owns the bus
// name); nocontactd then exits with kExitAlreadyRunning, which its unit is not restarted on.
struct AlreadyRunning : std::runtime_error {
    using std::runtime_error::runtime_error;
};
inline constexpr int kExitAlreadyRunning = 3;

// The wiring: notifications seen by the monitor become events, the engine decides, the
// withholder acts, the journal hears about it (never the text), and the D-Bus service answers
// questions. Owns no policy logic of its own.
class Daemon : public DaemonPort {
  public:
    explicit Daemon(Options options);
    ~Daemon() override;

    // Connects everything to the thread-default GLib main context. Throws std::runtime_error
    // with a message for a person when the bus or the built-in profiles are unusable.
    void start(GMainLoop* loop);

    DaemonStatus status() const override;
    ReloadResult reload() override;
    std::vector<HeldEntry> listHeld() override;
    std::optional<ReadResult> readHeld(std::int64_t id) override;
    bool letGo(std::int64_t id) override;
    bool keepForLater(std::int64_t id) override;
    std::optional<TerminalPause> pauseFor(const std::string& contact) override;
    std::string changeLevel(const Change& change) override;
    std::string resetLevel(const std::string& contact) override;
    std::string endSnooze() override;
    void addNote(const std::string& contact, const std::string& text) override;
    bool decide(const dbus::DecideRequest& request) override;
    void appStarted(const std::string& app_id, std::uint32_t pid) override;
    std::vector<JournalEntry> journal(policy::SysTime since) override;
    Stats stats(const std::string& contact, std::uint32_t days) override;

    // How the process should end: 0 after SIGTERM, non-zero when the bus went away.
    int exitCode() const { return exit_code_; }

  private:
    ReloadResult readPolicy();
    // Puts `policy` in force: profiles, engine, the person's own changes, timers and rules.
    void applyPolicy(policy::Policy policy);
    // The policy file has errors (`diagnostics`): what is in force stays, or at start the last
    // policy that worked is used (daemon_policy.cpp); the person is told either way.
    ReloadResult refusePolicy(const std::string& diagnostics);
    bool useLastGood(const std::string& diagnostics);
    // Keeps `text`, the policy just applied, as the last one that worked.
    void keepLastGood(const std::string& text);
    void followPolicyPath();
    void watchPolicy();
    // Every door judges here: the monitor, Decide, phones and calls, apps starting. `event` by
    // the policy in force, now (the daemon's clock) or at `now`.
    policy::Decision judge(const policy::Event& event);
    policy::Decision judge(const policy::Event& event, const policy::Moment& now);
    // Notifications (daemon/notifications_flow.hpp), through the monitor and Decide.
    void followNotifications();
    // Reaching out (daemon/reaching_flow.hpp): apps started in their own systemd units, or
    // reported by GNOME Shell.
    void watchReachingOut();
    // Phones (daemon_phone.cpp), and the daemon's side of calls (daemon_calls.cpp).
    void followPhones();
    // KDE Connect's two halves of what a phone sends, and SMS, met (daemon/phone_pairs.hpp).
    void pairPhoneHalves();
    bool startWatch(const char* source, const std::function<void()>& start);
    void followModem(bool on);
    void dropModem(const std::string& why);
    void onPhoneSource(const std::string& source, bool present);
    // Calls (daemon/calls_flow.hpp): the flow made, and the service that reported a call asked
    // to do `what` to it.
    void followCalls();
    void askCall(const std::string& source, const std::string& path, const char* what,
                 dbus::PhoneDone done);
    void onPhoneRing(const dbus::PhoneRing& ring);
    void onPhoneSms(const dbus::PhoneSms& sms);
    void onPhoneConversation(const dbus::PhoneConversationMessage& message);
    bool recordSms(const std::string& source, const policy::Event& event);
    void onPhoneNotification(const dbus::PhoneNotification& notification);
    // What keeps a phone source from doing all it should ("modemmanager: ..."), for Status.
    std::vector<std::string> phoneProblems() const;
    void onServerChanged(const dbus::ServerInfo& info);
    // Our own connections' unique names (the keeper's, the withholder's).
    bool isOwnSender(std::string_view sender) const;
    // True while the GNOME Shell extension is running: it asks Decide before GNOME Shell shows
    // a notification, so the monitor leaves FDO and GTK notifications alone.
    bool extensionActive() const;
    // The server's own rules (daemon/rules_flow.hpp): written for who is held now, and
    // written again when that changes by itself (a schedule, the end of a soften or snooze).
    void refreshRules();
    std::vector<bool> heldNow() const;
    void tellUser(const std::string& summary, const std::string& body);
    // The journal in memory or back on disk (daemon_journal.cpp): the person is told once each
    // way, in the log and in a notification.
    void watchJournal();
    void journalPlaceChanged(const JournalPlace& place);
    void tellSetAside(const JournalSetAside& aside);
    // Where the journal is kept, for Status.
    JournalStatus journalStatus() const;
    void busLost(const char* which);
    void prepareStateDir();
    // The person's temporary changes, from the journal, into a freshly built engine.
    void restoreOverrides();
    policy::Override overrideFrom(const Change& change, std::size_t* contact) const;
    // Digests (daemon/digest_flow.hpp): the policy's digest times, followed from start and
    // again whenever a policy is applied.
    void followDigests();
    void watchMonitor();
    void restartMonitor();
    std::string withholdingPath() const;
    // How a kept message is taken back from the server running now (config/withdrawal.hpp).
    config::Withdrawal withdrawal() const;
    // Each contact's effective level and the sentence that explains it.
    std::vector<LevelRow> levels() const;
    // How many messages wait for the person, per contact (contacts with none left out).
    std::vector<ContactCount> heldByContact() const;
    // Each contact's day count, as the pause shows it.
    std::vector<ContactDay> dayCounts() const;
    // The phone sources not followed now, and why.
    std::vector<NotFollowed> notFollowed() const;
    // The contacts whose level a change of the person's sets now (reset goes back).
    std::vector<std::string> changedLevels() const;

    struct Impl;
    Options options_;
    std::unique_ptr<Impl> impl_;
    int exit_code_ = 0;
};

}  // namespace nocontact::daemon
