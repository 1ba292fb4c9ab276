// SPDX-License-Identifier: GPL-3.0-or-later
// The `contacts:` list: who, since when, how strict, and how to recognise them.
#include <set>
#include <unordered_map>

#include "base/i18n.hpp"
#include "config/policy_yaml.hpp"
#include "config/profile_yaml.hpp"
#include "policy/normalise.hpp"

namespace nocontact::config {

using i18n::fill;
using i18n::tr;

namespace {

// Who already claimed a name, number, address or handle: the contact and its line.
struct Owner {
    std::string contact;
    int line = 0;
};

// Everything the contacts read so far match on, to refuse ambiguous policies: a message from
// a number two contacts share could not be attributed.
struct Claims {
    std::unordered_map<std::string, Owner> names, phones, emails, handles, contacts;
};

std::size_t codePoints(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s)
        n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    return n;
}

struct ContactReader {
    Reporter& rep;
    const std::string& region;
    Claims& claims;
    policy::Contact& c;
    Owner self;
    std::size_t seen = 0;  // entries under `match:`, good or bad

    // Records `key` for this contact; reports it with `message` (translated, with {value},
    // {contact} and {line}) when another contact has it.
    bool claim(std::unordered_map<std::string, Owner>& table, const std::string& key,
               const Item& item, const char* message) {
        auto [it, fresh] = table.emplace(key, self);
        if (fresh) return true;
        if (it->second.line != self.line || it->second.contact != self.contact) {
            rep.error(item.pos, fill(message, {{"value", quote(item.text)},
                                               {"contact", quote(it->second.contact)},
                                               {"line", std::to_string(it->second.line)}}));
        }
        return false;
    }

    void names(const Entry& e) {
        for (auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
            ++seen;
            const std::string folded = policy::foldName(item.text);
            if (folded.empty()) {
                rep.error(item.pos, tr("an entry of 'names' is empty"));
                continue;
            }
            if (codePoints(folded) == 1) {
                rep.warning(item.pos,
                            fill(tr("the name {name} is a single letter; it may match more than "
                                    "you mean"),
                                 {{"name", quote(item.text)}}));
            }
            if (claim(claims.names, folded, item,
                      tr("the name {value} also belongs to contact {contact} (line {line}); "
                         "each can belong to one contact only")))
                c.names.push_back(item.text);
        }
    }

    void phones(const Entry& e) {
        for (auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
            ++seen;
            auto number = policy::readPolicyNumber(item.text, region);
            if (!number && !policy::phoneTrouble().empty()) {
                rep.error(item.pos, fill(tr("phone numbers cannot be read on this computer: {why}"),
                                         {{"why", policy::phoneTrouble()}}));
                continue;
            }
            if (!number) {
                rep.error(item.pos, fill(tr("cannot read {number} as a phone number (numbers "
                                            "without a country code are read in region {region})"),
                                         {{"number", quote(item.text)}, {"region", region}}));
                continue;
            }
            if (!number->valid) {
                rep.warning(item.pos, fill(tr("the number {number} looks possible but is not a "
                                              "number in use; please check the digits"),
                                           {{"number", quote(item.text)}}));
            }
            if (claim(claims.phones, number->e164, item,
                      tr("the number {value} also belongs to contact {contact} (line {line}); "
                         "each can belong to one contact only")))
                c.phones.push_back(number->e164);
        }
    }

    static bool isEmail(std::string_view s) {
        const auto at = s.find('@');
        if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != s.npos) return false;
        const auto domain = s.substr(at + 1);
        const auto dot = domain.find('.');
        return dot != 0 && dot != domain.npos && domain.back() != '.' &&
               s.find_first_of(" \t,;<>()[]\\\"") == s.npos;
    }

    void emails(const Entry& e) {
        for (auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
            ++seen;
            if (!isEmail(item.text)) {
                rep.error(item.pos,
                          fill(tr("{address} is not an e-mail address (like name@example.com)"),
                               {{"address", quote(item.text)}}));
                continue;
            }
            const std::string address = policy::lowerAscii(item.text);
            if (claim(claims.emails, address, item,
                      tr("the address {value} also belongs to contact {contact} (line {line}); "
                         "each can belong to one contact only")))
                c.emails.push_back(address);
        }
    }

    void handles(const Entry& e) {
        auto services = readAnyMap(rep, e.value, e.valuePos(), "'handles'");
        if (!services) return;
        for (const auto& s : services->all()) {
            if (!isServiceName(s.key)) {
                rep.error(s.keyPos(), fill(tr("the service {service} must use lower-case "
                                              "letters, digits, '_' or '-'"),
                                           {{"service", quote(s.key)}}));
                continue;
            }
            for (auto& item : readList(rep, s).value_or(std::vector<Item>{})) {
                ++seen;
                const std::string handle = policy::lowerAscii(item.text);
                if (handle.empty()) {
                    rep.error(item.pos,
                              fill(tr("an entry of {key} is empty"), {{"key", quote(s.key)}}));
                } else if (claim(claims.handles, s.key + '\n' + handle, item,
                                 tr("the handle {value} also belongs to contact {contact} (line "
                                    "{line}); each can belong to one contact only"))) {
                    c.handles[s.key].push_back(handle);
                }
            }
        }
    }

