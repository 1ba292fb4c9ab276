// SPDX-License-Identifier: GPL-3.0-or-later
// The rule lists of an app profile: sender, kinds, identifiers, and their patterns.
#include <algorithm>
#include <array>
#include <cctype>

#include "base/i18n.hpp"
#include "config/profile_yaml.hpp"

namespace nocontact::config {
namespace {

using i18n::fill;
using i18n::tr;
using i18n::trn;
using policy::FieldRef;

// std::regex compiles recursively and unrolls counted repeats, so a pattern's size is its
// cost. Real sender patterns are a line long; these limits are far above them.
constexpr std::size_t kMaxPatternLength = 512;
constexpr long kMaxRepeat = 100;
constexpr long kMaxRepeatProduct = 1000;

constexpr std::array<std::pair<std::string_view, FieldRef::Field>, 7> kFields{{
    {"summary", FieldRef::Field::Summary},
    {"body", FieldRef::Field::Body},
    {"id", FieldRef::Field::Id},
    {"app_name", FieldRef::Field::AppName},
    {"app_id", FieldRef::Field::AppId},
    {"desktop_entry", FieldRef::Field::DesktopEntry},
    {"interface", FieldRef::Field::Interface},
}};

constexpr std::array<std::pair<std::string_view, policy::Kind>, 5> kKinds{{
    {"message", policy::Kind::Message},
    {"group_message", policy::Kind::GroupMessage},
    {"call", policy::Kind::Call},
    {"missed_call", policy::Kind::MissedCall},
    {"other", policy::Kind::Other},
}};

// The largest counted repeat and the product of all of them. Counts inside [...] and escaped
// braces are literal.
std::pair<long, long> repeatCounts(std::string_view p) {
    long largest = 0, product = 1;
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;
        } else if (in_class) {
            in_class = p[i] != ']';
        } else if (p[i] == '[') {
            in_class = true;
        } else if (p[i] == '{') {
            long count = 0, biggest = 1;
            for (++i;
                 i < p.size() && (std::isdigit(static_cast<unsigned char>(p[i])) || p[i] == ',');
                 ++i) {
                count = p[i] == ',' ? 0 : std::min(count * 10 + (p[i] - '0'), 1'000'000L);
                biggest = std::max(biggest, count);
            }
            largest = std::max(largest, biggest);
            product = std::min(product * biggest, 1'000'000L);
        }
    }
    return {largest, product};
}

std::optional<policy::Kind> readKind(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    for (auto [name, kind] : kKinds) {
        if (name == *text) return kind;
    }
    rep.error(e.valuePos(), fill(tr("unknown kind {kind} (use message, group_message, call, "
                                    "missed_call or other)"),
                                 {{"kind", quote(*text)}}));
    return std::nullopt;
}

std::optional<FieldRef> readFieldEntry(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    return parseField(rep, *text, e.valuePos());
}

// `when:` / `unless:` — FIELD: pattern, every one of them must (or must not) be found.
void readConditions(Reporter& rep, const Entry& e, bool negate,
                    std::vector<policy::Condition>& out) {
    auto map = readAnyMap(rep, e.value, e.valuePos(), quote(e.key));
    if (!map) return;
    for (const auto& c : map->all()) {
        auto field = parseField(rep, c.key, c.keyPos());
        auto text = readScalar(rep, c);
        if (!text) continue;
        auto pattern = compilePattern(rep, *text, c.valuePos());
        if (field && pattern) out.push_back({*field, *text, std::move(*pattern), negate});
    }
}

void readWhenUnless(Reporter& rep, const Fields& f, std::vector<policy::Condition>& out) {
    if (auto* e = f.get("when")) readConditions(rep, *e, false, out);
    if (auto* e = f.get("unless")) readConditions(rep, *e, true, out);
}

// Checks a capture group number against the pattern; `given` is the entry that set it and
// `key` its name.
void groupFits(Reporter& rep, int group, const std::optional<std::regex>& pattern,
               const Entry* given, Pos pattern_pos, std::string_view key) {
    const auto marks = pattern ? static_cast<unsigned long>(pattern->mark_count()) : 0UL;
    if (group <= static_cast<long>(marks)) return;
    const Pos at = given ? given->valuePos() : pattern_pos;
    const std::string number = std::to_string(group), count = std::to_string(marks);
    if (marks == 0) {
        rep.error(at, fill(tr("{key} is {group} but the pattern has no capture groups; put the "
                              "part you want in ( )"),
                           {{"key", key}, {"group", number}}));
        return;
    }
    rep.error(at, fill(trn("{key} is {group} but the pattern has only {n} capture group; put "
                           "the part you want in ( )",
                           "{key} is {group} but the pattern has only {n} capture groups; put "
                           "the part you want in ( )",
                           marks),
                       {{"key", key}, {"group", number}, {"n", count}}));
}

