// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The notification servers' own rules, written by `nocontactctl setup` and kept in step with
// the policy by nocontactd (DESIGN.md §2, "Before the server draws"). A server that hides a
// notification by its own rule never draws it; nocontactd, watching the bus, still sees the
// Notify call and keeps the message. Withdrawing after the server's reply always comes too
// late on dunst (it draws inside its Notify handler) and often on mako and swaync.
//
// Rules never hide a stranger: a rule is only ever an app (exactly) and a contact's name at
// the exact place that app's profile puts the sender ("Alex Morgan" as the whole summary of a
// Signal notification; "Alex Morgan: " at the start of a group message's body). Whatever the
// rules cannot say (accents, case, numbers, handles, profiles whose sender patterns are not a
// fixed prefix and suffix) is still withdrawn after the reply, as before.
//
// Pure text in and out, except the few functions at the end that read and write the servers'
// configuration files.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "policy/notification.hpp"
#include "policy/policy.hpp"
#include "policy/profile.hpp"

namespace nocontact::config {

enum class RuleServer { Dunst, Mako, Swaync };

// What nocontactd appends to the app's name when it shows a kept message again (*Read it*, or
// a message the rules hid from a contact no longer held): U+2060 WORD JOINER, invisible. Rules
// match the app's name exactly, so they never hide what the person chose to see.
inline constexpr const char* kRepostMark = "\u2060";

// "dunst", "mako", "swaync".
const char* ruleServerName(RuleServer s);
// The server GetServerInformation names ("dunst", "mako", "SwayNotificationCenter"), if its
// rules are ones nocontact can write.
std::optional<RuleServer> ruleServerFor(const std::string& server_name);

// One notification shape that is certainly a contact's, as a server rule can match it: the
// app, exactly, and the field that holds `text` (whole, or as its start).
struct RuleShape {
    std::size_t contact = 0;  // index into Policy::contacts
    std::string profile;      // the app profile's id ("signal")
    enum class AppKey { AppName, DesktopEntry } app_key = AppKey::AppName;
    std::string app;  // exact app_name or desktop entry
    enum class Field { Summary, Body } field = Field::Summary;
    std::string text;    // the literal text: the name, with the profile's literal around it
    bool whole = true;   // the field is exactly `text`; otherwise it starts with `text`
};

// Every shape of every contact's names in every profile that can be said as a rule. Profiles
// whose sender patterns are not a literal prefix + (.+) + a literal suffix give none, and
// neither do names a server rule cannot carry safely (control characters, newlines).
std::vector<RuleShape> ruleShapes(const policy::Policy& policy, const policy::Profiles& profiles);

// Whether the rules for the contacts marked in `held` (indexed like Policy::contacts) hide
// `n`: exactly what the rendered rules make the server do.
bool rulesHide(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
               const policy::Notification& n);

// How dunst reads a rule's strings: fnmatch globs unless its configuration says
// `enable_regex = true` (then POSIX extended regexes, unanchored).
struct DunstSyntax {
    bool regex = false;
};

// The name of the dunst rule section of shape `i` ("nocontact-3"), for RuleEnable.
std::string dunstRuleName(std::size_t i);

// A whole dunst drop-in file (dunstrc.d/90-nocontact.conf): one section per shape,
// `skip_display = true`, `enabled` as `held` says for its contact. Held messages stay in
// dunst's history (so that one arriving while nocontactd is not running can be recovered
// from it); nocontactd removes them from there once kept, where dunst allows it.
std::string renderDunst(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
                        DunstSyntax syntax);

// The block nocontact owns in mako's configuration (between kMarkBegin and kMarkEnd lines):
// one criteria section per held shape, `invisible=1`, `history=0`, no timeout.
std::string renderMako(const std::vector<RuleShape>& shapes, const std::vector<bool>& held);

// swaync's config.json with nocontact's "notification-visibility" entries ("nocontact-…",
// state "ignored") replaced by those for the held shapes; everything else as it was. Throws
// std::runtime_error when `config_json` is not a JSON object.
std::string renderSwaync(const std::string& config_json, const std::vector<RuleShape>& shapes,
                         const std::vector<bool>& held);

// Lines marking the part of a shared configuration file that is nocontact's.
inline constexpr const char* kMarkBegin =
    "# >>> nocontact: written by nocontactctl setup and nocontactd; edit the policy instead";
inline constexpr const char* kMarkEnd = "# <<< nocontact";

// `file` with nocontact's marked block replaced by `block` (appended when there is none).
std::string spliceMarked(const std::string& file, const std::string& block);
// `file` without nocontact's marked block; unchanged when there is none.
std::string removeMarked(const std::string& file);
bool hasMarked(const std::string& file);

// --- the files themselves ------------------------------------------------------------------

// Where each server reads its configuration, from XDG_CONFIG_HOME (or HOME/.config).
struct ServerPaths {
    std::string dunst_base;    // ~/.config/dunst/dunstrc (drop-ins are read only beside it)
    std::string dunst_dropin;  // ~/.config/dunst/dunstrc.d/90-nocontact.conf
    std::string mako;          // ~/.config/mako/config
    std::string swaync;        // ~/.config/swaync/config.json
};
ServerPaths serverPaths();

// Whether `nocontactctl setup` has put nocontact's rules in place for this server (its file,
// or its marked block, exists): nocontactd keeps rules in step only where the person said yes.
bool rulesInstalled(RuleServer s, const ServerPaths& paths);

// Writes the server's rules for `held` (atomically, mode 0600; the names are private), only
// where rulesInstalled(). Returns true when a file changed (the server should re-read it).
// Throws std::runtime_error with a sentence a person can read when a file cannot be written
// or read (swaync's config.json no longer JSON).
bool updateRules(RuleServer s, const ServerPaths& paths, const std::vector<RuleShape>& shapes,
                 const std::vector<bool>& held);

}  // namespace nocontact::config
