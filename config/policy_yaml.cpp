// SPDX-License-Identifier: GPL-3.0-or-later
// The policy document: version, defaults, schedules, reaching out, sources and apps.
#include "config/policy_yaml.hpp"

#include <algorithm>
#include <cctype>

#include "base/i18n.hpp"
#include "config/profile_yaml.hpp"
#include "policy/level.hpp"
#include "policy/normalise.hpp"
#include "policy/time.hpp"

namespace nocontact::config {
namespace {

using i18n::fill;
using i18n::tr;
using i18n::trn;
using policy::Seconds;

// The reflective pause: shorter is no pause at all, longer is a wall (DESIGN.md §3).
constexpr Seconds kMinPause{3}, kMaxPause{600};
// Above this we still accept the pause, but say that it may feel like a wall.
constexpr Seconds kLongPause{120};
constexpr Seconds kMaxGrace{24 * 3600};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::optional<policy::TimeOfDay> readTime(Reporter& rep, const std::string& key, const Item& item) {
    if (auto t = policy::parseTimeOfDay(item.text)) return t;
    rep.error(item.pos, fill(tr("{key} must be a time like \"22:00\" (24-hour HH:MM), got {got}"),
                             {{"key", quote(key)}, {"got", quote(item.text)}}));
    return std::nullopt;
}

std::optional<policy::TimeOfDay> readTimeEntry(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    return readTime(rep, e.key, {*text, e.valuePos()});
}

void readRegion(Reporter& rep, const Entry& e, std::string& region) {
    auto text = readScalar(rep, e);
    if (!text) return;
    const std::string code = upper(*text);
    if (code.size() == 2 && policy::isKnownRegion(code)) {
        region = code;
        return;
    }
    rep.error(
        e.valuePos(),
        fill(tr("unknown region {region} (use a two-letter country code such as US, GB or DE)"),
             {{"region", quote(*text)}}));
}

// A pause is whole minutes or seconds as people write it: each its own sentence, so that a
// translation can say the number its own way.
std::string longPause(Seconds pause) {
    const auto s = static_cast<unsigned long>(pause.count());
    if (s % 60 == 0) {
        return fill(trn("a pause of {n} minute is long; a long pause can feel like a wall "
                        "(2 minutes or less is usually enough)",
                        "a pause of {n} minutes is long; a long pause can feel like a wall "
                        "(2 minutes or less is usually enough)",
                        s / 60),
                    {{"n", std::to_string(s / 60)}});
    }
    return fill(trn("a pause of {n} second is long; a long pause can feel like a wall "
                    "(2 minutes or less is usually enough)",
                    "a pause of {n} seconds is long; a long pause can feel like a wall "
                    "(2 minutes or less is usually enough)",
                    s),
                {{"n", std::to_string(s)}});
}

void readDefaults(Reporter& rep, const Entry& e, policy::Defaults& d) {
    auto f = readMap(rep, e.value, e.valuePos(), "'defaults'",
                     {"strictness", "pause", "region", "digest"});
    if (!f) return;
    if (auto* x = f->get("strictness")) d.strictness = readLevel(rep, *x).value_or(d.strictness);
    if (auto* x = f->get("pause")) {
        auto pause = readDuration(rep, *x, kMinPause, kMaxPause, "3s", "10m");
        if (pause && *pause > kLongPause) rep.warning(x->valuePos(), longPause(*pause));
        d.pause = pause.value_or(d.pause);
    }
    if (auto* x = f->get("region")) readRegion(rep, *x, d.region);
    if (auto* x = f->get("digest")) {
        d.digest.clear();
        for (const auto& item : readList(rep, *x).value_or(std::vector<Item>{})) {
            if (auto t = readTime(rep, x->key, item)) d.digest.push_back(*t);
        }
    }
}

void readDays(Reporter& rep, const Entry& e, std::vector<policy::Weekday>& days) {
    for (const auto& item : readList(rep, e).value_or(std::vector<Item>{})) {
        if (auto day = policy::parseWeekday(lower(item.text))) {
            days.push_back(*day);
            continue;
        }
        auto near = closest(lower(item.text), {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
        rep.error(item.pos, near ? fill(tr("unknown day {day} (did you mean {near}?)"),
                                        {{"day", quote(item.text)}, {"near", quote(*near)}})
                                 : fill(tr("unknown day {day} (use mon, tue, wed, thu, fri, sat "
                                           "or sun)"),
                                        {{"day", quote(item.text)}}));
    }
}

std::optional<policy::Schedule> readSchedule(Reporter& rep, const YamlNode& node) {
    const Pos at = posOf(node);
    auto f = readMap(rep, node, at, tr("a schedule"), {"name", "days", "from", "to", "raise"});
    if (!f) return std::nullopt;
    policy::Schedule s;
    bool ok = true;
    if (auto* x = f->get("name")) s.name = readScalar(rep, *x).value_or("");
    if (s.name.empty()) {
        rep.error(at, tr("this schedule has no 'name' (it is shown when the schedule is active)"));
        ok = false;
    }
    if (auto* x = f->get("days")) readDays(rep, *x, s.days);
    const Entry* from = f->get("from");
    const Entry* to = f->get("to");
    if (!from || !to) {
        rep.error(at, tr("a schedule needs both 'from' and 'to'"));
        return std::nullopt;
    }
    auto begin = readTimeEntry(rep, *from);
    auto end = readTimeEntry(rep, *to);
    if (auto* x = f->get("raise")) ok = (s.raise = readInt(rep, *x, 1, 4).value_or(0)) > 0 && ok;
    if (!begin || !end || !ok) return std::nullopt;
    s.from = *begin;
    s.to = *end;
    if (s.from == s.to) {
        rep.warning(
            to->valuePos(),
            fill(tr("'from' and 'to' are both {time}, so this schedule lasts the whole day"),
                 {{"time", policy::formatTimeOfDay(s.to)}}));
    }
    return s;
}

void readSchedules(Reporter& rep, const Entry& e, std::vector<policy::Schedule>& out) {
    for (const auto& node : readNodeList(rep, e).value_or(std::vector<YamlNode>{})) {
        if (rep.stopped()) break;
        if (auto s = readSchedule(rep, node)) out.push_back(std::move(*s));
    }
}

void readReachingOut(Reporter& rep, const Entry& e, policy::ReachingOut& r) {
    auto f = readMap(rep, e.value, e.valuePos(), "'reaching_out'", {"from", "freeze", "grace"});
    if (!f) return;
    if (auto* x = f->get("from")) r.from = readLevel(rep, *x).value_or(r.from);
    if (auto* x = f->get("freeze")) r.freeze = readBool(rep, *x).value_or(r.freeze);
    if (auto* x = f->get("grace")) {
        r.grace = readDuration(rep, *x, Seconds{0}, kMaxGrace, "0s", "24h").value_or(r.grace);
    }
}

void readSources(Reporter& rep, const Entry& e, policy::Sources& s) {
    auto f = readMap(rep, e.value, e.valuePos(), "'sources'",
                     {"kdeconnect", "gnome_calls", "modemmanager"});
    if (!f) return;
    if (auto* x = f->get("kdeconnect")) s.kdeconnect = readBool(rep, *x).value_or(true);
    if (auto* x = f->get("gnome_calls")) s.gnome_calls = readBool(rep, *x).value_or(true);
    if (auto* x = f->get("modemmanager")) s.modemmanager = readBool(rep, *x).value_or(true);
}

void readVersion(Reporter& rep, const Entry* e) {
    if (!e) {
        rep.error({1, 1}, tr("the policy has no 'version'; add 'version: 1' at the top"));
        return;
    }
    auto text = readScalar(rep, *e);
    if (text && *text != "1") {
        rep.error(e->valuePos(),
                  fill(tr("unsupported version {version}; this nocontact reads version 1"),
                       {{"version", quote(*text)}}));
    }
}

}  // namespace

std::optional<policy::Level> readLevel(Reporter& rep, const Entry& e) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    if (auto level = policy::parseLevel(*text)) return level;
    auto near = closest(*text, {"open", "gentle", "pause", "firm", "strict"});
    rep.error(e.valuePos(),
              near ? fill(tr("unknown level {level} for {key} (did you mean {near}?)"),
                          {{"level", quote(*text)}, {"key", quote(e.key)}, {"near", quote(*near)}})
                   : fill(tr("unknown level {level} for {key} (use open, gentle, pause, firm or "
                             "strict)"),
                          {{"level", quote(*text)}, {"key", quote(e.key)}}));
    return std::nullopt;
}

std::optional<Seconds> readDuration(Reporter& rep, const Entry& e, Seconds low, Seconds high,
                                    std::string_view low_text, std::string_view high_text) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    auto d = policy::parseDuration(*text);
    if (!d) {
        rep.error(e.valuePos(),
                  fill(tr("{key} must be a duration like 20s, 10m or 1h30m, got {got}"),
                       {{"key", quote(e.key)}, {"got", quote(*text)}}));
    } else if (*d < low || *d > high) {
        rep.error(e.valuePos(), fill(tr("{key} must be between {low} and {high}, got {got}"),
                                     {{"key", quote(e.key)},
                                      {"low", low_text},
                                      {"high", high_text},
                                      {"got", quote(*text)}}));
        d.reset();
    }
    return d;
}

std::optional<int> readChoice(Reporter& rep, const Entry& e,
                              std::initializer_list<std::string_view> choices,
                              const std::string& message) {
    auto text = readScalar(rep, e);
    if (!text) return std::nullopt;
    int index = 0;
    for (auto c : choices) {
        if (c == *text) return index;
        ++index;
    }
    rep.error(e.valuePos(), fill(message, {{"key", quote(e.key)}, {"got", quote(*text)}}));
    return std::nullopt;
}

void readPolicy(Reporter& rep, const YamlNode& root, policy::Policy& out) {
    if (!root.isDefined() || root.isNull()) {
        rep.error({1, 1}, tr("the policy is empty; it needs at least 'version: 1' and a contact"));
        return;
    }
    auto f =
        readMap(rep, root, posOf(root), tr("the policy"),
                {"version", "defaults", "schedule", "contacts", "reaching_out", "sources", "apps"});
    if (!f) return;
    readVersion(rep, f->get("version"));
    // Defaults first: the region is needed to read the contacts' numbers.
    if (auto* e = f->get("defaults")) readDefaults(rep, *e, out.defaults);
    if (auto* e = f->get("schedule")) readSchedules(rep, *e, out.schedules);
    const Entry* contacts = f->get("contacts");
    if (contacts) out.contacts = readContacts(rep, *contacts, out.defaults.region);
    if (!contacts || (contacts->value.isSequence() && contacts->value.size() == 0)) {
        rep.warning(contacts ? contacts->keyPos() : Pos{},
                    tr("there are no contacts yet, so nothing will be kept"));
    }
    if (auto* e = f->get("reaching_out")) readReachingOut(rep, *e, out.reaching_out);
    if (auto* e = f->get("sources")) readSources(rep, *e, out.sources);
    if (auto* e = f->get("apps")) out.apps = readProfiles(rep, *e);
}

}  // namespace nocontact::config
