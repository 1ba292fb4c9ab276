// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/matcher.hpp"

#include "policy/normalise.hpp"

namespace nocontact::policy {
namespace {

// Handles are compared without their leading '@' ("@alexm" = "alexm") and only within their
// service: "@alex" on Telegram is not "@alex" on Matrix.
std::string handleKey(std::string_view service, std::string_view handle) {
    if (!handle.empty() && handle.front() == '@') handle.remove_prefix(1);
    std::string key = lowerAscii(service);
    key += '\n';
    key += lowerAscii(handle);
    return key;
}

bool looksLikeEmail(std::string_view s) {
    std::size_t at = s.find('@');
    return at != std::string_view::npos && at > 0 && s.find(' ') == std::string_view::npos;
}

std::optional<std::size_t> find(const std::unordered_map<std::string, std::size_t>& index,
                                const std::string& key) {
    auto it = index.find(key);
    if (it == index.end()) return std::nullopt;
    return it->second;
}

}  // namespace

Matcher::Matcher(const Policy& policy) : region_(policy.defaults.region) {
    // emplace keeps the first contact that claims a key: the order of the file decides.
    for (std::size_t i = 0; i < policy.contacts.size(); ++i) {
        const Contact& c = policy.contacts[i];
        contact_names_.emplace(foldName(c.name), i);
        for (const std::string& name : c.names)
            names_.emplace(foldName(name), i);
        for (const std::string& phone : c.phones) {
            // The loader stores E.164; re-reading keeps hand-made policies (tests) working.
            if (isPlainE164(phone)) {
                phones_.emplace(phone, i);
            } else {
                phones_.emplace(toE164(phone, region_).value_or(phone), i);
            }
        }
        for (const std::string& email : c.emails)
            emails_.emplace(lowerAscii(email), i);
        for (const auto& [service, handles] : c.handles) {
            for (const std::string& h : handles)
                handles_.emplace(handleKey(service, h), i);
        }
    }
}

std::optional<Match> Matcher::match(const Event& event) const {
    if (auto m = matchSender(event)) return m;
    // Identifiers by kind, strongest first: numbers, then addresses, then handles.
    for (auto type : {Identifier::Type::Phone, Identifier::Type::Email, Identifier::Type::Handle}) {
        for (const Identifier& id : event.identifiers) {
            if (id.type != type) continue;
            if (auto m = matchIdentifier(id, event.service)) return m;
        }
    }
    return std::nullopt;
}

std::optional<Match> Matcher::matchSender(const Event& event) const {
    const std::string& s = event.sender;
    if (s.empty()) return std::nullopt;
    if (auto i = find(names_, foldName(s))) return Match{*i, Match::By::Name, s, {}};
    if (s.front() == '@') return matchIdentifier({Identifier::Type::Handle, s, {}}, event.service);
    if (looksLikePhoneNumber(s)) return matchIdentifier({Identifier::Type::Phone, s, {}}, {});
    if (looksLikeEmail(s)) return matchIdentifier({Identifier::Type::Email, s, {}}, {});
    return std::nullopt;
}

std::optional<Match> Matcher::matchIdentifier(const Identifier& id,
                                              const std::string& service) const {
    switch (id.type) {
        case Identifier::Type::Phone: {
            // libphonenumber is the slow part: ask it only about texts shaped like a number,
            // and only when some contact has a number.
            if (phones_.empty() || !looksLikePhoneNumber(id.value)) return std::nullopt;
            auto e164 = toE164(id.value, region_);
            if (!e164) return std::nullopt;
            if (auto i = find(phones_, *e164)) return Match{*i, Match::By::Number, *e164, {}};
            return std::nullopt;
        }
        case Identifier::Type::Email: {
            std::string email = lowerAscii(id.value);
            if (auto i = find(emails_, email)) return Match{*i, Match::By::Email, email, {}};
            return std::nullopt;
        }
        case Identifier::Type::Handle: {
            const std::string& svc = id.service.empty() ? service : id.service;
            if (auto i = find(handles_, handleKey(svc, id.value))) {
                return Match{*i, Match::By::Handle, id.value, svc};
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string recognisedBy(const Match& m, const Words& words) {
    switch (m.by) {
        case Match::By::Name:
            return fillIn(words.tr("Recognised by name '{name}'."), {{"name", m.value}});
        case Match::By::Number:
            return fillIn(words.tr("Recognised by number {number}."), {{"number", m.value}});
        case Match::By::Email:
            return fillIn(words.tr("Recognised by e-mail {address}."), {{"address", m.value}});
        case Match::By::Handle:
            // TRANSLATORS: {service} is the app's short name, as in "telegram handle @alex".
            return fillIn(words.tr("Recognised by {service} handle {handle}."),
                          {{"service", m.service}, {"handle", m.value}});
    }
    return {};
}

std::optional<std::size_t> Matcher::byContactName(std::string_view name) const {
    return find(contact_names_, foldName(name));
}

}  // namespace nocontact::policy
