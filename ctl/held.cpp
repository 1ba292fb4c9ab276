// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/held.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "config/i18n.hpp"
#include "ctl/client.hpp"
#include "ctl/commands.hpp"
#include "ctl/when.hpp"
#include "dbus/names.hpp"
#include "policy/normalise.hpp"

namespace nocontact::ctl {

namespace {

using json = nlohmann::ordered_json;
using Row = HeldRow;

volatile sig_atomic_t interrupted = 0;
void onInterrupt(int) {
    interrupted = 1;
}

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

// The countdown, drawn on `err` when it is a terminal. False when the person pressed Ctrl-C.
bool terminalPause(int seconds, bool tty, std::ostream& err) {
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;  // no SA_RESTART: the sleep ends at once
    sigaction(SIGINT, &sa, nullptr);
    constexpr int kTicksPerSecond = 10;  // smooth enough for a bar, cheap enough to idle
    constexpr int kBarWidth = 30;
    for (int tick = 0; tick <= seconds * kTicksPerSecond && !interrupted; ++tick) {
        if (tty) {
            int filled = seconds == 0 ? kBarWidth : tick * kBarWidth / (seconds * kTicksPerSecond);
            int left = seconds - tick / kTicksPerSecond;
            err << "\r  [" << std::string(filled, '#') << std::string(kBarWidth - filled, ' ')
                << "] " << left << " s " << std::flush;
        }
        timespec ts{0, 1000000000L / kTicksPerSecond};
        if (tick < seconds * kTicksPerSecond) nanosleep(&ts, nullptr);
    }
    if (tty) err << "\n";
    signal(SIGINT, SIG_DFL);
    return !interrupted;
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
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
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
    } catch (const sdbus::Error& e) {
        return daemonError(e, err);
    }
}

int runRead(const std::string& target, std::ostream& out, std::ostream& err) {
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
        auto rows = chosen(client.ListHeld(), target, true);
        if (rows.empty()) return nothingWaits(target, err);
        auto status = client.Status();
        auto it = status.find("pause_seconds");
        int seconds = it != status.end() && it->second.containsValueOfType<std::uint32_t>()
                          ? static_cast<int>(it->second.get<std::uint32_t>())
                          : 20;
        const auto n = static_cast<unsigned long>(rows.size());
        err << i18n::fill(i18n::trn("Take a breath. {n} message from {contact} can wait a moment "
                                    "longer.\nCtrl-C lets it go.",
                                    "Take a breath. {n} messages from {contact} can wait a "
                                    "moment longer.\nCtrl-C lets them go.",
                                    n),
                          {{"n", std::to_string(n)}, {"contact", std::get<1>(rows.front())}})
            << "\n";
        if (!terminalPause(seconds, isatty(STDERR_FILENO), err)) {
            for (const auto& r : rows) {
                if (waiting(r)) client.LetGo(std::get<0>(r));
            }
            err << i18n::tr("Let go. Kept for 30 days, should you change your mind.") << "\n";
            return kExitOk;
        }
        for (const auto& r : rows) {
            auto [app, summary, body] = client.ReadHeld(std::get<0>(r));
            out << app << ": " << summary << '\n' << body << "\n\n";
        }
        return kExitOk;
    } catch (const sdbus::Error& e) {
        return daemonError(e, err);
    }
}

int runLetGo(const std::string& target, std::ostream& out, std::ostream& err) {
    try {
        auto connection = sdbus::createSessionBusConnection();
        Client client(*connection);
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
    } catch (const sdbus::Error& e) {
        return daemonError(e, err);
    }
}

}  // namespace nocontact::ctl
