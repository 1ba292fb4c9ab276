// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/profile.hpp"

#include <unordered_set>

#include "policy/normalise.hpp"

namespace nocontact::policy {
namespace {

using SvMatch = std::match_results<std::string_view::const_iterator>;

// libstdc++'s std::regex backtracks recursively, so a huge field could exhaust the stack.
// Senders sit at the start of a field (or make up a short summary): 4 KiB is plenty.
constexpr std::size_t kMaxMatchBytes = 4096;

std::string_view capped(std::string_view text) {
    return text.substr(0, kMaxMatchBytes);
}

bool search(std::string_view text, const std::regex& re, SvMatch& m) {
    text = capped(text);
    return std::regex_search(text.begin(), text.end(), m, re);
}

bool conditionsHold(const std::vector<Condition>& conditions, const Notification& n) {
    for (const Condition& c : conditions) {
        std::string_view text = capped(fieldValue(n, c.field));
        bool found = std::regex_search(text.begin(), text.end(), c.pattern);
        if (found == c.negate) return false;
    }
    return true;
}

std::string group(const SvMatch& m, int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= m.size() || !m[index].matched) return {};
    return m[index].str();
}

struct Found {
    std::string sender;
    std::string chat;
    const SenderRule* rule = nullptr;
};

// The first rule whose conditions hold and whose pattern matches gives the sender.
Found applyRules(const AppProfile& profile, const Notification& n) {
    for (const SenderRule& rule : profile.rules) {
        if (!conditionsHold(rule.when, n)) continue;
        std::string_view text = fieldValue(n, rule.from);
        Found f{{}, {}, &rule};
        SvMatch m;
        if (rule.pattern) {
            if (!search(text, *rule.pattern, m)) continue;
            f.sender = group(m, rule.sender_group);
            if (rule.chat_group > 0) f.chat = group(m, rule.chat_group);
        } else {
            f.sender = capped(text);
        }
        if (f.chat.empty() && rule.chat_field) f.chat = fieldValue(n, *rule.chat_field);
        return f;
    }
    return {};
}

Kind kindOf(const AppProfile& profile, const Notification& n, const Found& f) {
    Kind kind = Kind::Message;
    if (f.rule && f.rule->kind) {
        kind = *f.rule->kind;
    } else if (!f.chat.empty()) {
        kind = Kind::GroupMessage;
    }
    for (const KindRule& k : profile.kinds) {
        if (conditionsHold(k.when, n)) return k.kind;
    }
    return kind;
}

void appendUtf8(std::string& out, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Decodes the entity starting at text[i] == '&'; returns how many bytes it used (0: none).
std::size_t decodeEntity(std::string_view text, std::size_t i, std::string& out) {
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string_view rest = text.substr(i);
    for (const auto& [name, c] : kNamed) {
        if (rest.starts_with(name)) {
            out += c;
            return name.size();
        }
    }
    std::size_t semi = rest.find(';');
    if (!rest.starts_with("&#") || semi == std::string_view::npos || semi < 3 || semi > 10) {
        return 0;
    }
    bool hex = rest[2] == 'x' || rest[2] == 'X';
    std::string digits(rest.substr(hex ? 3 : 2, semi - (hex ? 3 : 2)));
    if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") !=
                              std::string::npos) {
        return 0;
    }
    appendUtf8(out, std::stoul(digits, nullptr, hex ? 16 : 10));
    return semi + 1;
}

// A '<' starts a tag only when a letter or '/' follows and a '>' closes it ("<3" stays).
std::size_t tagLength(std::string_view text, std::size_t i) {
    if (i + 1 >= text.size()) return 0;
    char next = text[i + 1];
    bool opens = next == '/' || (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
    std::size_t close = text.find('>', i);
    return opens && close != std::string_view::npos ? close - i + 1 : 0;
}

std::string trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    std::size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(kSpace) - b + 1));
}

