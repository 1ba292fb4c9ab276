// SPDX-License-Identifier: GPL-3.0-or-later
// The `contacts:` list: who, since when, how strict, and how to recognise them.
#include <set>
#include <unordered_map>

#include "config/policy_yaml.hpp"
#include "config/profile_yaml.hpp"
#include "policy/normalise.hpp"

namespace nocontact::config {
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

    // Records `key` for this contact; reports it when another contact has it.
    bool claim(std::unordered_map<std::string, Owner>& table, const std::string& key,
               const Item& item, const std::string& what) {
        auto [it, fresh] = table.emplace(key, self);
        if (fresh) return true;
        if (it->second.line != self.line || it->second.contact != self.contact) {
            rep.error(item.pos, what + " " + quote(item.text) + " also belongs to contact " +
                                    quote(it->second.contact) + " (line " +
                                    std::to_string(it->second.line) +
                                    "); each can belong to one contact only");
        }
        return false;
    }

    void names(const Entry& e) {
        for (auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
            ++seen;
            const std::string folded = policy::foldName(item.text);
            if (folded.empty()) {
                rep.error(item.pos, "an entry of 'names' is empty");
                continue;
            }
            if (codePoints(folded) == 1) {
                rep.warning(item.pos, "the name " + quote(item.text) +
                                          " is a single letter; it may match more than you mean");
            }
            if (claim(claims.names, folded, item, "the name")) c.names.push_back(item.text);
        }
    }

    void phones(const Entry& e) {
        for (auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
            ++seen;
            auto number = policy::readPolicyNumber(item.text, region);
            if (!number) {
                rep.error(item.pos, "cannot read " + quote(item.text) +
                                        " as a phone number (numbers without a country code "
                                        "are read in region " +
                                        region + ")");
                continue;
            }
            if (!number->valid) {
                rep.warning(item.pos, "the number " + quote(item.text) +
                                          " looks possible but is not a number in use; "
                                          "please check the digits");
            }
            if (claim(claims.phones, number->e164, item, "the number"))
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
                rep.error(item.pos, quote(item.text) +
                                        " is not an e-mail address "
                                        "(like name@example.com)");
                continue;
            }
            const std::string address = policy::lowerAscii(item.text);
            if (claim(claims.emails, address, item, "the address")) c.emails.push_back(address);
        }
    }

    void handles(const Entry& e) {
        auto services = readAnyMap(rep, e.value, e.valuePos(), "'handles'");
        if (!services) return;
        for (const auto& s : services->all()) {
            if (!isServiceName(s.key)) {
                rep.error(s.keyPos(), "the service " + quote(s.key) +
                                          " must use lower-case letters, digits, '_' or '-'");
                continue;
            }
            for (auto& item : readList(rep, s).value_or(std::vector<Item>{})) {
                ++seen;
                const std::string handle = policy::lowerAscii(item.text);
                if (handle.empty()) {
                    rep.error(item.pos, "an entry of " + quote(s.key) + " is empty");
                } else if (claim(claims.handles, s.key + '\n' + handle, item, "the handle")) {
                    c.handles[s.key].push_back(handle);
                }
            }
        }
    }

    void match(const Entry& e) {
        auto f = readMap(rep, e.value, e.valuePos(), "'match' of contact " + quote(c.name),
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
        rep.error(at, "contact " + quote(c.name) +
                          " has nothing to match: give at least one "
                          "of names, phones, emails or handles");
    }
};

bool readName(Reporter& rep, const Fields& f, Pos at, Claims& claims, policy::Contact& c) {
    const Entry* e = f.get("name");
    if (e) c.name = readScalar(rep, *e).value_or("");
    if (c.name.empty() || policy::foldName(c.name).empty()) {
        if (!e || e->value.isScalar())
            rep.error(e ? e->valuePos() : at, "this contact has no name");
        return false;
    }
    auto [it, fresh] = claims.contacts.emplace(policy::foldName(c.name), Owner{c.name, at.line});
    if (!fresh) {
        rep.error(e->valuePos(), "there is already a contact named " + quote(it->second.contact) +
                                     " (line " + std::to_string(it->second.line) + ")");
    }
    return true;
}

void readSettings(Reporter& rep, const Fields& f, policy::Contact& c) {
    if (auto* e = f.get("since")) {
        auto text = readScalar(rep, *e);
        if (text && !(c.since = policy::parseDate(*text))) {
            rep.error(e->valuePos(), "'since' must be a date like 2024-12-10, got " + quote(*text));
        }
    }
    if (auto* e = f.get("strictness")) c.strictness = readLevel(rep, *e);
    if (auto* e = f.get("reasons")) {
        for (auto& item : readList(rep, *e).value_or(std::vector<Item>{})) {
            if (!item.text.empty()) c.reasons.push_back(std::move(item.text));
        }
    }
    if (auto* e = f.get("groups")) {
        c.groups =
            static_cast<policy::GroupRule>(readChoice(rep, *e, {"hold", "show"}).value_or(0));
    }
    if (auto* e = f.get("calls")) {
        c.calls = static_cast<policy::CallRule>(
            readChoice(rep, *e, {"auto", "ring", "silence", "reject"}).value_or(0));
    }
    if (auto* e = f.get("repeat_calls_break_through")) {
        c.repeat_calls_break_through = readBool(rep, *e).value_or(false);
    }
}

std::optional<policy::Contact> readContact(Reporter& rep, const YamlNode& node,
                                           const std::string& region, Claims& claims) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, "a contact",
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
        rep.warning(at, "contact " + quote(c.name) +
                            " has no reasons; the pause will show only the day count");
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
