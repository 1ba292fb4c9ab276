// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/report.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/i18n.hpp"
#include "base/local_time.hpp"
#include "build_info.hpp"
#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "ctl/daemon_client.hpp"
#include "ctl/heatmap.hpp"
#include "ctl/held.hpp"
#include "ctl/style.hpp"
#include "ctl/when.hpp"

namespace nocontact::ctl {

namespace {

using i18n::fill;
using i18n::tr;
using i18n::trn;
using json = nlohmann::ordered_json;
using Dict = std::map<std::string, sdbus::Variant>;
using DayRow = sdbus::Struct<std::string, std::uint32_t, std::uint32_t>;
using StreakRow = sdbus::Struct<std::string, std::int64_t, std::int64_t>;
using JournalRow =
    sdbus::Struct<std::int64_t, std::string, std::string, std::map<std::string, std::string>>;

template <typename T>
T get(const Dict& d, const char* key, T fallback = {}) {
    auto it = d.find(key);
    if (it == d.end() || !it->second.containsValueOfType<T>()) return fallback;
    return it->second.get<T>();
}

std::string times(std::uint32_t n) {
    return fill(trn("once", "{n} times", n), {{"n", std::to_string(n)}});
}

json statsJson(const Dict& s) {
    json out;
    out["contact"] = get<std::string>(s, "contact");
    out["days"] = get<std::uint32_t>(s, "days");
    out["first_day"] = get<std::string>(s, "first_day");
    out["streaks"] = json::array();
    for (const auto& r : get<std::vector<StreakRow>>(s, "streaks")) {
        out["streaks"].push_back(
            {{"contact", std::get<0>(r)},
             {"day", std::get<1>(r) > 0 ? json(std::get<1>(r)) : json(nullptr)},
             {"last_reached_out",
              std::get<2>(r) > 0 ? json(isoUtc(std::get<2>(r))) : json(nullptr)}});
    }
    out["pauses"] = {{"honoured", get<std::uint32_t>(s, "honoured")},
                     {"overridden", get<std::uint32_t>(s, "overridden")},
                     {"let_go", get<std::uint32_t>(s, "let_go")},
                     {"later", get<std::uint32_t>(s, "later")},
                     {"read", get<std::uint32_t>(s, "read")},
                     {"opened_anyway", get<std::uint32_t>(s, "opened_anyway")}};
    out["per_day"] = json::array();
    for (const auto& r : get<std::vector<DayRow>>(s, "per_day")) {
        out["per_day"].push_back({{"day", std::get<0>(r)},
                                  {"their_messages", std::get<1>(r)},
                                  {"reached_out", std::get<2>(r)}});
    }
    return out;
}

std::vector<DayValue> column(const json& per_day, const char* key) {
    std::vector<DayValue> out;
    for (const auto& d : per_day) {
        if (auto date = policy::parseDate(d["day"].get<std::string>()))
            out.push_back({*date, d[key].get<int>()});
    }
    return out;
}

// "Day 62 of your space from Alex." as the pause says it, then when the person last wrote or
// called them, if they did.
std::string dayLine(const json& streak, const Style& style) {
    const auto name = streak["contact"].get<std::string>();
    if (streak["day"].is_null()) {
        return fill(
            tr("{contact}: no day one yet (add `since:` to your policy to count the days)."),
            {{"contact", name}});
    }
    std::string day = fill(tr("Day {n}"), {{"n", std::to_string(streak["day"].get<int>())}});
    std::string line = fill(tr("{day} of your space from {contact}."),
                            {{"day", style.bold(day)}, {"contact", name}});
    if (streak["last_reached_out"].is_null()) return line;
    // The JSON's UTC instant ("...T14:03:05Z"), shown in local time.
    auto utc =
        policy::parseLocalDateTime(streak["last_reached_out"].get<std::string>().substr(0, 19));
    if (!utc) return line;
    return line + " " +
           fill(tr("You last wrote or called them on {when}."),
                {{"when", localMinute(utc->time_since_epoch().count())}});
}

// Today on this computer's calendar, to mark it in the heat-maps.
HeatMapFrame heatMapFrame() {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return {.width = terminalWidth(), .today = policy::dateOf(local_time::toLocal(now))};
}

void printStats(const json& s, std::ostream& out, const Style& style) {
    std::string who = s["contact"].get<std::string>();
    const auto& per_day = s["per_day"];
    if (per_day.empty()) return;  // a daemon always sends at least one day
    std::uint32_t reached = 0, messages = 0;
    for (const auto& d : per_day) {
        reached += d["reached_out"].get<std::uint32_t>();
        messages += d["their_messages"].get<std::uint32_t>();
    }
    const auto days = s["days"].get<std::uint32_t>();
    out << fill(trn("{who}, the last day ({first} to {last})",
                    "{who}, the last {n} days ({first} to {last})", days),
                {{"who", style.bold(who.empty() ? tr("Everyone") : who)},
                 {"n", std::to_string(days)},
                 {"first", s["first_day"].get<std::string>()},
                 {"last", per_day.back()["day"].get<std::string>()}})
        << "\n\n";
    for (const auto& streak : s["streaks"])
        out << "  " << dayLine(streak, style) << "\n";
    // What the person chose at each pause, counted; never a rate or a verdict.
    const auto& p = s["pauses"];
    const auto total = p["honoured"].get<std::uint32_t>() + p["overridden"].get<std::uint32_t>();
    out << "\n  "
        << fill(trn("{n} pause: {let_go} let go, {later} kept for later, {read} read, {opened} "
                    "opened after it.",
                    "{n} pauses: {let_go} let go, {later} kept for later, {read} read, {opened} "
                    "opened after them.",
                    total),
                {{"n", std::to_string(total)},
                 {"let_go", p["let_go"].dump()},
                 {"later", p["later"].dump()},
                 {"read", p["read"].dump()},
                 {"opened", p["opened_anyway"].dump()}})
        << "\n";
    out << "\n  " << fill(tr("You wrote or called {times}."), {{"times", times(reached)}}) << "\n"
        << renderHeatMap(column(per_day, "reached_out"), style, heatMapFrame()) << "\n  "
        << fill(who.empty() ? tr("Your contacts got in touch {times}.")
                            : tr("{contact} got in touch {times}."),
                {{"contact", who}, {"times", times(messages)}})
        << "\n"
        << renderHeatMap(column(per_day, "their_messages"), style, heatMapFrame());
}

// A change's end as JSON: the instant, and how long it lasts from the change, or null for both
// when it lasts until the person changes it.
void changeEnd(json& entry, std::int64_t time, const std::string& until) {
    if (until.empty()) {
        entry["until"] = nullptr;
        entry["duration_seconds"] = nullptr;
        return;
    }
    const std::int64_t end = std::stoll(until);
    entry["until"] = isoUtc(end);
    entry["duration_seconds"] = end - time;
}

json journalJson(const std::vector<JournalRow>& rows) {
    json list = json::array();
    for (const auto& row : rows) {
        json entry{{"time", isoUtc(std::get<0>(row))},
                   {"what", std::get<1>(row)},
                   {"contact", std::get<2>(row)}};
        for (const auto& [key, value] : std::get<3>(row)) {
            if (key == "until") {
                changeEnd(entry, std::get<0>(row), value);
            } else {
                entry[key] = value;
            }
        }
        list.push_back(std::move(entry));
    }
    return list;
}

std::string detail(const std::map<std::string, std::string>& d, const char* key) {
    auto it = d.find(key);
    return it == d.end() ? std::string() : it->second;
}

// What nocontact did, in words ("pause" is the engine's word for keeping it behind a pause).
std::string actionWords(const std::string& action) {
    static const std::map<std::string, const char*> kWords = {
        {"show", N_("shown")},
        {"count", N_("counted")},
        {"nudge", N_("shown, with a nudge")},
        {"withhold", N_("kept for you")},
        {"pause", N_("kept behind a pause")},
        {"hold-for-digest", N_("kept for the next digest")},
        {"hold-strict", N_("kept until you ask for it")},
        {"ring", N_("let ring")},
        {"silence", N_("silenced")},
        {"rang-on", N_("rang on (it cannot be silenced from here)")},
        {"hangup-refused", N_("could not be ended here")},
        {"reject", N_("declined")},
        {"pause-before-use", N_("a pause came first")},
        {"freeze", N_("a pause came first, the app waiting")},
        {"notice", N_("a kind notice")},
    };
    auto it = kWords.find(action);
    return it == kWords.end() ? action : tr(it->second);
}

// The level a journal entry names: while snoozed, no level decided.
std::string levelWords(const std::string& level) {
    return level == "snoozed" ? std::string(tr("while snoozed")) : level;
}

// A change of the person's, with its end and their note: "you softened to gentle until
// 2026-11-26 18:00 — your note: sorting out the car".
std::string changeLine(const std::string& action, const std::map<std::string, std::string>& d) {
    const std::string level = detail(d, "level"), until = detail(d, "until");
    const std::string when = until.empty() ? std::string() : localMinute(std::stoll(until));
    auto lasting = [&](const char* timed, const char* open) {
        return fill(until.empty() ? open : timed, {{"level", level}, {"when", when}});
    };
    std::string line;
    if (action == "snooze") {
        line = lasting(tr("you snoozed nocontact until {when}"), tr("you snoozed nocontact"));
    } else if (action == "soften") {
        line = lasting(tr("you softened to {level} until {when}"),
                       tr("you softened to {level}, until you change it"));
    } else if (action == "harden") {
        line = lasting(tr("you hardened to {level} until {when}"),
                       tr("you hardened to {level}, until you change it"));
    } else if (action == "final-straw") {
        line = tr("you chose strict from now on");
    } else if (action == "reset") {
        line = fill(tr("you went back to the policy's level ({level})"), {{"level", level}});
    } else if (action == "snooze-end") {
        line = tr("you ended the snooze");
    } else {
        line = fill(tr("you changed the level to {level}"), {{"level", level}});
    }
    const std::string note = detail(d, "note");
    if (note.empty()) return line;
    return line + " — " + fill(tr("your note: {text}"), {{"text", note}});
}

// One calm line for a journal entry.
std::string journalLine(const JournalRow& row) {
    const auto& what = std::get<1>(row);
    const auto& d = std::get<3>(row);
    const std::string& contact = std::get<2>(row);
    // A snooze is everyone's: it names no contact.
    const std::string prefix =
        localMinute(std::get<0>(row)) + "  " + (contact.empty() ? "" : contact + ": ");
    using Values = std::initializer_list<std::pair<std::string_view, std::string_view>>;
    auto say = [&](const char* sentence, Values values = {}) {
        return prefix + fill(sentence, values);
    };
    if (what == "note") return say(tr("your note: {text}"), {{"text", detail(d, "text")}});
    if (what == "choice") {
        std::string choice = detail(d, "choice");
        if (choice == "read") return say(tr("you read a kept message"));
        if (choice == "let_go") return say(tr("you let a message go"));
        if (choice == "later") return say(tr("you kept a message for later"));
        return say(tr("a pause ended without a choice; the message waits for later"));
    }
    std::string kind = detail(d, "kind"), action = detail(d, "action"),
                level = levelWords(detail(d, "level"));
    if (kind == "change") return prefix + changeLine(action, d);
    // A call is not kept: at `pause` the pause comes before answering it.
    std::string app = detail(d, "app"),
                done =
                    actionWords(kind == "call" && action == "pause" ? "pause-before-use" : action);
    Values values = {{"app", app}, {"done", done}, {"level", level}};
    if (kind == "notice") {
        if (action == "hangup-refused")
            return say(tr("a call could not be ended here ({app}); it went on"), values);
        return say(tr("a notice ({app}): {done}"), values);
    }
    if (kind == "call_answer") {
        if (action == "answered") return say(tr("you answered their call after the pause"));
        if (action == "let-ring") return say(tr("you let their call ring"));
        return say(tr("their call went on without an answer to the pause"));
    }
    if (kind == "reach_answer" && app == "call") {
        if (action == "let-go") return say(tr("you hung up after the pause"));
        if (action == "opened-anyway") return say(tr("you let the call go on after the pause"));
        if (action == "went-on") return say(tr("the call went on while the pause was open"));
        return say(tr("the call went on after the pause, without an answer"));
    }
    if (kind == "reach_answer") {
        if (action == "let-go") return say(tr("you let {app} go after the pause"), values);
        if (action == "opened-anyway") return say(tr("you opened {app} after the pause"), values);
        return say(tr("{app} opened after the pause, without an answer"), values);
    }
    // Only the answer to its pause says whether it opened.
    if (kind == "app_launch") return say(tr("you went to open {app}; {done} ({level})"), values);
    if (detail(d, "direction") == "outgoing") {
        return say(app.empty() ? tr("you reached for them; {done} ({level})")
                               : tr("you reached for them ({app}); {done} ({level})"),
                   values);
    }
    if (kind == "call" || kind == "missed_call") {
        return say(
            app.empty() ? tr("a call; {done} ({level})") : tr("a call ({app}); {done} ({level})"),
            values);
    }
    return say(
        app.empty() ? tr("a message; {done} ({level})") : tr("a message ({app}); {done} ({level})"),
        values);
}

}  // namespace

int runStats(const StatsOptions& options, std::ostream& out, std::ostream& err) {
    if (options.days < 1 || options.days > 366) {
        err << "nocontactctl: " << tr("--days takes 1 to 366.") << "\n";
        return kExitUsage;
    }
    return withDaemon(err, [&](Client& client) {
        json s = statsJson(client.Stats(options.contact, options.days));
        if (options.json) {
            out << s.dump(2) << '\n';
        } else {
            printStats(s, out, Style::forStream(stdout));
        }
        return kExitOk;
    });
}

int runJournal(const std::optional<std::string>& since_text, bool as_json, std::ostream& out,
               std::ostream& err) {
    auto now = local_time::momentNow();
    policy::SysTime since = now.utc - std::chrono::days(30);
    if (since_text) {
        auto parsed = parseSince(*since_text, now, local_time::toUtc);
        if (!parsed) {
            err << "nocontactctl: "
                << fill(tr("--since takes a date (2026-11-01), a time (2026-11-01T08:00) or a "
                           "while ago (7d, 12h); got '{text}'."),
                        {{"text", *since_text}})
                << "\n";
            return kExitUsage;
        }
        since = *parsed;
    }
    return withDaemon(err, [&](Client& client) {
        auto rows = client.Journal(policy::unixSeconds(since));
        if (as_json) {
            out << journalJson(rows).dump(2) << '\n';
        } else if (rows.empty()) {
            out << fill(tr("Nothing in the journal since {time}."),
                        {{"time", localMinute(since.time_since_epoch().count())}})
                << "\n";
        } else {
            for (const auto& row : rows)
                out << journalLine(row) << '\n';
        }
        return kExitOk;
    });
}

int runExport(std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        json doc;
        doc["format"] = "nocontact-export";
        doc["format_version"] = 1;
        doc["exported_at"] = isoUtc(local_time::momentNow().utc.time_since_epoch().count());
        doc["nocontactctl"] = NOCONTACT_VERSION;
        doc["status"] = statusJson(client.Status());
        doc["held"] = heldJson(client.ListHeld());
        doc["journal"] = journalJson(client.Journal(0));
        out << doc.dump(2) << '\n';
        return kExitOk;
    });
}

}  // namespace nocontact::ctl