// `from` and `pattern`: where the sender is. Returns where the pattern was given.
Pos readSenderSource(Reporter& rep, const Fields& f, Pos at, policy::SenderRule& rule) {
    if (auto* e = f.get("from")) {
        rule.from = readFieldEntry(rep, *e).value_or(rule.from);
    } else {
        rep.error(at, tr("this sender rule has no 'from' (the field that names the sender)"));
    }
    const Entry* e = f.get("pattern");
    if (!e) return at;
    if (auto text = readScalar(rep, *e)) {
        rule.pattern = compilePattern(rep, *text, e->valuePos());
        rule.pattern_text = *text;
    }
    return e->valuePos();
}

// `sender_group`, `chat_group` and `chat`, checked against the pattern's capture groups.
void readSenderGroups(Reporter& rep, const Fields& f, Pos pattern_pos, policy::SenderRule& rule) {
    const Entry* sender_group = f.get("sender_group");
    const Entry* chat_group = f.get("chat_group");
    if (sender_group) rule.sender_group = readInt(rep, *sender_group, 0, 99).value_or(0);
    if (chat_group) rule.chat_group = readInt(rep, *chat_group, 1, 99).value_or(0);
    if (rule.pattern) {
        groupFits(rep, rule.sender_group, rule.pattern, sender_group, pattern_pos,
                  "'sender_group'");
        groupFits(rep, rule.chat_group, rule.pattern, chat_group, pattern_pos, "'chat_group'");
    } else if (rule.pattern_text.empty() && (sender_group || chat_group)) {
        const Entry* e = sender_group ? sender_group : chat_group;
        rep.error(e->keyPos(), fill(tr("{key} needs a 'pattern' to take the group from"),
                                    {{"key", quote(e->key)}}));
    }
    if (auto* e = f.get("chat")) {
        rule.chat_field = readFieldEntry(rep, *e);
        if (chat_group) rep.error(e->keyPos(), tr("give either 'chat' or 'chat_group', not both"));
    }
}

// A rule with errors is still returned: the errors alone keep the file from being used.
std::optional<policy::SenderRule> readSenderRule(Reporter& rep, const YamlNode& node) {
    const Pos at = posOf(node);
    auto f = readMap(
        rep, node, at, tr("a sender rule"),
        {"when", "unless", "from", "pattern", "sender_group", "chat_group", "chat", "kind"});
    if (!f) return std::nullopt;
    policy::SenderRule rule;
    readWhenUnless(rep, *f, rule.when);
    const Pos pattern_pos = readSenderSource(rep, *f, at, rule);
    readSenderGroups(rep, *f, pattern_pos, rule);
    if (auto* e = f->get("kind")) rule.kind = readKind(rep, *e);
    return rule;
}

std::optional<policy::KindRule> readKindRule(Reporter& rep, const YamlNode& node) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, tr("a kind rule"), {"when", "unless", "kind"});
    if (!f) return std::nullopt;
    policy::KindRule rule;
    readWhenUnless(rep, *f, rule.when);
    const Entry* kind = f->get("kind");
    if (!kind) {
        rep.error(at, tr("this kind rule has no 'kind'"));
        return std::nullopt;
    }
    auto k = readKind(rep, *kind);
    if (!k) return std::nullopt;
    rule.kind = *k;
    return rule;
}

std::optional<policy::Identifier::Type> readIdType(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    if (*text == "phone") return policy::Identifier::Type::Phone;
    if (*text == "email") return policy::Identifier::Type::Email;
    if (*text == "handle") return policy::Identifier::Type::Handle;
    rep.error(e.valuePos(), fill(tr("unknown identifier type {type} (use phone, email or handle)"),
                                 {{"type", quote(*text)}}));
    return std::nullopt;
}

