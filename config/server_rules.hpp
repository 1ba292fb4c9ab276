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
// a message the rules hid from a contact no longer held), while rules are in force: U+2060 WORD
// JOINER, invisible. Rules match the app's name exactly, so they never hide what the person
// chose to see; such a message is also shown without its desktop-entry hint.
inline constexpr const char* kRepostMark = "\u2060";

// The app name nocontactd's own notifications (the pause, its placeholder, the nudge) carry.
// The servers' rules keep them out of history: a pause holds the person's private reasons.
inline constexpr const char* kOwnAppName = "nocontact";

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
    std::string text;   // the literal text: the name, with the profile's literal around it
    bool whole = true;  // the field is exactly `text`; otherwise it starts with `text`
};

// Every shape of every contact's names in every profile that can be said as a rule. Profiles
// whose sender patterns are not a literal prefix + (.+) + a literal suffix give none, and
// neither do names a server rule cannot carry safely (control characters, newlines).
std::vector<RuleShape> ruleShapes(const policy::Policy& policy, const policy::Profiles& profiles);

// Whether the rules for the contacts marked in `held` (indexed like Policy::contacts) hide
// `n`: exactly what the rendered rules make the server do. Only FDO Notify calls reach a
// server's rules; the comparison is byte for byte, case-sensitive, on the raw text (markup
// included), as the servers do it. The three-argument form is dunst's and mako's; swaync 0.7
// cannot match a desktop entry, so its rules leave those shapes out (see shapeRenders).
bool rulesHide(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
               const policy::Notification& n);
bool rulesHide(RuleServer server, const std::vector<RuleShape>& shapes,
               const std::vector<bool>& held, const policy::Notification& n);
// Whether `server`'s rules can say this shape (swaync 0.7: app names only).
bool shapeRenders(RuleServer server, const RuleShape& shape);

// How dunst reads a rule's strings: fnmatch globs unless its configuration says
// `enable_regex = true` (then POSIX extended regexes, unanchored).
struct DunstSyntax {
    bool regex = false;
};

// Reads `enable_regex` from dunst configuration text (the last value in [global] wins).
DunstSyntax dunstSyntaxOf(const std::string& ini_text);

// The strings the renderers put in a rule for `text` (exported for the consistency tests).
// dunst: a glob, or an anchored POSIX ERE using GNU's \` and \' (dunst compiles with
// REG_NEWLINE, where ^ and $ would also match at every line). mako: a POSIX ERE for prefixes
// (mako compiles without REG_NEWLINE). swaync: a PCRE anchored with \A and \z.
std::string dunstPattern(const std::string& text, bool whole, DunstSyntax syntax);
std::string makoPrefixRegex(const std::string& text);
std::string swayncPattern(const std::string& text, bool whole);

// The name of the dunst rule section of a shape ("nocontact-" and a hash of what it says), for
// RuleEnable: the same rule keeps its name whatever else the policy says.
std::string dunstRuleName(const RuleShape& shape);

// The category dunst's rules give a message they hold, so that one found in dunst's history
// is known for one of them (not a message shown, or withdrawn after it was drawn).
inline constexpr const char* kDunstHeldCategory = "nocontact-held";

// The drop-in's section for nocontact's own notifications: always on, whoever is held.
inline constexpr const char* kDunstOwnRule = "nocontact-own";

// A whole dunst drop-in file (dunstrc.d/90-nocontact.conf): first a section that keeps
// nocontact's own notifications out of dunst's history (`history_ignore`, which dunst 1.9-1.12
// takes only from a rule: the "transient" hint does not do it there), then one section per shape,
// `skip_display = true`, `set_category = nocontact-held`, `enabled` as `held` says for its
// contact. Held messages stay in
// dunst's history (so that one arriving while nocontactd is not running can be recovered
// from it); nocontactd removes them from there once kept, where dunst allows it.
std::string renderDunst(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
                        DunstSyntax syntax);

// The block nocontact owns in mako's configuration, without the kMarkBegin and kMarkEnd lines
// (spliceMarked adds them): one criteria section per held shape, `invisible=1`, `history=0`,
// no timeout; and always one with `history=0` for nocontact's own notifications. mako 1.7 has no
// include= and no per-rule switch: only held shapes are written.
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

// `file` with nocontact's marked block (the kMarkBegin line through the kMarkEnd line)
// replaced by kMarkBegin, `block` (whole lines) and kMarkEnd; appended when there is none.
// removeMarked(spliceMarked(f, b)) == f, byte for byte, for any f without a block (a file
// not ending in a newline gets one before the block, and loses it again with the block).
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
    // $XDG_STATE_HOME/nocontact/setup.json: what `nocontactctl setup` did, so that --undo
    // takes back exactly that. swaync's rules have no mark of their own once no one is held.
    std::string setup_record;
};
ServerPaths serverPaths();

// Whether `nocontactctl setup` has put nocontact's rules in place for this server (its file,
// or its marked block, exists; for swaync: config.json exists and setup.json names swaync):
// nocontactd keeps rules in step only where the person said yes.
bool rulesInstalled(RuleServer s, const ServerPaths& paths);

// Writes the server's rules for `held` (atomically, mode 0600; the names are private), only
// where rulesInstalled(). Returns true when a file changed (the server should re-read it).
// Throws std::runtime_error with a sentence a person can read when a file cannot be written
// or read (swaync's config.json no longer JSON).
bool updateRules(RuleServer s, const ServerPaths& paths, const std::vector<RuleShape>& shapes,
                 const std::vector<bool>& held);

// dunst's syntax as its files say: the base dunstrc, then every other drop-in, in dunst's order.
DunstSyntax dunstSyntax(const ServerPaths& paths);

// Writes `text` to `path` atomically (a temporary file beside it, then rename), mode 0600,
// creating missing directories with mode 0700. A symbolic link is followed, not replaced.
// Throws std::runtime_error with a sentence a person can read.
void writeFileAtomic(const std::string& path, const std::string& text);
// The whole file, or nullopt when it does not exist. Throws when it exists but cannot be read.
std::optional<std::string> readFileIfAny(const std::string& path);

}  // namespace nocontact::config
