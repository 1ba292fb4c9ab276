// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/notification_json.hpp"

#include <nlohmann/json.hpp>

#include "base/i18n.hpp"

namespace nocontact::ctl {

namespace {

using nlohmann::json;

// Thrown inside this file only, caught at the entry point and turned into the message.
struct BadField {
    std::string message;
};

// "FIELD must be ...": the field's name (a JSON key) stays as it is in every language.
BadField bad(const char* sentence, std::string_view field) {
    return BadField{i18n::fill(i18n::tr(sentence), {{"field", field}})};
}

const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& obj, const char* key, const std::string& where, bool required) {
    const json* v = member(obj, key);
    if (!v) {
        if (required) throw bad(N_("{field} is missing"), where + "." + key);
        return {};
    }
    if (!v->is_string()) throw bad(N_("{field} must be a string"), where + "." + key);
    return v->get<std::string>();
}

// `where` by value: a reference to a temporary name would look like a dangling result to GCC 14.
const json& object(const json& obj, const char* key, std::string_view where) {
    const json* v = member(obj, key);
    if (!v || !v->is_object())
        throw bad(N_("{field} must be an object"), std::string(where) + "." + key);
    return *v;
}

// Hints keep their value as text; binary payloads (placeholders in the corpus) are skipped.
std::string hintText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number()) return v.dump();
    return {};
}

void readFdo(const json& args, policy::Notification& n) {
    n.interface = policy::Interface::Fdo;
    n.app_name = text(args, "app_name", "args", true);
    n.app_icon = text(args, "app_icon", "args", false);
    n.summary = text(args, "summary", "args", true);
    n.body = text(args, "body", "args", false);
    if (const json* r = member(args, "replaces_id")) {
        if (!r->is_number_unsigned() && !(r->is_number_integer() && r->get<std::int64_t>() >= 0))
            throw bad(N_("{field} must be a whole number, 0 or more"), "args.replaces_id");
        n.replaces_id = r->get<std::uint32_t>();
    }
    if (const json* a = member(args, "actions")) {
        if (!a->is_array()) throw bad(N_("{field} must be a list of strings"), "args.actions");
        for (const auto& s : *a) {
            if (!s.is_string()) throw bad(N_("{field} must be a list of strings"), "args.actions");
            n.actions.push_back(s.get<std::string>());
        }
    }
    if (const json* h = member(args, "hints")) {
        if (!h->is_object()) throw bad(N_("{field} must be an object"), "args.hints");
        for (const auto& [key, value] : h->items())
            n.hints[key] = hintText(value);
    }
}

// Binary hints (image-data and friends, D-Bus structs and arrays) carry no sender: drop them,
// as the bus decoder does.
void dropBinaryHints(const json& line, policy::Notification& n) {
    const json* types = member(line, "hint_types");
    if (!types || !types->is_object()) return;
    for (const auto& [key, type] : types->items()) {
        if (type.is_string() && !type.get<std::string>().empty() &&
            (type.get<std::string>()[0] == '(' || type.get<std::string>()[0] == 'a')) {
            n.hints.erase(key);
        }
    }
}

void readGtkOrPortal(const json& args, policy::Notification& n, bool portal) {
    n.interface = portal ? policy::Interface::Portal : policy::Interface::Gtk;
    n.app_id = text(args, "app_id", "args", !portal);
    n.id = text(args, "id", "args", true);
    const json& note = object(args, "notification", "args");
    n.summary = text(note, "title", "args.notification", false);
    n.body = text(note, "body", "args.notification", false);
    if (const json* a = member(note, "default-action"); a && a->is_string()) {
        n.actions = {"default", a->get<std::string>()};
    }
    for (const char* key : {"priority", "category"}) {
        if (const json* v = member(note, key); v && v->is_string())
            n.hints[key] = v->get<std::string>();
    }
}

JsonNotification read(const json& line) {
    if (!line.is_object()) throw BadField{i18n::tr("a line must be a JSON object")};
    JsonNotification out;
    out.id = text(line, "id", "line", false);
    std::string iface = text(line, "interface", "line", true);
    const json& args = object(line, "args", "line");
    if (iface == "fdo") {
        readFdo(args, out.notification);
        dropBinaryHints(line, out.notification);
    } else if (iface == "gtk" || iface == "portal") {
        readGtkOrPortal(args, out.notification, iface == "portal");
    } else {
        throw bad(N_("{field} must be fdo, gtk or portal"), "line.interface");
    }
    return out;
}

}  // namespace

std::variant<JsonNotification, std::string> parseNotificationLine(std::string_view line) {
    // Depth is bounded: the corpus is at most a few levels deep, and nlohmann recurses.
    constexpr int kMaxDepth = 32;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : line) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth) return std::string(i18n::tr("the line is nested too deeply"));
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_discarded()) return std::string(i18n::tr("not valid JSON"));
    try {
        return read(parsed);
    } catch (const BadField& e) {
        return e.message;
    } catch (const json::exception& e) {
        return std::string(i18n::tr("a number is out of range"));
    }
}

}  // namespace nocontact::ctl