// Markup removed, entities decoded, trimmed: the sender as a person reads it.
std::string cleanText(std::string_view text) {
    std::string noTags;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t tag = text[i] == '<' ? tagLength(text, i) : 0;
        if (tag == 0) noTags += text[i];
        i += tag == 0 ? 1 : tag;
    }
    std::string out;
    for (std::size_t i = 0; i < noTags.size();) {
        std::size_t used = noTags[i] == '&' ? decodeEntity(noTags, i, out) : 0;
        if (used == 0) out += noTags[i];
        i += used == 0 ? 1 : used;
    }
    return trim(out);
}

bool sameText(std::string_view a, std::string_view b) {
    return !a.empty() && !b.empty() && foldName(a) == foldName(b);
}

// The app shows its own name, or a placeholder, when it hides who wrote.
bool isHidden(const std::string& sender, const std::vector<std::string>& hidden,
              std::string_view profile_name, std::string_view app_name) {
    if (sameText(sender, profile_name) || sameText(sender, app_name)) return true;
    for (const std::string& h : hidden) {
        if (sameText(sender, h)) return true;
    }
    return false;
}

bool looksLikeEmail(std::string_view s) {
    std::size_t at = s.find('@');
    return at != std::string_view::npos && at > 0 &&
           s.find('@', at + 1) == std::string_view::npos &&
           s.find('.', at) != std::string_view::npos && s.find_first_of(" \t<>") == s.npos;
}

void addIdentifier(std::vector<Identifier>& ids, Identifier id) {
    for (const Identifier& have : ids) {
        if (have.type == id.type && have.value == id.value) return;
    }
    ids.push_back(std::move(id));
}

void senderIdentifiers(const Event& e, std::vector<Identifier>& ids) {
    if (e.sender.empty()) return;
    if (e.sender.front() == '@') {
        addIdentifier(ids, {Identifier::Type::Handle, e.sender, e.service});
    } else if (looksLikePhoneNumber(e.sender)) {
        addIdentifier(ids, {Identifier::Type::Phone, e.sender, {}});
    } else if (looksLikeEmail(e.sender)) {
        addIdentifier(ids, {Identifier::Type::Email, e.sender, {}});
    }
}

void ruleIdentifiers(const AppProfile& profile, const Notification& n,
                     std::vector<Identifier>& ids) {
    for (const IdentifierRule& rule : profile.identifiers) {
        SvMatch m;
        if (!search(fieldValue(n, rule.from), rule.pattern, m)) continue;
        std::string value = trim(group(m, 1));
        if (value.empty()) continue;
        std::string service = rule.type == Identifier::Type::Handle ? profile.service : "";
        addIdentifier(ids, {rule.type, std::move(value), std::move(service)});
    }
}

}  // namespace

std::string_view fieldValue(const Notification& n, const FieldRef& f) {
    switch (f.field) {
        case FieldRef::Field::Summary:
            return n.summary;
        case FieldRef::Field::Body:
            return n.body;
        case FieldRef::Field::Id:
            return n.id;
        case FieldRef::Field::AppName:
            return n.app_name;
        case FieldRef::Field::AppId:
            return n.app_id;
        case FieldRef::Field::DesktopEntry:
            return n.desktopEntry();
        case FieldRef::Field::Interface:
            return interfaceName(n.interface);
        case FieldRef::Field::Hint: {
            auto it = n.hints.find(f.hint);
            return it == n.hints.end() ? std::string_view() : std::string_view(it->second);
        }
    }
    return {};
}

Event extractEvent(const AppProfile& profile, const Notification& n) {
    Event e;
    e.source = Source::Notification;
    e.app = profile.id;
    e.service = profile.service;
    e.text = n.body;
    Found f = applyRules(profile, n);
    e.chat = cleanText(f.chat);
    // A chat named like the app, or like a placeholder, names no chat: the app hid where it was
    // written ("WhatsApp" over "Alex: hi"), so it is not known to be a group.
    if (isHidden(e.chat, profile.hidden, profile.name, n.app_name)) {
        e.chat.clear();
        f.chat.clear();
    }
    e.kind = kindOf(profile, n, f);
    e.sender = cleanText(f.sender);
    if (isHidden(e.sender, profile.hidden, profile.name, n.app_name)) e.sender.clear();
    senderIdentifiers(e, e.identifiers);
    ruleIdentifiers(profile, n, e.identifiers);
    return e;
}