std::optional<policy::IdentifierRule> readIdentifierRule(Reporter& rep, const YamlNode& node) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, tr("an identifier rule"), {"from", "pattern", "type"});
    if (!f) return std::nullopt;
    policy::IdentifierRule rule;
    const Entry* from = f->get("from");
    const Entry* pattern = f->get("pattern");
    if (!from || !pattern) {
        rep.error(at, tr("this identifier rule needs both 'from' and 'pattern'"));
        return std::nullopt;
    }
    auto field = readFieldEntry(rep, *from);
    auto text = readScalar(rep, *pattern);
    std::optional<std::regex> re;
    if (text) re = compilePattern(rep, *text, pattern->valuePos());
    bool ok = field && re;
    if (re && re->mark_count() == 0) {
        rep.error(pattern->valuePos(), tr("this pattern has no capture group; put the number, "
                                          "address or handle in ( )"));
        ok = false;
    }
    if (auto* e = f->get("type")) {
        auto type = readIdType(rep, *e);
        ok = ok && type;
        if (type) rule.type = *type;
    }
    if (!ok) return std::nullopt;
    rule.from = *field;
    rule.pattern_text = *text;
    rule.pattern = std::move(*re);
    return rule;
}

template <typename Rule, typename ReadOne>
std::vector<Rule> readRules(Reporter& rep, const Entry& e, ReadOne readOne) {
    std::vector<Rule> rules;
    auto nodes = readNodeList(rep, e);
    if (!nodes) return rules;
    for (const auto& node : *nodes) {
        if (rep.stopped()) break;
        if (auto rule = readOne(rep, node)) rules.push_back(std::move(*rule));
    }
    return rules;
}

}  // namespace

bool isServiceName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::optional<FieldRef> parseField(Reporter& rep, const std::string& text, Pos at) {
    for (auto [name, field] : kFields) {
        if (name == text) return FieldRef{field, {}};
    }
    if (text.rfind("hint:", 0) == 0 && text.size() > 5)
        return FieldRef{FieldRef::Field::Hint, text.substr(5)};
    if (auto near = closest(
            text, {"summary", "body", "id", "app_name", "app_id", "desktop_entry", "interface"})) {
        rep.error(at, fill(tr("unknown field {field} (did you mean {near}?)"),
                           {{"field", quote(text)}, {"near", quote(*near)}}));
    } else {
        rep.error(at, fill(tr("unknown field {field} (use summary, body, id, app_name, app_id, "
                              "desktop_entry, interface or hint:NAME)"),
                           {{"field", quote(text)}}));
    }
    return std::nullopt;
}

std::optional<std::regex> compilePattern(Reporter& rep, const std::string& text, Pos at) {
    if (!rep.spend(at, 50 + text.size())) return std::nullopt;
    if (text.size() > kMaxPatternLength) {
        rep.error(at, fill(tr("this pattern is {length} characters long; patterns can be at most "
                              "{limit}"),
                           {{"length", std::to_string(text.size())},
                            {"limit", std::to_string(kMaxPatternLength)}}));
        return std::nullopt;
    }
    const auto [largest, product] = repeatCounts(text);
    if (largest > kMaxRepeat || product > kMaxRepeatProduct) {
        // TRANSLATORS: "{n}" is how a count is written in a pattern, not a placeholder.
        rep.error(at, fill(tr("the pattern {pattern} repeats too much; counts like {n} can be at "
                              "most {limit}"),
                           {{"pattern", quote(text)}, {"limit", std::to_string(kMaxRepeat)}}));
        return std::nullopt;
    }
    try {
        return std::regex(text, std::regex::ECMAScript);
    } catch (const std::exception& e) {
        rep.error(at, fill(tr("invalid regular expression {pattern}: {why}"),
                           {{"pattern", quote(text)}, {"why", e.what()}}));
        return std::nullopt;
    }
}

std::vector<policy::SenderRule> readSenderRules(Reporter& rep, const Entry& e) {
    if (e.value.isScalar()) {
        auto field = parseField(rep, e.value.scalar(), e.valuePos());
        if (!field) return {};
        policy::SenderRule rule;
        rule.from = *field;
        return {rule};
    }
    return readRules<policy::SenderRule>(rep, e, readSenderRule);
}

std::vector<policy::KindRule> readKindRules(Reporter& rep, const Entry& e) {
    return readRules<policy::KindRule>(rep, e, readKindRule);
}

std::vector<policy::IdentifierRule> readIdentifierRules(Reporter& rep, const Entry& e) {
    return readRules<policy::IdentifierRule>(rep, e, readIdentifierRule);
}

}  // namespace nocontact::config
