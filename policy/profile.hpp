// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/event.hpp"
#include "policy/notification.hpp"

namespace nocontact::policy {

// App profiles say, per app and message shape, where the sender of a notification is
// (DESIGN.md §2 "Recognising the sender"). Built-in ones ship in config/apps.yaml; the policy
// may add or override them. Patterns are compiled once, when the profile is loaded.

// A field of a notification: summary, body, id, app_name, app_id, desktop_entry, interface,
// or hint:NAME.
struct FieldRef {
    enum class Field { Summary, Body, Id, AppName, AppId, DesktopEntry, Interface, Hint };
    Field field = Field::Summary;
    std::string hint;  // for Field::Hint
};

// A precondition: `field` must contain a match of `pattern` (or must not, when negated).
struct Condition {
    FieldRef field;
    std::string pattern_text;
    std::regex pattern;
    bool negate = false;
};

// One way to find the sender. The first rule whose conditions hold and whose pattern matches
// wins. Without a pattern the whole field is the sender; with one, capture group 1 is.
struct SenderRule {
    std::vector<Condition> when;
    FieldRef from;
    std::string pattern_text;
    std::optional<std::regex> pattern;
    int sender_group = 1;
    // For group chats: capture group with the chat name, or a field that holds it.
    int chat_group = 0;
    std::optional<FieldRef> chat_field;
    std::optional<Kind> kind;  // the kind this shape implies (e.g. group_message, call)
};

// Kinds other than "message" recognised from the text ("Incoming voice call").
struct KindRule {
    std::vector<Condition> when;
    Kind kind = Kind::Message;
};

// Numbers and addresses carried outside the sender text (e.g. gtk id "missed-call-+1415…").
struct IdentifierRule {
    FieldRef from;
    std::string pattern_text;
    std::regex pattern;  // group 1 is the identifier
    Identifier::Type type = Identifier::Type::Phone;
};

struct AppProfile {
    std::string id;          // "signal"
    std::string name;        // "Signal", for people
    std::string service;     // handle namespace: "telegram", "matrix", "xmpp", "signal", ...
    bool messaging = false;  // opening it counts as reaching out

    // A notification belongs to the profile when any of these equals its field. A trailing
    // '*' makes a prefix ("org.telegram.desktop._*").
    std::vector<std::string> app_names;
    std::vector<std::string> desktop_entries;
    std::vector<std::string> app_ids;

    std::vector<SenderRule> rules;
    std::vector<KindRule> kinds;
    std::vector<IdentifierRule> identifiers;
    // Sender texts that mean the app hid the sender ("Signal", "Unknown contact").
    std::vector<std::string> hidden;
};

// Reads one field of a notification.
std::string_view fieldValue(const Notification& n, const FieldRef& f);

// The sender, chat, kind and identifiers one profile finds in a notification.
Event extractEvent(const AppProfile& profile, const Notification& n);

// All profiles, indexed by app name, desktop entry and app id. The policy's own profiles come
// first and replace built-in ones with the same id.
class Profiles {
  public:
    Profiles() = default;
    Profiles(std::vector<AppProfile> user, std::vector<AppProfile> builtin);

    // The profile for a notification, or nullptr when no profile claims it.
    const AppProfile* find(const Notification& n) const;
    const AppProfile* byId(std::string_view id) const;
    // The profile whose desktop entries name this desktop id (for reaching out).
    const AppProfile* byDesktopId(std::string_view desktop_id) const;
    const std::vector<AppProfile>& all() const { return profiles_; }

    // Reduces a notification to an event: the matching profile's reading, or, for apps without
    // a profile, the summary as the sender.
    Event toEvent(const Notification& n) const;

  private:
    const AppProfile* lookup(const std::unordered_map<std::string, std::size_t>& exact,
                             const std::vector<std::pair<std::string, std::size_t>>& prefixes,
                             std::string_view key) const;

    std::vector<AppProfile> profiles_;
    std::unordered_map<std::string, std::size_t> by_app_name_, by_desktop_entry_, by_app_id_,
        by_id_;
    std::vector<std::pair<std::string, std::size_t>> desktop_prefixes_, app_id_prefixes_,
        app_name_prefixes_;
};

}  // namespace nocontact::policy