    void match(const Entry& e) {
        auto f = readMap(rep, e.value, e.valuePos(),
                         fill(tr("'match' of contact {contact}"), {{"contact", quote(c.name)}}),
                         {"names", "phones", "emails", "handles"});
        if (!f) return;
        // A value of the wrong type is reported on its own; do not call the match empty too.
        for (const auto& x : f->all()) {
            seen += !x.value.isSequence() && !(x.key == "handles" && x.value.isMap());
        }
        if (auto* x = f->get("names")) names(*x);
        if (auto* x = f->get("phones")) phones(*x);
        if (auto* x = f->get("emails")) emails(*x);
        if (auto* x = f->get("handles")) handles(*x);
        if (seen == 0 && !rep.stopped()) emptyMatch(e.valuePos());
    }

    void emptyMatch(Pos at) {
        rep.error(at, fill(tr("contact {contact} has nothing to match: give at least one of "
                              "names, phones, emails or handles"),
                           {{"contact", quote(c.name)}}));
    }
};

bool readName(Reporter& rep, const Fields& f, Pos at, Claims& claims, policy::Contact& c) {
    const Entry* e = f.get("name");
    if (e) c.name = readScalar(rep, *e).value_or("");
    if (c.name.empty() || policy::foldName(c.name).empty()) {
        if (!e || e->value.isScalar())
            rep.error(e ? e->valuePos() : at, tr("this contact has no name"));
        return false;
    }
    auto [it, fresh] = claims.contacts.emplace(policy::foldName(c.name), Owner{c.name, at.line});
    if (!fresh) {
        rep.error(e->valuePos(),
                  fill(tr("there is already a contact named {contact} (line {line})"),
                       {{"contact", quote(it->second.contact)},
                        {"line", std::to_string(it->second.line)}}));
    }
    return true;
}

// The words of `groups:` are the policy's own, so they are not translated.
std::string groupsMessage() {
    return fill(tr("{key} must be {first} or {second}, got {got}"),
                {{"first", "hold"}, {"second", "show"}});
}

void readSettings(Reporter& rep, const Fields& f, policy::Contact& c) {
    if (auto* e = f.get("since")) {
        auto text = readScalar(rep, *e);
        if (text && !(c.since = policy::parseDate(*text))) {
            rep.error(e->valuePos(), fill(tr("'since' must be a date like 2024-12-10, got {got}"),
                                          {{"got", quote(*text)}}));
        }
    }
    if (auto* e = f.get("strictness")) c.strictness = readLevel(rep, *e);
    if (auto* e = f.get("reasons")) {
        for (auto& item : readList(rep, *e).value_or(std::vector<Item>{})) {
            if (!item.text.empty()) c.reasons.push_back(std::move(item.text));
        }
    }
    if (auto* e = f.get("groups")) {
        c.groups = static_cast<policy::GroupRule>(
            readChoice(rep, *e, {"hold", "show"}, groupsMessage()).value_or(0));
    }
    if (auto* e = f.get("calls")) {
        c.calls = static_cast<policy::CallRule>(
            readChoice(rep, *e, {"auto", "ring", "silence", "reject"},
                       tr("{key} must be auto, ring, silence or reject, got {got}"))
                .value_or(0));
    }
    if (auto* e = f.get("repeat_calls_break_through")) {
        c.repeat_calls_break_through = readBool(rep, *e).value_or(false);
    }
}

std::optional<policy::Contact> readContact(Reporter& rep, const YamlNode& node,
                                           const std::string& region, Claims& claims) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, tr("a contact"),
                     {"name", "since", "strictness", "reasons", "match", "groups", "calls",
                      "repeat_calls_break_through"});
    if (!f) return std::nullopt;
    policy::Contact c;
    const bool named = readName(rep, *f, at, claims, c);
    readSettings(rep, *f, c);
    ContactReader reader{rep, region, claims, c, {c.name, at.line}};
    if (auto* e = f->get("match")) {
        reader.match(*e);
    } else if (named) {
        reader.emptyMatch(at);
    }
    if (named && c.reasons.empty()) {
        rep.warning(at, fill(tr("contact {contact} has no reasons; the pause will show only the "
                                "day count"),
                             {{"contact", quote(c.name)}}));
    }
    return c;
}

// The `match: phones:` texts of `contacts`, found without judging the shape (the readers do
// that), so the numbers can be read ahead together. At most as many as can be remembered: a
// file that repeats a long list through aliases is left to the readers' work budget.
std::vector<std::string_view> phoneTexts(const YamlNode& contacts) {
    constexpr std::size_t kAheadLimit = policy::kRememberedNumbers;
    std::vector<std::string_view> texts;
    auto valueOf = [](const YamlNode& map, std::string_view key) {
        for (const auto& [k, v] : map.entries()) {
            if (k.scalar() == key) return v;
        }
        return YamlNode();
    };
    for (const YamlNode& contact : contacts.items()) {
        const YamlNode phones = valueOf(valueOf(contact, "match"), "phones");
        if (phones.isScalar()) texts.push_back(phones.scalar());
        for (const YamlNode& phone : phones.items())
            texts.push_back(phone.scalar());
        if (texts.size() > kAheadLimit) return {};
    }
    return texts;
}

}  // namespace

std::vector<policy::Contact> readContacts(Reporter& rep, const Entry& e,
                                          const std::string& region) {
    std::vector<policy::Contact> contacts;
    Claims claims;
    // Parsing numbers is most of the work of reading a large policy: do it ahead, in parallel.
    policy::rememberPolicyNumbers(phoneTexts(e.value), region);
    for (const auto& node : readNodeList(rep, e).value_or(std::vector<YamlNode>{})) {
        if (rep.stopped()) break;
        if (auto c = readContact(rep, node, region, claims)) contacts.push_back(std::move(*c));
    }
    return contacts;
}

}  // namespace nocontact::config