Profiles::Profiles(std::vector<AppProfile> user, std::vector<AppProfile> builtin)
    : profiles_(std::move(user)) {
    std::unordered_set<std::string> user_ids;
    for (const AppProfile& p : profiles_)
        user_ids.insert(p.id);
    for (AppProfile& p : builtin) {
        if (!user_ids.contains(p.id)) profiles_.push_back(std::move(p));
    }
    auto index = [](const std::vector<std::string>& keys, std::size_t i, auto& exact,
                    auto& prefixes) {
        for (const std::string& k : keys) {
            if (!k.empty() && k.back() == '*') {
                prefixes.emplace_back(k.substr(0, k.size() - 1), i);
            } else {
                exact.emplace(k, i);  // the first (user) profile keeps a key
            }
        }
    };
    for (std::size_t i = 0; i < profiles_.size(); ++i) {
        const AppProfile& p = profiles_[i];
        by_id_.emplace(p.id, i);
        index(p.app_names, i, by_app_name_, app_name_prefixes_);
        index(p.desktop_entries, i, by_desktop_entry_, desktop_prefixes_);
        index(p.app_ids, i, by_app_id_, app_id_prefixes_);
    }
}

const AppProfile* Profiles::lookup(const std::unordered_map<std::string, std::size_t>& exact,
                                   const std::vector<std::pair<std::string, std::size_t>>& prefixes,
                                   std::string_view key) const {
    if (key.empty()) return nullptr;
    if (auto it = exact.find(std::string(key)); it != exact.end()) return &profiles_[it->second];
    for (const auto& [prefix, i] : prefixes) {
        if (key.starts_with(prefix)) return &profiles_[i];
    }
    return nullptr;
}

const AppProfile* Profiles::find(const Notification& n) const {
    if (auto p = lookup(by_desktop_entry_, desktop_prefixes_, n.desktopEntry())) return p;
    if (auto p = lookup(by_app_id_, app_id_prefixes_, n.app_id)) return p;
    return lookup(by_app_name_, app_name_prefixes_, n.app_name);
}

const AppProfile* Profiles::byId(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &profiles_[it->second];
}

const AppProfile* Profiles::byDesktopId(std::string_view desktop_id) const {
    if (auto p = lookup(by_desktop_entry_, desktop_prefixes_, desktop_id)) return p;
    if (auto p = lookup(by_app_id_, app_id_prefixes_, desktop_id)) return p;
    // "signal-desktop.desktop" names the entry "signal-desktop"; but "org.telegram.desktop" is
    // an id of its own, so the suffix is only dropped when the whole id found nothing.
    constexpr std::string_view kSuffix = ".desktop";
    if (!desktop_id.ends_with(kSuffix)) return nullptr;
    desktop_id.remove_suffix(kSuffix.size());
    if (auto p = lookup(by_desktop_entry_, desktop_prefixes_, desktop_id)) return p;
    return lookup(by_app_id_, app_id_prefixes_, desktop_id);
}

Event Profiles::toEvent(const Notification& n) const {
    if (const AppProfile* p = find(n)) return extractEvent(*p, n);
    // No profile: the summary is the best guess, as most apps put the sender there.
    static const AppProfile kUnknown = [] {
        AppProfile p;
        p.rules.push_back(SenderRule{});  // from: summary, whole field
        return p;
    }();
    Event e = extractEvent(kUnknown, n);
    e.kind = Kind::Message;
    return e;
}

}  // namespace nocontact::policy
