// SPDX-License-Identifier: GPL-3.0-or-later
// App profiles: identity, how a notification is claimed, and where the rules are.
#include <algorithm>
#include <map>

#include "base/i18n.hpp"
#include "config/profile_yaml.hpp"

namespace nocontact::config {

using i18n::fill;
using i18n::tr;

namespace {

bool isProfileId(std::string_view id) {
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return !id.empty() && lower_or_digit(id[0]) && std::all_of(id.begin(), id.end(), [&](char c) {
        return lower_or_digit(c) || c == '.' || c == '_' || c == '-';
    });
}

// One list under `match:`; each entry a whole value or a prefix ending in '*'.
std::vector<std::string> readMatchList(Reporter& rep, const Entry& e) {
    std::vector<std::string> out;
    auto items = readList(rep, e, true);
    if (!items) return out;
    for (const auto& item : *items) {
        if (item.text.empty() || item.text == "*") {
            rep.error(item.pos, fill(tr("an entry of {key} is empty or '*', which would claim "
                                        "every app"),
                                     {{"key", quote(e.key)}}));
        } else {
            out.push_back(item.text);
        }
    }
    return out;
}

// `match:` of the app `p.id` (empty when the profile has no usable id).
void readMatch(Reporter& rep, const Entry& e, policy::AppProfile& p) {
    const std::string what = p.id.empty()
                                 ? std::string(tr("'match' of this app"))
                                 : fill(tr("'match' of app {app}"), {{"app", quote(p.id)}});
    auto f = readMap(rep, e.value, e.valuePos(), what, {"app_name", "desktop_entry", "app_id"});
    if (!f) return;
    if (auto* x = f->get("app_name")) p.app_names = readMatchList(rep, *x);
    if (auto* x = f->get("desktop_entry")) p.desktop_entries = readMatchList(rep, *x);
    if (auto* x = f->get("app_id")) p.app_ids = readMatchList(rep, *x);
    if (f->all().empty()) {
        rep.error(e.valuePos(), fill(tr("{what} needs at least one of app_name, desktop_entry or "
                                        "app_id"),
                                     {{"what", what}}));
    }
}

// The id, checked for form and uniqueness; empty when missing or wrong.
std::string readId(Reporter& rep, const Fields& f, Pos at, std::map<std::string, int>& ids) {
    const Entry* e = f.get("id");
    if (!e) {
        rep.error(at, tr("this app profile has no 'id' (a short name like 'signal')"));
        return {};
    }
    auto id = readScalar(rep, *e);
    if (!id) return {};
    if (!isProfileId(*id)) {
        rep.error(e->valuePos(), fill(tr("the app id {app} must use lower-case letters, digits, "
                                         "'.', '_' or '-'"),
                                      {{"app", quote(*id)}}));
        return {};
    }
    auto [first, fresh] = ids.emplace(*id, e->valuePos().line);
    if (!fresh) {
        rep.error(e->valuePos(),
                  fill(tr("the app id {app} is already used on line {line}"),
                       {{"app", quote(*id)}, {"line", std::to_string(first->second)}}));
    }
    return *id;
}

void readNames(Reporter& rep, const Fields& f, policy::AppProfile& p) {
    if (auto* e = f.get("name")) p.name = readScalar(rep, *e).value_or(p.id);
    if (p.name.empty()) p.name = p.id;
    if (auto* e = f.get("service")) {
        auto service = readScalar(rep, *e);
        if (service && !isServiceName(*service)) {
            rep.error(e->valuePos(), fill(tr("the service {service} must use lower-case "
                                             "letters, digits, '_' or '-'"),
                                          {{"service", quote(*service)}}));
        } else if (service) {
            p.service = *service;
        }
    }
    if (auto* e = f.get("messaging")) p.messaging = readBool(rep, *e).value_or(false);
    if (auto* e = f.get("hidden")) {
        if (auto items = readList(rep, *e)) {
            for (auto& item : *items)
                p.hidden.push_back(std::move(item.text));
        }
    }
}

std::optional<policy::AppProfile> readProfile(Reporter& rep, const YamlNode& node,
                                              std::map<std::string, int>& ids) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, tr("an app profile"),
                     {"id", "name", "service", "messaging", "match", "hidden", "sender", "kinds",
                      "identifiers"});
    if (!f) return std::nullopt;
    policy::AppProfile p;
    p.id = readId(rep, *f, at, ids);
    readNames(rep, *f, p);
    if (auto* e = f->get("match")) {
        readMatch(rep, *e, p);
    } else if (p.id.empty()) {
        rep.error(at, tr("this app has no 'match' (which notifications it reads)"));
    } else {
        rep.error(at, fill(tr("app {app} has no 'match' (which notifications it reads)"),
                           {{"app", quote(p.id)}}));
    }
    if (auto* e = f->get("sender")) p.rules = readSenderRules(rep, *e);
    if (auto* e = f->get("kinds")) p.kinds = readKindRules(rep, *e);
    if (auto* e = f->get("identifiers")) p.identifiers = readIdentifierRules(rep, *e);
    return p;
}

}  // namespace

std::vector<policy::AppProfile> readProfiles(Reporter& rep, const Entry& apps) {
    std::vector<policy::AppProfile> profiles;
    std::map<std::string, int> ids;
    auto nodes = readNodeList(rep, apps);
    if (!nodes) return profiles;
    for (const auto& node : *nodes) {
        if (rep.stopped()) break;
        if (auto p = readProfile(rep, node, ids)) profiles.push_back(std::move(*p));
    }
    return profiles;
}

}  // namespace nocontact::config
