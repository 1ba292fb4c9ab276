// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "base/i18n.hpp"

namespace nocontact::config {

using i18n::fill;
using i18n::tr;

namespace {

// Keys and values longer than this are cut short in messages.
constexpr std::size_t kQuoteLimit = 60;

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string unknownKey(const std::string& key, const std::string& what,
                       std::initializer_list<std::string_view> known) {
    if (auto near = closest(key, known)) {
        return fill(tr("unknown key {key} in {what} (did you mean {near}?)"),
                    {{"key", quote(key)}, {"what", what}, {"near", quote(*near)}});
    }
    std::string list;
    for (auto k : known)
        list += (list.empty() ? "" : ", ") + std::string(k);
    return fill(tr("unknown key {key} in {what} (known keys: {keys})"),
                {{"key", quote(key)}, {"what", what}, {"keys", list}});
}

std::optional<Fields> readMapImpl(Reporter& rep, const YamlNode& node, Pos at,
                                  const std::string& what,
                                  const std::initializer_list<std::string_view>* known) {
    if (!node.isDefined() || node.isNull()) {
        rep.error(at, fill(tr("{what} has no value"), {{"what", what}}));
        return std::nullopt;
    }
    if (!node.isMap()) {
        rep.error(at, fill(tr("{what} must be a mapping of keys and values, got {got}"),
                           {{"what", what}, {"got", describe(node)}}));
        return std::nullopt;
    }
    Fields fields;
    std::map<std::string, int> first_line;
    for (const auto& [key_node, value] : node.entries()) {
        if (!rep.spend(at)) break;
        const Pos pos = posOf(key_node, at);
        if (!key_node.isScalar()) {
            rep.error(pos, fill(tr("a key in {what} must be a single word, got {got}"),
                                {{"what", what}, {"got", describe(key_node)}}));
            continue;
        }
        const std::string key = key_node.scalar();
        auto [seen, fresh] = first_line.emplace(key, pos.line);
        if (!fresh) {
            rep.error(pos, fill(tr("duplicate key {key} in {what} (first given on line {line})"),
                                {{"key", quote(key)},
                                 {"what", what},
                                 {"line", std::to_string(seen->second)}}));
        } else if (known && std::find(known->begin(), known->end(), key) == known->end()) {
            rep.error(pos, unknownKey(key, what, *known));
        } else {
            fields.add({key, key_node, value});
        }
    }
    return fields;
}

}  // namespace

Pos posOf(const YamlNode& node, Pos fallback) {
    return node.pos().value_or(fallback);
}

std::string describe(const YamlNode& node) {
    // TRANSLATORS: what a value in the policy is, as in "'pause' must be a single value, got a
    // list"; each of these stands where a quoted value ('abc') can stand too.
    if (!node.isDefined() || node.isNull()) return tr("nothing");
    if (node.isSequence()) return tr("a list");
    if (node.isMap()) return tr("a mapping");
    return quote(node.scalar());
}

std::string quote(std::string_view text) {
    std::size_t cut = text.size();
    if (cut > kQuoteLimit) {
        cut = kQuoteLimit;
        // Do not cut a UTF-8 sequence in half.
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;
    }
    // Appended piece by piece: gcc 12 at -O3 warns (falsely, -Wrestrict) about "'" + string.
    std::string out;
    out.reserve(cut + 5);
    out.append(1, '\'').append(text.substr(0, cut));
    if (cut < text.size()) out.append("...");
    out.append(1, '\'');
    return out;
}

std::optional<std::string_view> closest(std::string_view word,
                                        std::initializer_list<std::string_view> known) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 0;
    for (auto k : known) {
        const std::size_t d = editDistance(word.substr(0, 64), k);
        if (!best || d < best_distance) {
            best = k;
            best_distance = d;
        }
    }
    // A typo changes a letter or two; anything further is a different word.
    if (!best || best_distance > std::max<std::size_t>(2, best->size() / 3)) return std::nullopt;
    return best;
}

const Entry* Fields::get(std::string_view key) const {
    for (const auto& e : entries_) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

std::optional<Fields> readMap(Reporter& rep, const YamlNode& node, Pos at, const std::string& what,
                              std::initializer_list<std::string_view> known) {
    return readMapImpl(rep, node, at, what, &known);
}

std::optional<Fields> readAnyMap(Reporter& rep, const YamlNode& node, Pos at,
                                 const std::string& what) {
    return readMapImpl(rep, node, at, what, nullptr);
}

std::optional<std::string> readScalar(Reporter& rep, const Entry& e) {
    rep.spend(e.keyPos());
    if (!e.value.isDefined() || e.value.isNull()) {
        rep.error(e.keyPos(), fill(tr("{what} has no value"), {{"what", quote(e.key)}}));
        return std::nullopt;
    }
    if (!e.value.isScalar()) {
        rep.error(e.valuePos(), fill(tr("{key} must be a single value, got {got}"),
                                     {{"key", quote(e.key)}, {"got", describe(e.value)}}));
        return std::nullopt;
    }
    return e.value.scalar();
}

std::optional<std::vector<YamlNode>> readNodeList(Reporter& rep, const Entry& e) {
    if (!e.value.isDefined() || e.value.isNull()) {
        rep.error(e.keyPos(), fill(tr("{what} has no value"), {{"what", quote(e.key)}}));
        return std::nullopt;
    }
    if (!e.value.isSequence()) {
        rep.error(e.valuePos(), fill(tr("{key} must be a list, got {got}"),
                                     {{"key", quote(e.key)}, {"got", describe(e.value)}}));
        return std::nullopt;
    }
    std::vector<YamlNode> nodes;
    for (const YamlNode& item : e.value.items()) {
        if (!rep.spend(e.valuePos())) break;
        nodes.push_back(item);
    }
    return nodes;
}

std::optional<std::vector<Item>> readList(Reporter& rep, const Entry& e, bool allow_single) {
    if (allow_single && e.value.isScalar()) {
        return std::vector<Item>{{e.value.scalar(), e.valuePos()}};
    }
    auto nodes = readNodeList(rep, e);
    if (!nodes) return std::nullopt;
    std::vector<Item> items;
    for (const auto& n : *nodes) {
        const Pos pos = posOf(n, e.valuePos());
        if (n.isScalar()) {
            items.push_back({n.scalar(), pos});
        } else {
            rep.error(pos, fill(tr("each item of {key} must be a single value, got {got}"),
                                {{"key", quote(e.key)}, {"got", describe(n)}}));
        }
    }
    return items;
}

std::optional<bool> readBool(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    std::string lower = *text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
    rep.error(e.valuePos(), fill(tr("{key} must be true or false, got {got}"),
                                 {{"key", quote(e.key)}, {"got", quote(*text)}}));
    return std::nullopt;
}

std::optional<int> readInt(Reporter& rep, const Entry& e, int low, int high) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    int value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec == std::errc() && ptr == end && value >= low && value <= high) return value;
    rep.error(e.valuePos(), fill(tr("{key} must be a whole number from {low} to {high}, got {got}"),
                                 {{"key", quote(e.key)},
                                  {"low", std::to_string(low)},
                                  {"high", std::to_string(high)},
                                  {"got", quote(*text)}}));
    return std::nullopt;
}

}  // namespace nocontact::config
