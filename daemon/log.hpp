// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Structured logging to the journal. Notification text must never reach a log, so nothing here
// takes free-form text: the message is a string literal the daemon wrote itself, and the only
// other data are the named fields below.

namespace nocontact::daemon::log {

// syslog priorities, as journald's PRIORITY= field wants them.
enum class Priority { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

// Words the daemon wrote itself. Only a string literal converts to it (consteval), so a string
// built at run time — a notification's summary or body, say — cannot.
class Literal {
  public:
    template <std::size_t N>
    consteval Literal(const char (&text)[N]) : text_(text) {}  // NOLINT: implicit on purpose
    const char* c_str() const { return text_; }

  private:
    const char* text_;
};

// Everything a log line may say about an event; each becomes a NOCONTACT_* journal field and is
// left out when empty. Exactly these six: there is deliberately no field for message text.
struct Fields {
    std::string contact{};  // NOCONTACT_CONTACT: the contact's name as the policy spells it
    std::string app{};      // NOCONTACT_APP: the app's id or name
    std::string action{};   // NOCONTACT_ACTION: what nocontact did (withhold, pause, none, ...)
    std::string level{};    // NOCONTACT_LEVEL: the effective strictness
    std::string kind{};     // NOCONTACT_KIND: notification, call, reach-out, ...
    std::string source{};   // NOCONTACT_SOURCE: fdo, gtk, portal, kdeconnect, ...
};

// Logs `what` with `fields`: to the journal when stderr is the journal (JOURNAL_STREAM names it),
// otherwise one line on stderr: "nocontactd: <what> contact=Alex app=signal action=pause".
void write(Priority priority, Literal what, const Fields& fields = {});

// Logs `what` followed by ": " and `detail`, for the daemon's own run-time words: a bus error,
// the notification server's name and version. Never pass anything a notification carried —
// write() with Fields is the way to speak about notifications.
void detail(Priority priority, Literal what, std::string_view detail);

// Logs the outcome of reading the policy file. `diagnostics` are the loader's
// FILE:LINE:COL: error: ... lines about the user's own file (never message text).
void policy(bool applied, std::string_view diagnostics);

// The journal entry as "FIELD=value" strings, MESSAGE first. Exposed for tests.
std::vector<std::string> journalFields(Priority priority, std::string_view message,
                                       const Fields& fields);

// The stderr line, without the newline. Control characters become '?', so a hostile app name
// cannot forge a second line; values with spaces are quoted. Exposed for tests.
std::string stderrLine(std::string_view message, const Fields& fields);

// True when JOURNAL_STREAM names stderr's device and inode, as systemd sets it for services.
bool stderrIsJournal();

}  // namespace nocontact::daemon::log
