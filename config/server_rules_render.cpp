// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' rule formats, as their sources read them: dunst 1.9 (src/ini.c, src/rules.c),
// mako 1.7 (config.c, criteria.c), swaync 0.7 (configModel.vala, notiDaemon.vala).
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "base/i18n.hpp"
#include "config/server_rules.hpp"

namespace nocontact::config {
namespace {

using Json = nlohmann::ordered_json;

std::string escapeWith(const std::string& text, std::string_view special) {
    std::string out;
    for (char c : text) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// POSIX ERE: a backslash makes any of these literal (glibc's regcomp).
std::string ereEscape(const std::string& text) {
    return escapeWith(text, ".[]()*+?{}|^$\\");
}

// PCRE (GLib's GRegex): a backslash before any ASCII punctuation is that character.
std::string pcreEscape(const std::string& text) {
    return escapeWith(text, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
}

// dunst's INI reader keeps everything between the first and the next double quote; names
// with a double quote never become shapes (rules_detail::safeName).
std::string dunstValue(const std::string& pattern) {
    return "\"" + pattern + "\"";
}

// mako's criteria parser: inside double quotes, a backslash takes the next character as is.
std::string makoQuoted(const std::string& value) {
    return "\"" + escapeWith(value, "\\\"") + "\"";
}

bool isHeld(const RuleShape& s, const std::vector<bool>& held) {
    return s.contact < held.size() && held[s.contact];
}

const char* fieldKey(const RuleShape& s) {
    return s.field == RuleShape::Field::Summary ? "summary" : "body";
}

constexpr const char* kDunstHeader =
    "# nocontact's rules for dunst, written by `nocontactctl setup` and kept in step with the\n"
    "# policy by nocontactd. Edit the policy instead; `nocontactctl setup --undo` removes this "
    "file.\n";

}  // namespace

std::string dunstPattern(const std::string& text, bool whole, DunstSyntax syntax) {
    if (syntax.regex) return "\\`" + ereEscape(text) + (whole ? "\\'" : "");
    return escapeWith(text, "*?[\\") + (whole ? "" : "*");
}

std::string makoPrefixRegex(const std::string& text) {
    return "^" + ereEscape(text);
}

std::string swayncPattern(const std::string& text, bool whole) {
    return "\\A" + pcreEscape(text) + (whole ? "\\z" : "");
}

std::string dunstRuleName(const RuleShape& shape) {
    // FNV-1a over what the rule says, so a name always means the same rule: a dunst that has
    // not re-read the file since the policy changed is never switched by a stale name.
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](std::string_view bytes) {
        for (unsigned char c : bytes) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;  // a separator no UTF-8 text contains
        h *= 1099511628211ULL;
    };
    mix(shape.app_key == RuleShape::AppKey::AppName ? "a" : "d");
    mix(shape.app);
    mix(shape.field == RuleShape::Field::Summary ? "s" : "b");
    mix(shape.text);
    mix(shape.whole ? "w" : "p");
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return std::string("nocontact-") + hex;
}

DunstSyntax dunstSyntaxOf(const std::string& ini_text) {
    DunstSyntax syntax;
    bool in_global = false;
    std::size_t pos = 0;
    while (pos < ini_text.size()) {
        std::size_t end = ini_text.find('\n', pos);
        if (end == std::string::npos) end = ini_text.size();
        std::string line = ini_text.substr(pos, end - pos);
        pos = end + 1;
        std::size_t b = line.find_first_not_of(" \t\r");
        if (b == std::string::npos || line[b] == '#' || line[b] == ';') continue;
        line = line.substr(b);
        if (line.front() == '[') {
            in_global = line.rfind("[global]", 0) == 0;
            continue;
        }
        std::size_t eq = line.find('=');
        if (!in_global || eq == std::string::npos) continue;
        std::string key = line.substr(0, eq);
        key.erase(key.find_last_not_of(" \t") + 1);
        if (key != "enable_regex") continue;
        std::string value = line.substr(eq + 1);
        value.erase(0, value.find_first_not_of(" \t\""));
        syntax.regex =
            value.rfind("true", 0) == 0 || value.rfind("yes", 0) == 0 || value.rfind("1", 0) == 0;
    }
    return syntax;
}

std::string renderDunst(const std::vector<RuleShape>& shapes, const std::vector<bool>& held,
                        DunstSyntax syntax) {
    std::string out = kDunstHeader;
    out += std::string("\n[") + kDunstOwnRule +
           "]\nappname = " + dunstValue(dunstPattern(kOwnAppName, true, syntax)) +
           "\nhistory_ignore = true\n";
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const RuleShape& s = shapes[i];
        bool by_name = s.app_key == RuleShape::AppKey::AppName;
        out += "\n[" + dunstRuleName(shapes[i]) + "]\n";
        out += std::string(by_name ? "appname" : "desktop_entry") + " = " +
               dunstValue(dunstPattern(s.app, true, syntax)) + "\n";
        out += std::string(fieldKey(s)) + " = " +
               dunstValue(dunstPattern(s.text, s.whole, syntax)) + "\n";
        out += "skip_display = true\n";
        out += std::string("set_category = ") + kDunstHeldCategory + "\n";
        out += std::string("enabled = ") + (isHeld(s, held) ? "true" : "false") + "\n";
    }
    return out;
}

std::string renderMako(const std::vector<RuleShape>& shapes, const std::vector<bool>& held) {
    std::string out;
    for (const RuleShape& s : shapes) {
        if (!isHeld(s, held)) continue;
        bool by_name = s.app_key == RuleShape::AppKey::AppName;
        std::string app = std::string(by_name ? "app-name=" : "desktop-entry=") + makoQuoted(s.app);
        std::string text =
            s.whole ? std::string(fieldKey(s)) + "=" + makoQuoted(s.text)
                    : std::string(fieldKey(s)) + "~=" + makoQuoted(makoPrefixRegex(s.text));
        out += "[" + app + " " + text + "]\n";
        out += "invisible=1\nhistory=0\nignore-timeout=1\ndefault-timeout=0\n";
    }
    return out + "[app-name=" + makoQuoted(kOwnAppName) + "]\nhistory=0\n";
}

std::string renderSwaync(const std::string& config_json, const std::vector<RuleShape>& shapes,
                         const std::vector<bool>& held) {
    Json doc;
    try {
        doc = Json::parse(config_json, nullptr, true, true);
    } catch (const Json::parse_error&) {
        throw std::runtime_error(i18n::tr("swaync's config.json is not valid JSON."));
    }
    if (!doc.is_object())
        throw std::runtime_error(i18n::tr("swaync's config.json is not a JSON object."));
    const Json before = doc;
    Json ours = Json::object();
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const RuleShape& s = shapes[i];
        if (!isHeld(s, held) || !shapeRenders(RuleServer::Swaync, s)) continue;
        ours["nocontact-" + std::to_string(i)] =
            Json{{"state", "ignored"},
                 {"app-name", swayncPattern(s.app, true)},
                 {fieldKey(s), swayncPattern(s.text, s.whole)}};
    }
    bool had = doc.contains("notification-visibility");
    Json theirs = had ? doc["notification-visibility"] : Json::object();
    if (!theirs.is_object()) {
        throw std::runtime_error(
            i18n::tr("swaync's \"notification-visibility\" in config.json is not a JSON object."));
    }
    bool had_ours = false;
    for (auto& [key, value] : theirs.items()) {
        if (key.rfind("nocontact-", 0) != 0) ours[key] = value;
        had_ours = had_ours || key.rfind("nocontact-", 0) == 0;
    }
    if (ours.empty() && (had_ours || !had)) {
        doc.erase("notification-visibility");  // swaync wants at least one entry there
    } else {
        doc["notification-visibility"] = std::move(ours);
    }
    if (doc == before) return config_json;
    return doc.dump(2) + "\n";
}

}  // namespace nocontact::config
