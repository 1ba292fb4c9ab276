// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/held.hpp"

#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/i18n.hpp"
#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "ctl/terminal_pause.hpp"
#include "ctl/when.hpp"
#include "dbus/names.hpp"
#include "policy/normalise.hpp"

namespace nocontact::ctl {

namespace {

using json = nlohmann::ordered_json;
using Row = HeldRow;

bool waiting(const Row& r) {
    return std::get<4>(r) == "held" || std::get<4>(r) == "later";
}

// The waiting messages `target` names: one id, or every one from a contact (by name, folded).
// With `let_go_too`, an id may also name a message let go: it stays readable for 30 days, should
// the person change their mind (a name still means only what waits).
std::vector<Row> chosen(const std::vector<Row>& rows, const std::string& target,
                        bool let_go_too = false) {
    bool is_id = !target.empty() && std::all_of(target.begin(), target.end(), ::isdigit);
    std::vector<Row> out;
    for (const auto& r : rows) {
        if (!waiting(r) && !(let_go_too && is_id)) continue;
        bool match = is_id ? std::to_string(std::get<0>(r)) == target
                           : policy::foldName(std::get<1>(r)) == policy::foldName(target);
        if (match) out.push_back(r);
    }
    return out;
}

int nothingWaits(const std::string& target, std::ostream& err) {
    err << i18n::fill(i18n::tr("Nothing is waiting under '{target}'. `nocontactctl held` lists "
                               "what is."),
                      {{"target", target}})
        << "\n";
    return kExitError;
}

// What the desktop pause would show for the contact of `rows`; without the day count and a
// reason when nocontactd cannot say (a contact no longer in the policy, an older nocontactd).
TerminalPauseView pauseView(Client& client, const std::vector<Row>& rows) {
    TerminalPauseView view{.contact = std::get<1>(rows.front()), .messages = rows.size()};
    try {
        auto pause = client.PauseFor(view.contact);
        auto get = [&pause]<typename T>(const char* key, T fallback) {
            auto it = pause.find(key);
            return it != pause.end() && it->second.containsValueOfType<T>() ? it->second.get<T>()
                                                                            : fallback;
        };
        view.day = get("day", std::int64_t{-1});
        view.reason = get("reason", std::string{});
        view.seconds = static_cast<int>(get("seconds", std::uint32_t{20}));
    } catch (const sdbus::Error&) {
        // The pause still comes, with the countdown alone.
    }
    return view;
}

// Ctrl-C, or no answer: nothing changed.
int stopped(std::ostream& err) {
    err << i18n::tr("Stopped. Nothing changed.") << "\n";
    return kExitInterrupted;
}

// Each message with the time it came, as its app posted it.
void printMessage(const Row& r, Client& client, std::ostream& out) {
    auto [app, summary, body] = client.ReadHeld(std::get<0>(r));
    out << localMinute(std::get<3>(r)) << "  " << app << "\n" << summary << '\n';
    if (!body.empty()) out << body << '\n';
    out << '\n';
}

int carryOut(Client& client, const std::vector<Row>& rows, ReadChoice choice, std::ostream& out) {
    if (choice == ReadChoice::Read) {
        for (const auto& r : rows)
            printMessage(r, client, out);
        return kExitOk;
    }
    // A message let go and named by its id stays as it is: only waiting ones are decided.
    if (std::ranges::none_of(rows, waiting)) {
        out << i18n::tr("Nothing changed.") << "\n";
        return kExitOk;
    }
    for (const auto& r : rows) {
        if (!waiting(r)) continue;
        if (choice == ReadChoice::Later)
            client.KeepForLater(std::get<0>(r));
        else
            client.LetGo(std::get<0>(r));
    }
    out << (choice == ReadChoice::Later
                ? i18n::fill(i18n::tr("Kept for later: `nocontactctl read {contact}` whenever you "
                                      "like."),
                             {{"contact", std::get<1>(rows.front())}})
                : std::string(i18n::tr("Let go. Kept for 30 days, should you change your mind.")))
        << "\n";
    return kExitOk;
}

// A message's state in words, as status counts it: held and later both wait. The JSON keeps
// the state's name.
std::string stateWords(const std::string& state) {
    if (state == "held") return i18n::tr("waiting");
    if (state == "later") return i18n::tr("waiting, kept for later");
    if (state == "let_go") return i18n::tr("let go");
    return state;
}

// Said under a list without them: the messages let go can still be read.
std::string letGoHint(std::size_t n) {
    return i18n::fill(i18n::trn("{n} message you let go can still be read for a while: "
                                "nocontactctl held --all lists it.",
                                "{n} messages you let go can still be read for a while: "
                                "nocontactctl held --all lists them.",
                                n),
                      {{"n", std::to_string(n)}});
}

}  // namespace

nlohmann::ordered_json heldJson(const std::vector<HeldRow>& rows) {
    json list = json::array();
    for (const auto& r : rows) {
        list.push_back({{"id", std::get<0>(r)},
                        {"contact", std::get<1>(r)},
                        {"app", std::get<2>(r)},
                        {"received", isoUtc(std::get<3>(r))},
                        {"state", std::get<4>(r)}});
    }
    return list;
}

int runHeld(bool as_json, bool all, std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        auto rows = client.ListHeld();
        const auto let_go = all ? 0 : std::erase_if(rows, [](const Row& r) { return !waiting(r); });
        json list = heldJson(rows);
        if (as_json) {
            out << list.dump(2) << '\n';
        } else if (rows.empty()) {
            out << i18n::tr("Nothing is waiting for you.") << "\n";
        } else {
            for (const auto& r : rows) {
                out << "  " << std::get<0>(r) << "  " << localMinute(std::get<3>(r)) << "  "
                    << std::get<1>(r) << " (" << std::get<2>(r) << ")  "
                    << stateWords(std::get<4>(r)) << '\n';
            }
            if (!std::ranges::all_of(rows, waiting)) {
                out << i18n::tr(
                           "A message you let go can still be read by its id for 30 days: "
                           "nocontactctl read ID.")
                    << "\n";
            }
        }
        if (!as_json && let_go > 0) out << letGoHint(let_go) << "\n";
        return kExitOk;
    });
}

int runRead(const std::string& target, std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        auto rows = chosen(client.ListHeld(), target, true);
        if (rows.empty()) return nothingWaits(target, err);
        CtrlC ctrl_c;  // from before the first word: Ctrl-C never lets anything go
        const auto view = pauseView(client, rows);
        err << pauseIntro(view) << "\n";
        if (!countdown(view.seconds, isatty(STDERR_FILENO), err)) return stopped(err);
        // Asked where a person can answer; a script that runs `read` has said what it wants.
        auto choice = isatty(STDIN_FILENO) ? askChoice(rows.size(), err) : ReadChoice::Read;
        if (!choice) return stopped(err);
        return carryOut(client, rows, *choice, out);
    });
}

int runLetGo(const std::string& target, std::ostream& out, std::ostream& err) {
    return withDaemon(err, [&](Client& client) {
        auto rows = chosen(client.ListHeld(), target);
        if (rows.empty()) return nothingWaits(target, err);
        for (const auto& r : rows)
            client.LetGo(std::get<0>(r));
        out << i18n::fill(i18n::trn("Let go: {n} message. Kept for 30 days, should you change "
                                    "your mind.",
                                    "Let go: {n} messages. Kept for 30 days, should you change "
                                    "your mind.",
                                    rows.size()),
                          {{"n", std::to_string(rows.size())}})
            << "\n";
        return kExitOk;
    });
}

}  // namespace nocontact::ctl
