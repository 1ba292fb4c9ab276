// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/daemon_client.hpp"

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/i18n.hpp"
#include "config/loader.hpp"
#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "ctl/shell_extension.hpp"
#include "ctl/style.hpp"
#include "ctl/when.hpp"
#include "ctl/xfconf.hpp"
#include "dbus/names.hpp"

namespace nocontact::ctl {

namespace {

using json = nlohmann::ordered_json;

}  // namespace

json statusJson(const Status& s) {
    json out;
    for (const char* key : {"version", "policy_file", "policy_message", "withholding",
                            "server_name", "server_version", "freezer", "journal",
                            "journal_trouble", "rules_server", "rules_problem"}) {
        out[key] = statusValue<std::string>(s, key);
    }
    out["policy_loaded"] = statusValue<bool>(s, "policy_loaded");
    out["dry_run"] = statusValue<bool>(s, "dry_run");
    for (const char* key : {"contacts", "seen", "withheld", "held", "refused", "failed", "unkept",
                            "unanswerable", "kept_in_memory", "malformed", "monitor_restarts"}) {
        out[key] = statusValue<std::uint32_t>(s, key);
    }
    out["levels"] = json::array();
    for (const auto& row : statusValue<std::vector<LevelRow>>(s, "levels")) {
        out["levels"].push_back({{"contact", std::get<0>(row)},
                                 {"level", std::get<1>(row)},
                                 {"why", std::get<2>(row)}});
    }
    out["held_by_contact"] = json::object();
    for (const auto& row : statusValue<std::vector<sdbus::Struct<std::string, std::uint32_t>>>(
             s, "held_by_contact")) {
        out["held_by_contact"][std::get<0>(row)] = std::get<1>(row);
    }
    out["changed_levels"] = statusValue<std::vector<std::string>>(s, "changed_levels");
    out["held_before_drawing"] = statusValue<std::vector<std::string>>(s, "held_before_drawing");
    out["held_after_drawing"] = statusValue<std::vector<std::string>>(s, "held_after_drawing");
    out["phones"] = statusValue<std::vector<std::string>>(s, "phones");
    out["phone_problems"] = statusValue<std::vector<std::string>>(s, "phone_problems");
    out["not_followed"] = json::array();
    for (const auto& row :
         statusValue<std::vector<sdbus::Struct<std::string, std::string>>>(s, "not_followed")) {
        out["not_followed"].push_back({{"source", std::get<0>(row)}, {"why", std::get<1>(row)}});
    }
    out["day_counts"] = json::object();
    for (const auto& row :
         statusValue<std::vector<sdbus::Struct<std::string, std::int64_t>>>(s, "day_counts")) {
        const auto day = std::get<1>(row);
        out["day_counts"][std::get<0>(row)] = day >= 1 ? json(day) : json(nullptr);
    }
    auto snoozed = statusValue<std::int64_t>(s, "snoozed_until");
    out["snoozed_until"] = snoozed > 0 ? json(isoUtc(snoozed)) : json(nullptr);
    return out;
}

namespace {

using i18n::fill;
using i18n::tr;
using i18n::trn;

std::string withholdingSentence(const std::string& path) {
    if (path == "close") return tr("a kept message's notification is closed");
    if (path == "gnome-shell-extension") {
        return tr(
            "the nocontact GNOME Shell extension keeps messages back before GNOME shows "
            "them");
    }
    if (path == "needs-gnome-shell-extension") {
        return tr(
            "this server refuses to close other apps' notifications; GNOME needs the "
            "nocontact GNOME Shell extension");
    }
    return tr("no notification server is running yet");
}

// While the journal is kept in memory: why, and that nothing is lost while nocontactd runs.
std::string journalSentence(const std::string& trouble) {
    if (trouble == "full") {
        return tr(
            "Journal: kept in memory for now, because the disk is full. Nothing is lost "
            "while nocontactd runs; please don't restart it until it can save again.");
    }
    if (trouble == "read-only") {
        return tr(
            "Journal: kept in memory for now, because its folder is read-only. Nothing is "
            "lost while nocontactd runs; please don't restart it until it can save again.");
    }
    return tr(
        "Journal: kept in memory for now, because its folder can't be written to. Nothing "
        "is lost while nocontactd runs; please don't restart it until it can save again.");
}

namespace {

std::string names(const json& list) {
    std::string out;
    for (const auto& n : list)
        out += (out.empty() ? "" : ", ") + n.get<std::string>();
    return out;
}

// Where the server's own rules hold messages before anything is drawn, and where they cannot
// yet (dunst before 1.12 reads new names only when it starts again).
void printRules(const json& s, std::ostream& out) {
    const auto server = s["rules_server"].get<std::string>();
    if (server.empty()) return;
    if (!s["held_before_drawing"].empty()) {
        out << fill(tr("Kept back by {server}'s own rules before anything is drawn: {contacts}."),
                    {{"server", server}, {"contacts", names(s["held_before_drawing"])}})
            << "\n";
    }
    if (!s["held_after_drawing"].empty()) {
        out << fill(tr("Kept back only after {server} has shown them for a moment: {contacts}. "
                       "{server} takes up their rules when it starts again (or run "
                       "`nocontactctl setup`)."),
                    {{"server", server}, {"contacts", names(s["held_after_drawing"])}})
            << "\n";
    }
    if (const auto problem = s["rules_problem"].get<std::string>(); !problem.empty())
        out << fill(tr("{server}'s rules could not be brought up to date: {problem}"),
                    {{"server", server}, {"problem", problem}})
            << "\n";
}

}  // namespace

// A phone source as a person knows it.
std::string sourceName(const std::string& source) {
    if (source == "kdeconnect") return "KDE Connect";
    if (source == "gnome_calls") return "GNOME Calls";
    if (source == "modemmanager") return "ModemManager";
    return source;
}

// Why a phone source is not followed, in words (the daemon gives the reason as a key).
std::string notFollowedWhy(const std::string& why) {
    if (why == "switched off in the policy") return tr("the policy switches it off");
    if (why == "no system bus") return tr("there is no system bus here");
    if (why == "the system bus went away") return tr("the system bus went away");
    if (why == "ModemManager cannot be followed") return tr("ModemManager did not answer");
    return why;
}

// What is followed, what is not and why, and what went wrong with what is.
void printPhones(const json& s, std::ostream& out) {
    if (!s["phones"].empty()) {
        out << fill(tr("Phones and calls followed through: {sources}."),
                    {{"sources", names(s["phones"])}})
            << "\n";
    }
    std::vector<std::string> said;  // "source: why", as phone_problems has them too
    for (const auto& row : s["not_followed"]) {
        const auto source = row["source"].get<std::string>();
        const auto why = row["why"].get<std::string>();
        said.push_back(source + ": " + why);
        out << fill(tr("Not followed: calls and messages through {source}, because {why}."),
                    {{"source", sourceName(source)}, {"why", notFollowedWhy(why)}})
            << "\n";
    }
    for (const auto& problem : s["phone_problems"]) {
        if (std::ranges::find(said, problem.get<std::string>()) != said.end()) continue;
        out << fill(tr("Phones: {problem}. Nothing is lost; the journal has every call."),
                    {{"problem", problem.get<std::string>()}})
            << "\n";
    }
}

// xfce4-notifyd writes what arrives to its log when that is on: which of nocontact's apps it
// takes in now (null when xfconf does not say).
json xfceLogJson(sdbus::IConnection& connection) {
    auto log = readXfceLog(connection);
    if (!log) return nullptr;
    auto builtin = config::loadProfilesFile(config::builtinProfilesPath());
    auto apps = config::appsLogged(*log, config::watchedAppNames(builtin.profiles));
    return {{"on", log->on}, {"apps_logged", apps}};
}

void printServerLog(const json& s, std::ostream& out) {
    // find(), not []: a const json's [] on a missing key is undefined (an assertion in debug).
    auto log = s.find("server_log");
    if (log == s.end() || !log->is_object()) return;
    auto apps = log->find("apps_logged");
    if (apps == log->end() || apps->empty()) return;
    out << fill(tr("xfce4-notifyd's log is on: it writes each notification's text there as it "
                   "arrives, a contact's message too, before nocontact takes it back. To keep "
                   "{apps} out of that log, run `nocontactctl setup` (or switch off the log "
                   "for them in xfce4-notifyd's settings)."),
                {{"apps", names(*apps)}})
        << "\n";
}

void printStatus(const json& s, const Status& raw, std::ostream& out, const Style& style) {
    const std::string version = s["version"].get<std::string>();
    out << fill(s["dry_run"].get<bool>()
                    ? tr("nocontactd {version} is running in dry-run mode (deciding, not acting).")
                    : tr("nocontactd {version} is running."),
                {{"version", version}})
        << "\n"
        << fill(tr("Policy: {file}"), {{"file", s["policy_file"].get<std::string>()}}) << "\n  "
        << s["policy_message"].get<std::string>() << "\n";
    std::string server = s["server_name"].get<std::string>();
    out << fill(tr("Notifications: {server}; {path}."),
                {{"server", server.empty() ? std::string(tr("no server"))
                                           : server + " " + s["server_version"].get<std::string>()},
                 {"path", withholdingSentence(s["withholding"].get<std::string>())}})
        << "\n"
        << fill(tr("Seen {seen}, kept {kept}; {held} waiting for you."),
                {{"seen", s["seen"].dump()},
                 {"kept", s["withheld"].dump()},
                 {"held", s["held"].dump()}})
        << "\n";
    printRules(s, out);
    printServerLog(s, out);
    if (unsigned n = s["unanswerable"].get<unsigned>(); n > 0) {
        out << fill(trn("{n} message from a contact came without asking for a reply, so the "
                        "notification server never said which one to close: it was shown, and "
                        "it is kept.",
                        "{n} messages from a contact came without asking for a reply, so the "
                        "notification server never said which ones to close: they were shown, "
                        "and they are kept.",
                        n),
                    {{"n", std::to_string(n)}})
            << "\n";
    }
    if (const auto& extension = s["shell_extension"]; extension.is_object()) {
        out << shellExtensionSentence(
                   {.running = true,
                    .answers = extension["answers"].get<bool>(),
                    .uuid = extension["uuid"].get<std::string>(),
                    .version = extension["version"].get<std::uint32_t>(),
                    .shell_version = extension["shell_version"].get<std::string>()})
            << "\n";
    }
    if (s["journal"].get<std::string>() == "memory") {
        out << journalSentence(s["journal_trouble"].get<std::string>()) << "\n";
    }
    if (const auto freezer = s["freezer"].get<std::string>();
        !freezer.empty() && freezer != "untried" && freezer != "available") {
        out << fill(tr("Apps are not frozen during the pause before them here ({reason}); the "
                       "pause comes all the same."),
                    {{"reason", freezer}})
            << "\n";
    }
    printPhones(s, out);
    if (!s["snoozed_until"].is_null()) {
        out << fill(tr("Snoozed until {time}: nocontact is resting, and will be back then."),
                    {{"time", localMinute(statusValue<std::int64_t>(raw, "snoozed_until"))}})
            << "\n";
    }
    for (const auto& row : s["levels"]) {
        const auto contact = row["contact"].get<std::string>();
        out << "  "
            << (style.colour() ? style.level(row["level"].get<std::string>(), "●") + " " : "")
            << row["why"].get<std::string>();
        if (const auto& day = s["day_counts"].value(contact, json()); day.is_number()) {
            out << " "
                << fill(tr("{day} of your space from {contact}."),
                        {{"day", fill(tr("Day {n}"), {{"n", day.dump()}})}, {"contact", contact}});
        }
        if (unsigned n = s["held_by_contact"].value(contact, 0u); n > 0) {
            out << " "
                << fill(trn("{n} message waits for you.", "{n} messages wait for you.", n),
                        {{"n", std::to_string(n)}});
        }
        out << "\n";
    }
    if (!s["changed_levels"].empty()) {
        out << tr("A change of yours stands over the policy's level until it ends; `nocontactctl "
                  "reset CONTACT` goes back to the policy.")
            << "\n";
    }
}

}  // namespace

int runStatus(bool as_json, std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        auto raw = client.Status();
        json s = statusJson(raw);
        auto& connection = client.connection();
        s["shell_extension"] = shellExtensionJson(askShellExtension(connection));
        if (s.value("server_name", "") == "xfce4-notifyd")
            s["server_log"] = xfceLogJson(connection);
        if (as_json) {
            out << s.dump(2) << '\n';
        } else {
            printStatus(s, raw, out, Style::forStream(stdout));
        }
        return kExitOk;
    });
}

int runReload(std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        auto [applied, message] = client.Reload();
        (applied ? out : err) << message << '\n';
        if (!applied) err << tr("Nothing was changed.") << "\n";
        return applied ? kExitOk : kExitError;
    });
}

}  // namespace nocontact::ctl
