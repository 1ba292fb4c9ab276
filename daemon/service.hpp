// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <sdbus-c++/sdbus-c++.h>

namespace nocontact::daemon {

// What the D-Bus service asks of the daemon. Implemented by Daemon; tests use a fake.
class DaemonPort {
  public:
    virtual ~DaemonPort() = default;
    // The Status dictionary (see dbus/org.nocontact.Daemon1.xml for the keys).
    virtual std::map<std::string, sdbus::Variant> status() const = 0;
    struct ReloadResult {
        bool applied = false;
        std::string message;  // every problem as FILE:LINE:COL: error: ..., or a summary
    };
    virtual ReloadResult reload() = 0;

    // Kept messages, without text: (id, contact, app name, received Unix seconds, state).
    using HeldRow =
        sdbus::Struct<std::int64_t, std::string, std::string, std::int64_t, std::string>;
    virtual std::vector<HeldRow> listHeld() { return {}; }
    struct ReadResult {
        std::string app, summary, body;
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
        std::string reason;     // the next of their reasons, "" without
        std::uint32_t seconds = 0;
    };
    // nullopt for a contact the policy does not name.
    virtual std::optional<TerminalPause> pauseFor(const std::string&) { return std::nullopt; }
    struct Change {
        std::string change, contact, to, note;
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
    // must not be shown. Throws std::invalid_argument for a malformed request.
    virtual bool decide(const std::map<std::string, sdbus::Variant>&) { return false; }
    // AppStarted, from the GNOME Shell extension: an app started (its desktop id, one of its
    // processes or 0).
    virtual void appStarted(const std::string&, std::uint32_t) {}

    // The journal since a Unix time, oldest first: (time, what, contact, details), where what
    // is "event" | "choice" | "note" (see the XML for each one's details). Throws
    // std::runtime_error when the journal cannot be read.
    using JournalRow =
        sdbus::Struct<std::int64_t, std::string, std::string, std::map<std::string, std::string>>;
    virtual std::vector<JournalRow> journal(std::int64_t) { return {}; }
    // The Stats dictionary (see the XML); throws std::invalid_argument for an unknown contact
    // or a bad number of days, std::runtime_error when the journal cannot be read.
    virtual std::map<std::string, sdbus::Variant> stats(const std::string&, std::uint32_t) {
        return {};
    }
};

// True when a caller with uid `caller` may talk to the daemon run by uid `owner`: only the same
// user, root included (root has no business reading someone's no-contact state).
bool callerAllowed(uid_t caller, uid_t owner);

// org.nocontact.Daemon1 on the daemon's service connection (sdbus-c++, glue generated from the
// XML). Refuses callers with another uid. Emits the signals the daemon asks for.
class Service {
  public:
    Service(sdbus::IConnection& connection, DaemonPort& daemon);
    ~Service();

    void emitIntervened(const std::string& contact, const std::string& app, const std::string& kind,
                        const std::string& level, const std::string& action);
    void emitPolicyReloaded(bool applied, const std::string& message);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nocontact::daemon
