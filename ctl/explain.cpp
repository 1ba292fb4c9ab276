// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/explain.hpp"

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/i18n.hpp"
#include "ctl/notification_json.hpp"

namespace nocontact::ctl {

namespace {

using json = nlohmann::ordered_json;

json orNull(const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
}

json actionsJson(const policy::Decision& d) {
    json list = json::array();
    for (auto a : d.actions)
        list.push_back(std::string(policy::actionName(a)));
    return list;
}

std::string field(const json& v) {
    return v.is_string() ? v.get<std::string>() : "—";
}

// Pads to `width` characters (UTF-8 code points), always leaving at least one space.
std::string padded(std::string s, std::size_t width) {
    std::size_t chars = 0;
    for (unsigned char c : s)
        chars += (c & 0xC0) != 0x80;
    s.append(chars < width ? width - chars : 1, ' ');
    return s;
}

// "hold-for-digest  telegram   Alex Morgan → Alex   Alex: firm (policy)..."
std::string textLine(const json& v) {
    std::string who = field(v["sender"]);
    if (v["contact"].is_string()) who += " → " + v["contact"].get<std::string>();
    return padded(field(v["action"]), 16) + padded(field(v["app"]), 22) + padded(who, 24) +
           field(v["why"]);
}

}  // namespace

Explainer::Explainer(policy::Policy policy, policy::Profiles profiles)
    : profiles_(std::move(profiles)), engine_(std::move(policy)) {
    engine_.useWords({.tr = &i18n::tr});
}

std::string Explainer::explainLine(std::string_view line, const policy::Moment& now, bool& ok,
                                   Format format) {
    auto parsed = parseNotificationLine(line);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        ok = false;
        if (format == Format::Text)
            return "  " +
                   i18n::fill(i18n::tr("(not a notification: {error})"), {{"error", *error}});
        return json{{"id", nullptr}, {"error", *error}}.dump();
    }
    ok = true;
    const auto& input = std::get<JsonNotification>(parsed);
    policy::Event event = profiles_.toEvent(input.notification);
    policy::Decision d = engine_.handle(event, now);
    json out;
    out["id"] = orNull(input.id);
    out["app"] = orNull(event.app);
    out["sender"] = orNull(event.sender);
    out["contact"] = d.contact ? json(engine_.policy().contacts[*d.contact].name) : json(nullptr);
    out["level"] = d.level ? json(std::string(policy::levelName(*d.level))) : json(nullptr);
    out["action"] = std::string(policy::actionName(d.primary()));
    out["why"] = d.why;
    out["kind"] = std::string(policy::kindName(event.kind));
    out["actions"] = actionsJson(d);
    if (format == Format::Text) return textLine(out);
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

int Explainer::run(std::istream& in, std::ostream& out, const policy::Moment& now, Format format) {
    int bad = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        bool ok = true;
        out << explainLine(line, now, ok, format) << '\n';
        if (!ok) ++bad;
    }
    return bad;
}

}  // namespace nocontact::ctl
