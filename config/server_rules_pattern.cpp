// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/server_rules_pattern.hpp"

#include <array>
#include <regex>
#include <string_view>

namespace nocontact::config::rules_detail {
namespace {

constexpr std::string_view kMeta = "^$.|?*+()[]{}";
constexpr std::string_view kQuantifiers = "?*+{";
constexpr std::string_view kSpaces = " \t\n\r\f\v";

bool isAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads one literal character (or escaped one) at p[i]; false at anything else.
bool literalAt(std::string_view p, std::size_t& i, std::string& out) {
    char c = p[i];
    std::size_t used = 1;
    if (c == '\\') {
        if (i + 1 >= p.size()) return false;
        char e = p[i + 1];
        used = 2;
        if (e == 'n' || e == 't') {
            c = e == 'n' ? '\n' : '\t';
        } else if (isAlnum(e)) {
            return false;  // \s, \d, \b, backreferences...
        } else {
            c = e;
        }
    } else if (kMeta.find(c) != std::string_view::npos) {
        return false;
    }
    // A character with a quantifier after it is not a literal.
    if (i + used < p.size() && kQuantifiers.find(p[i + used]) != std::string_view::npos)
        return false;
    out += c;
    i += used;
    return true;
}

std::string literalRun(std::string_view p, std::size_t& i) {
    std::string out;
    while (i < p.size() && literalAt(p, i, out)) {
    }
    return out;
}

// The index just past the group opened at p[open] == '(', or npos.
std::size_t groupEnd(std::string_view p, std::size_t open) {
    int depth = 0;
    bool in_class = false;
    for (std::size_t i = open; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\') {
            ++i;
        } else if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

std::optional<Reduced::Tail> tailOf(std::string_view rest) {
    if (rest.empty()) return Reduced::Tail::Open;
    if (rest == "$") return Reduced::Tail::End;
    static constexpr std::array<std::string_view, 6> kRest = {"(.+)$", "(.*)$", "(.+)",
                                                              "(.*)",  ".*",    ".+"};
    for (std::string_view r : kRest) {
        if (rest == r) return Reduced::Tail::Rest;
    }
    return std::nullopt;
}

// Whether a negated class [^...] (its inside, without [^ and ]) excludes `c`. Ranges are not
// read: such a class is taken as not excluding anything.
bool classExcludes(std::string_view inside, char c) {
    if (inside.find('-') != std::string_view::npos) return false;
    for (std::size_t i = 0; i < inside.size(); ++i) {
        if (inside[i] != '\\') {
            if (inside[i] == c) return true;
            continue;
        }
        if (++i >= inside.size()) return false;
        char e = inside[i];
        if (e == 's' && kSpaces.find(c) != std::string_view::npos) return true;
        if ((e == 'n' && c == '\n') || (e == 't' && c == '\t') || (!isAlnum(e) && e == c))
            return true;
    }
    return false;
}

// Whether the group's pattern can never match a string containing `c`: it is made only of
// negated classes that exclude c, literal characters other than c, non-capturing groups and
// quantifiers.
bool groupNeverMatches(std::string_view g, char c) {
    for (std::size_t i = 0; i < g.size(); ++i) {
        char ch = g[i];
        if (g.substr(i, 2) == "[^") {
            std::size_t close = g.find(']', i + 2);
            if (close == std::string_view::npos ||
                !classExcludes(g.substr(i + 2, close - i - 2), c))
                return false;
            i = close;
        } else if (g.substr(i, 3) == "(?:") {
            i += 2;
        } else if (ch == '{') {
            std::size_t close = g.find('}', i);
            if (close == std::string_view::npos) return false;
            i = close;
        } else if (ch == ')' || ch == '+' || ch == '*' || ch == '?') {
            continue;
        } else if (ch == '\\' || kMeta.find(ch) != std::string_view::npos || ch == c) {
            return false;
        }
    }
    return true;
}

bool validUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80           ? 1
                        : (b >> 5) == 0x6  ? 2
                        : (b >> 4) == 0xE  ? 3
                        : (b >> 3) == 0x1E ? 4
                                           : 0;
        if (n == 0 || (n == 2 && b < 0xC2) || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

}  // namespace

std::optional<Reduced> reduce(const std::string& pattern_text, int sender_group) {
    std::string_view p = pattern_text;
    if (sender_group != 1 || !p.starts_with('^')) return std::nullopt;
    std::size_t i = 1;
    Reduced r;
    r.prefix = literalRun(p, i);
    if (i >= p.size() || p[i] != '(' || p.substr(i, 2) == "(?") return std::nullopt;
    std::size_t end = groupEnd(p, i);
    if (end == std::string_view::npos) return std::nullopt;
    r.group = std::string(p.substr(i + 1, end - i - 2));
    i = end;
    r.suffix = literalRun(p, i);
    auto tail = tailOf(p.substr(i));
    if (!tail) return std::nullopt;
    r.tail = *tail;
    if (r.tail == Reduced::Tail::End || r.suffix.empty()) return r;  // prefixDecides never asks
    try {
        r.group_pattern = std::make_shared<const std::regex>(r.group);
    } catch (const std::regex_error&) {
        r.group_pattern = nullptr;
    }
    return r;
}

bool prefixDecides(const Reduced& r, const std::string& name) {
    if (r.tail == Reduced::Tail::End || r.suffix.empty()) return false;
    bool stops = false;
    if (r.group == ".+?" || r.group == ".*?") {
        stops =
            name.find('\n') == std::string::npos && (name + r.suffix).find(r.suffix) == name.size();
    } else if (groupNeverMatches(r.group, r.suffix.front())) {
        stops = name.find(r.suffix.front()) == std::string::npos;
    }
    return stops && r.group_pattern && std::regex_match(name, *r.group_pattern);
}

bool safeName(const std::string& name) {
    if (name.empty() || !validUtf8(name)) return false;
    if (kSpaces.find(name.front()) != std::string_view::npos ||
        kSpaces.find(name.back()) != std::string_view::npos)
        return false;
    for (char c : name) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F || c == '"' || c == '<' || c == '>' || c == '&') return false;
    }
    // U+2028 and U+2029 end lines for ECMAScript's `.`; U+0085 for others.
    for (std::string_view sep : {"\u2028", "\u2029", "\u0085"}) {
        if (name.find(sep) != std::string::npos) return false;
    }
    return true;
}

bool safeRuleText(const std::string& text) {
    return safeName(text) && text.back() != '*';
}

}  // namespace nocontact::config::rules_detail
