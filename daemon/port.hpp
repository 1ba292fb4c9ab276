// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/journal/store.hpp"
#include "daemon/stats.hpp"
#include "policy/level.hpp"
#include "policy/time.hpp"

namespace nocontact::dbus {
struct DecideRequest;  // dbus/decide_request.hpp
}  // namespace nocontact::dbus

// What org.nocontact.Daemon1 asks of the daemon and what the daemon answers, in the daemon's own
// words. Only daemon/service.cpp turns them into D-Bus types; dbus/org.nocontact.Daemon1.xml
// names each answer's keys.
namespace nocontact::daemon {

// Status: what the daemon is doing, for `nocontactctl status`.
struct LevelRow {
    std::string contact{};
    policy::Level level = policy::Level::Open;
    std::string why{};  // the sentence that explains it
};
struct ContactCount {
    std::string contact{};
    std::uint32_t count = 0;
};
struct ContactDay {
    std::string contact{};
    std::optional<std::int64_t> day{};  // day N of the person's space; nullopt without a day one
};
struct NotFollowed {
    std::string source{}, why{};
};
// Where the journal is kept.
struct JournalStatus {
    enum class Place { None, Disk, Memory } place = Place::None;  // None: a dry run keeps nothing
    std::string trouble{};  // in memory: "full", "read-only" or "unwritable"
    std::uint32_t kept_in_memory = 0;
    std::string set_aside{};  // the file a damaged journal was moved to, or ""
};
// The notification server, once the withholder follows one.
struct ServerStatus {
    std::string name{}, vendor{}, version{};
    std::vector<std::string> capabilities{};
    std::string withdrawal{};  // config::withdrawalName
};
// The server's own rules (daemon/rules_flow.hpp), where it has them.
struct RulesStatus {
    std::string server{};
    std::vector<std::string> before{}, after{};  // contacts held before or after drawing
    std::string problem{};
};
struct MonitorStatus {
    std::uint32_t seen = 0, malformed = 0, restarts = 0;
};
struct DaemonStatus {
    std::string version{};
    std::string policy_file{};
    bool policy_loaded = false;
    std::string policy_message{};
    bool policy_last_good = false;  // running on the last policy that worked
    std::uint32_t contacts = 0;
    bool dry_run = false;
    std::uint32_t pause_seconds = 0;
    std::string withholding{};  // how a message is taken off the screen on this server
    std::uint32_t withheld = 0, refused = 0, held = 0, failed = 0, unkept = 0, unanswerable = 0;
    JournalStatus journal{};
    std::vector<LevelRow> levels{};
    std::vector<std::string> changed_levels{};
    std::vector<ContactCount> held_by_contact{};  // contacts with none left out
    std::string freezer{};
    std::vector<std::string> phones{}, phone_problems{};
    std::vector<NotFollowed> not_followed{};
    std::vector<ContactDay> day_counts{};
    std::optional<policy::SysTime> snoozed_until{};
    std::optional<ServerStatus> server{};
    std::optional<RulesStatus> rules{};
    std::optional<MonitorStatus> monitor{};
};

// A kept message, without its text.
struct HeldEntry {
    std::int64_t id = 0;
    std::string contact{}, app{};
    policy::SysTime received{};
    HeldState state = HeldState::Held;
};

// One line of the journal: an event, an answer to a pause, or a note.
struct JournalEntry {
    enum class What { Event, Choice, Note };
    policy::SysTime time{};
    What what = What::Event;
    std::string contact{};
    std::map<std::string, std::string> details{};  // what the XML names for each kind
};

// What the D-Bus service asks of the daemon. Implemented by Daemon; tests use a fake.
class DaemonPort {
  public:
    virtual ~DaemonPort() = default;
    virtual DaemonStatus status() const = 0;
    struct ReloadResult {
        bool applied = false;
        std::string message{};  // every problem as FILE:LINE:COL: error: ..., or a summary
    };
    virtual ReloadResult reload() = 0;

    virtual std::vector<HeldEntry> listHeld() { return {}; }
    struct ReadResult {
        std::string app{}, summary{}, body{};
    };
    // The message, handed back and marked read; nullopt when there is no such message waiting
    // or let go (a let-go message stays readable for 30 days).
    virtual std::optional<ReadResult> readHeld(std::int64_t) { return std::nullopt; }
    // False when there is no such waiting message.
    virtual bool letGo(std::int64_t) { return false; }
    // False when there is no such waiting message (see KeepForLater in the XML).
    virtual bool keepForLater(std::int64_t) { return false; }
    // What the terminal's pause shows before a contact's messages (PauseFor in the XML).
    struct TerminalPause {
        std::int64_t day = -1;  // day N of the person's space; -1 without a day one
        std::string reason{};   // the next of their reasons, "" without
        std::uint32_t seconds = 0;
    };
    // nullopt for a contact the policy does not name.
    virtual std::optional<TerminalPause> pauseFor(const std::string&) { return std::nullopt; }
    struct Change {
        std::string change{}, contact{}, to{}, note{};
        std::uint64_t seconds = 0;
    };
    // The sentence explaining the new level; throws std::invalid_argument with a kind message
    // for a change that cannot be made.
    virtual std::string changeLevel(const Change&) { return {}; }
    // Back to the policy's level for a contact: the person's soften or harden is dropped. The
    // sentence explaining the level; throws std::invalid_argument for an unknown contact or a
    // final straw (which reset does not undo).
    virtual std::string resetLevel(const std::string&) { return {}; }
    // Ends the snooze now; the sentence saying so (also when there was none).
    virtual std::string endSnooze() { return {}; }
    virtual void addNote(const std::string&, const std::string&) {}
    // Decide, for the GNOME Shell extension: true ("hold") when the notification is kept and
    // must not be shown.
    virtual bool decide(const dbus::DecideRequest&) { return false; }
    // AppStarted, from the GNOME Shell extension: an app started (its desktop id, one of its
    // processes or 0).
    virtual void appStarted(const std::string&, std::uint32_t) {}

    // The journal since a time, oldest first. Throws std::runtime_error when the journal cannot
    // be read.
    virtual std::vector<JournalEntry> journal(policy::SysTime) { return {}; }
    // What the journal says about the last `days` days; throws std::invalid_argument for an
    // unknown contact or a bad number of days, std::runtime_error when the journal cannot be
    // read.
    virtual Stats stats(const std::string&, std::uint32_t) { return {}; }
};

}  // namespace nocontact::daemon
