// SPDX-License-Identifier: GPL-3.0-or-later
// Kept messages through the real nocontactd and the real nocontactctl: `held`, `read` (after
// the terminal pause, or let go with Ctrl-C) and `let-go`.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::slurp;
using namespace std::chrono_literals;

// Strict: kept without a pause, reachable only through `nocontactctl read`.
const std::string kStrictPolicy = nocontact::testing::alexPolicy("strict");

// nocontactctl run by the tests below (tests/integration/daemon_ctl.hpp).
class DaemonHeld : public nocontact::testing::DaemonCtl {};

TEST_F(DaemonHeld, ListsAKeptMessageWithoutItsText) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "a message kept at strict"))));
    auto list = held();
    ASSERT_EQ(list.size(), 1u) << list.dump();
    EXPECT_EQ(list[0]["contact"], "Alex");
    EXPECT_EQ(list[0]["app"], "Signal");
    EXPECT_EQ(list[0]["state"], "held");
    EXPECT_TRUE(list[0]["id"].is_number_integer());
    EXPECT_TRUE(list[0]["received"].is_string());
    EXPECT_EQ(list.dump().find("kept at strict"), std::string::npos) << "no text in the list";
}

TEST_F(DaemonHeld, ReadsAMessageAfterTheTerminalPause) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "read me when you are ready"))));
    Run run = ctl({"read", "Alex"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("Take a breath"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("read me when you are ready"), std::string::npos) << run.out;
    EXPECT_TRUE(held().empty()) << "a read message no longer waits";
}

TEST_F(DaemonHeld, ChangesNothingWhenThePersonPressesCtrlC) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "maybe not tonight"))));
    pid_t pid = spawnCtl({"read", "Alex"});
    ASSERT_TRUE(waitFor([&] { return slurp(err_).find("Ctrl-C") != std::string::npos; }, 10s));
    kill(pid, SIGINT);
    Run run = finish(pid);
    EXPECT_EQ(run.status, 130) << run.err;
    EXPECT_NE(run.err.find("Nothing changed"), std::string::npos) << run.err;
    EXPECT_EQ(run.out.find("maybe not tonight"), std::string::npos) << "not shown";
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "held") << "still waiting, as before";
}

TEST_F(DaemonHeld, LetsAMessageGoByIdAndSaysWhenNothingWaits) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one to let go by id"))));
    std::string id = std::to_string(held()[0]["id"].get<std::int64_t>());
    Run run = ctl({"let-go", id});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(held()[0]["state"], "let_go");
    Run again = ctl({"let-go", id});
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.err.find("Nothing is waiting"), std::string::npos) << again.err;
}

// The API refuses every other user (DESIGN.md §6): another uid on the same bus, here nobody
// (65534) through setpriv, gets AccessDenied for Status, and for reading a kept message.
TEST_F(DaemonHeld, RefusesAnotherUser) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "not for anyone else"))));
    ASSERT_EQ(chmod(bus_.dir().c_str(), 0711), 0);  // the socket, reachable; nothing listed
    auto asNobody = [&](std::vector<std::string> args) {
        std::vector<std::string> all = {"--reuid=65534", "--regid=65534", "--clear-groups",
                                        NOCONTACTCTL};
        all.insert(all.end(), args.begin(), args.end());
        return finish(spawn("/usr/bin/setpriv", all));
    };
    for (auto args : {std::vector<std::string>{"status"}, {"held", "--json"}, {"read", "Alex"}}) {
        Run run = asNobody(args);
        EXPECT_EQ(run.status, 1) << args[0] << ": " << run.out << run.err;
        EXPECT_NE(run.err.find("Only the user who runs nocontact can talk to it."),
                  std::string::npos)
            << args[0] << ": " << run.err;
        EXPECT_EQ(run.out.find("not for anyone else"), std::string::npos);
    }
    ASSERT_EQ(held().size(), 1u) << "still kept, for its owner";
}

// Day N of the space from Alex today (day 1: 2024-12-10, alexPolicy's `since`), in this
// process's zone.
long dayOfAlexsSpace() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    using namespace std::chrono;
    sys_days today = year{tm.tm_year + 1900} / month(static_cast<unsigned>(tm.tm_mon + 1)) /
                     day(static_cast<unsigned>(tm.tm_mday));
    return (today - sys_days{year{2024} / December / 10}).count() + 1;
}

const std::string kPausePolicy = nocontact::testing::alexPolicy("pause");

class DaemonChanges : public DaemonHeld {
  protected:
    // Sends a message from Alex and waits until the daemon has judged it (Intervened).
    std::uint32_t judged(const std::string& body) {
        std::size_t before = client_->intervened.size();
        std::uint32_t id = idOf(signalFrom("Alex Morgan", body));
        EXPECT_TRUE(waitFor([&] { return client_->intervened.size() > before; }));
        return id;
    }
};

TEST_F(DaemonChanges, SoftenLetsMessagesThroughUntilChangedAndSurvivesARestart) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"soften", "Alex", "--to", "open", "--note", "we are sorting out the car"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("softened"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("part of the process"), std::string::npos) << "no sermon: " << run.out;
    EXPECT_EQ(run.out.find("judgement"), std::string::npos) << run.out;
    std::uint32_t id = judged("about the car");
    EXPECT_EQ(closesOf(id), 0) << "softened to open: shown";

    daemon_->kill9();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    std::uint32_t after = judged("about the car, after a restart");
    EXPECT_EQ(closesOf(after), 0) << "the change did not survive the restart";
}

TEST_F(DaemonChanges, FinalStrawMakesItStrictFromToday) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"final-straw", "Alex", "--note", "that was the last time"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("strict"), std::string::npos) << run.out;
    ASSERT_TRUE(waitWithheld(judged("one more try")));
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["state"], "held");
}

// The pause's body as the server was last asked to show it, or "".
std::string lastPauseBody(const nocontact::testing::FakeFdoServer& server) {
    std::string body;
    for (const auto& call : server.calls())
        if (call.member == "Notify" && call.summary.find("take a breath") != std::string::npos)
            body = call.body;
    return body;
}

TEST_F(DaemonChanges, TheFinalStrawsDayOneOutlastsASoftenARestartAndAReload) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_EQ(ctl({"final-straw", "Alex"}).status, 0);
    Run soften = ctl({"soften", "Alex", "--to", "pause"});
    ASSERT_EQ(soften.status, 0) << soften.err;
    ASSERT_TRUE(waitWithheld(judged("after the final straw")));
    ASSERT_TRUE(waitFor([&] { return !lastPauseBody(*server_).empty(); })) << "no pause";
    EXPECT_NE(lastPauseBody(*server_).find("Day 1 of your space from Alex."), std::string::npos)
        << lastPauseBody(*server_);
    Run stats = ctl({"stats", "Alex", "--json"});
    auto doc = nlohmann::json::parse(stats.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << stats.out << stats.err;
    EXPECT_EQ(doc["streaks"][0]["day"], 1) << doc.dump(1);
    Run text = ctl({"stats", "Alex"});
    EXPECT_NE(text.out.find("Day 1 of your space from Alex."), std::string::npos) << text.out;

    daemon_->kill9();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    doc = nlohmann::json::parse(ctl({"stats", "Alex", "--json"}).out, nullptr, false);
    EXPECT_EQ(doc["streaks"][0]["day"], 1) << "the day one did not survive a restart";

    // The person's newer word: a `since` edited in the policy counts from then.
    std::string edited = kPausePolicy;
    edited.replace(edited.find("2024-12-10"), 10, "2024-12-01");
    daemon_->writePolicy(edited);
    ASSERT_EQ(ctl({"reload"}).status, 0);
    doc = nlohmann::json::parse(ctl({"stats", "Alex", "--json"}).out, nullptr, false);
    EXPECT_EQ(doc["streaks"][0]["day"], dayOfAlexsSpace() + 9) << doc.dump(1);
}

TEST_F(DaemonChanges, SnoozeNeedsADurationAndThenRests) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    EXPECT_EQ(ctl({"snooze"}).status, 2) << "a snooze without a duration is a usage error";
    EXPECT_EQ(ctl({"snooze", "soon"}).status, 2);
    Run run = ctl({"snooze", "1h"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("Snoozed until"), std::string::npos) << run.out;
    EXPECT_EQ(closesOf(judged("during the snooze")), 0);
}

TEST_F(DaemonChanges, SaysKindlyWhenTheContactIsUnknown) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    Run run = ctl({"soften", "Jordan"});
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("There is no contact called 'Jordan'"), std::string::npos) << run.err;
    EXPECT_EQ(ctl({"note", "Alex", "I went for a long walk instead"}).status, 0);
}

// The journal, statistics, export and status, read back through nocontactctl.
class DaemonJournal : public DaemonChanges {
  protected:
    nlohmann::json json(const std::vector<std::string>& args) {
        Run run = ctl(args);
        EXPECT_EQ(run.status, 0) << run.err;
        auto doc = nlohmann::json::parse(run.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << run.out;
        return doc;
    }

    // Two kept messages at strict: one read, one let go; a note; a softening.
    void liveADay() {
        ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
        ASSERT_TRUE(waitWithheld(judged("the first secret")));
        ASSERT_EQ(ctl({"read", std::to_string(held()[0]["id"].get<std::int64_t>())}).status, 0);
        ASSERT_TRUE(waitWithheld(judged("the second secret")));
        ASSERT_EQ(ctl({"let-go", "Alex"}).status, 0);
        ASSERT_EQ(ctl({"note", "Alex", "I went for a long walk instead"}).status, 0);
        ASSERT_EQ(ctl({"soften", "Alex", "--to", "firm", "--for", "1h"}).status, 0);
    }
};

TEST_F(DaemonJournal, TheJournalHoldsWhatHappenedButNoMessageText) {
    ASSERT_NO_FATAL_FAILURE(liveADay());
    auto entries = json({"journal", "--json"});
    ASSERT_TRUE(entries.is_array());
    std::vector<std::string> seen, times;
    for (const auto& e : entries) {
        times.push_back(e["time"]);
        std::string what = e["what"];
        if (what == "event")
            what += ":" + e["kind"].get<std::string>() + ":" + e["action"].get<std::string>();
        if (what == "choice") what += ":" + e["choice"].get<std::string>();
        seen.push_back(what);
        EXPECT_EQ(e["contact"], "Alex");
    }
    // Times have whole seconds, and all of this happens within a few: compare as sets.
    std::vector<std::string> want = {"choice:let_go",
                                     "choice:read",
                                     "event:change:soften",
                                     "event:message:hold-strict",
                                     "event:message:hold-strict",
                                     "note"};
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, want) << entries.dump(1);
    EXPECT_TRUE(std::is_sorted(times.begin(), times.end())) << "oldest first";
    EXPECT_EQ(entries.dump().find("secret"), std::string::npos) << "no message text";

    Run text = ctl({"journal"});
    EXPECT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("you let a message go"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("your note: I went for a long walk instead"), std::string::npos);
    EXPECT_NE(text.out.find("kept until you ask for it (strict)"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("secret"), std::string::npos);

    EXPECT_TRUE(json({"journal", "--since", "2099-01-01", "--json"}).empty());
    EXPECT_EQ(json({"journal", "--since", "1h", "--json"}).size(), entries.size());
    Run bad = ctl({"journal", "--since", "last tuesday"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--since takes"), std::string::npos) << bad.err;
}

TEST_F(DaemonJournal, StatsCountTheDayAndThePausesTaken) {
    ASSERT_NO_FATAL_FAILURE(liveADay());
    auto s = json({"stats", "Alex", "--days", "7", "--json"});
    EXPECT_EQ(s["contact"], "Alex");
    ASSERT_EQ(s["per_day"].size(), 7u) << s.dump(1);
    EXPECT_EQ(s["per_day"][6]["their_messages"], 2) << "today: two messages, not the change";
    EXPECT_EQ(s["per_day"][6]["reached_out"], 0);
    EXPECT_EQ(s["per_day"][5]["their_messages"], 0);
    EXPECT_EQ(s["pauses"]["honoured"], 1);
    EXPECT_EQ(s["pauses"]["overridden"], 1);
    EXPECT_EQ(s["pauses"]["let_go"], 1);
    EXPECT_EQ(s["pauses"]["read"], 1);
    ASSERT_EQ(s["streaks"].size(), 1u);
    EXPECT_EQ(s["streaks"][0]["day"], dayOfAlexsSpace());
    EXPECT_TRUE(s["streaks"][0]["last_reached_out"].is_null());

    Run text = ctl({"stats"});
    EXPECT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("Everyone, the last 28 days"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("2 pauses: 1 let go, 0 kept for later, 1 read, 0 opened after them."),
              std::string::npos)
        << text.out;
    EXPECT_EQ(text.out.find("honoured"), std::string::npos) << "a count, not a grade: " << text.out;
    EXPECT_EQ(text.out.find("%"), std::string::npos) << "no rate: " << text.out;
    EXPECT_EQ(text.out.find("anyway"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("got in touch 2 times"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Mon"), std::string::npos) << "a calendar: " << text.out;
    EXPECT_EQ(text.out.find("\033["), std::string::npos) << "no colour into a file";

    EXPECT_EQ(ctl({"stats", "--days", "0"}).status, 2);
    Run unknown = ctl({"stats", "Jordan"});
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.err.find("no contact called 'Jordan'"), std::string::npos) << unknown.err;
}

TEST_F(DaemonJournal, ExportHoldsEverythingButMessageText) {
    ASSERT_NO_FATAL_FAILURE(liveADay());
    auto doc = json({"export", "--json"});
    EXPECT_EQ(doc["format"], "nocontact-export");
    EXPECT_EQ(doc["status"]["levels"][0]["contact"], "Alex");
    ASSERT_EQ(doc["held"].size(), 1u) << "the let-go message; a read one is no longer kept";
    EXPECT_EQ(doc["held"][0]["state"], "let_go");
    EXPECT_EQ(doc["journal"].size(), 6u);
    EXPECT_EQ(doc.dump().find("secret"), std::string::npos) << "no message text";
}

TEST_F(DaemonJournal, StatusShowsWhatWaitsAndTheSnooze) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_TRUE(waitWithheld(judged("waiting one")));
    ASSERT_TRUE(waitWithheld(judged("waiting two")));
    auto s = json({"status", "--json"});
    EXPECT_EQ(s["held_by_contact"]["Alex"], 2) << s.dump(1);
    EXPECT_TRUE(s["snoozed_until"].is_null());
    Run text = ctl({"status"});
    EXPECT_NE(text.out.find("2 messages wait for you"), std::string::npos) << text.out;

    ASSERT_EQ(ctl({"snooze", "2h"}).status, 0);
    EXPECT_TRUE(json({"status", "--json"})["snoozed_until"].is_string());
    EXPECT_NE(ctl({"status"}).out.find("Snoozed until"), std::string::npos);
}

TEST_F(DaemonJournal, TheCommandLineSpeaksThePersonsLanguage) {
    ASSERT_NO_FATAL_FAILURE(liveADay());
    // The pseudo-translation "xx" (tests/i18n) wraps each sentence of the catalogue in ⟦ ⟧.
    setenv("LANGUAGE", "xx", 1);
    setenv("LC_ALL", nocontact::testing::translatableLocale(), 1);
    setenv("NOCONTACT_LOCALE_DIR", NOCONTACT_TEST_LOCALE_DIR, 1);
    Run status = ctl({"status"});
    Run journal = ctl({"journal"});
    Run stats = ctl({"stats", "Alex"});
    Run nothing = ctl({"let-go", "Jordan"});
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("NOCONTACT_LOCALE_DIR");
    EXPECT_NE(status.out.find("⟦nocontactd "), std::string::npos) << status.out;
    EXPECT_NE(journal.out.find("⟦you let a message go⟧"), std::string::npos) << journal.out;
    EXPECT_NE(stats.out.find("⟦2 pauses: 1 let go"), std::string::npos) << stats.out;
    EXPECT_NE(nothing.err.find("⟦Nothing is waiting under 'Jordan'"), std::string::npos)
        << nothing.err;
}

// A real translation as the build makes it for installing (po/de.po): nocontactd and
// nocontactctl both in German, down to the daemon's sentence about the contact's level.
TEST_F(DaemonJournal, SpeaksGermanToAGermanSpeaker) {
    setenv("LANGUAGE", "de", 1);
    setenv("LC_ALL", nocontact::testing::translatableLocale(), 1);
    setenv("NOCONTACT_LOCALE_DIR", NOCONTACT_BUILD_LOCALE_DIR, 1);
    startDaemon(kStrictPolicy);  // the daemon takes the environment as it is now
    std::uint32_t id = HasFatalFailure() ? 0 : judged("auf Deutsch");
    // Withheld: closed, and a placeholder in its place, in German.
    bool kept = id != 0 && waitFor([&] {
                    int placeholders = 0;
                    for (const auto& call : server_->calls())
                        placeholders +=
                            call.id == id &&
                            call.summary == "nocontact hat eine Nachricht für dich aufbewahrt";
                    return placeholders > 0 && closesOf(id) > 0;
                });
    Run status = ctl({"status"});
    Run nothing = ctl({"let-go", "Jordan"});
    Run help = ctl({"--help"});
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("NOCONTACT_LOCALE_DIR");
    ASSERT_TRUE(kept);
    EXPECT_NE(status.out.find("Alex: strict (Standard der Richtlinie)."), std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("1 Nachricht wartet auf dich."), std::string::npos) << status.out;
    EXPECT_NE(nothing.err.find("Unter 'Jordan' wartet nichts."), std::string::npos) << nothing.err;
    EXPECT_NE(help.out.find("Was nocontact gerade tut, und warum."), std::string::npos) << help.out;
}

// Reaching out, against python3-dbusmock's `systemd` template standing in for the systemd user
// manager (its StartTransientUnit emits JobNew, as the real one does for a launched app), with
// FreezeUnit, ThawUnit, StopUnit, Subscribe and ListUnitsByPatterns added with the real
// manager's signatures (org.freedesktop.systemd1(5)). The apps' units are named as GNOME, KDE and
// Flatpak name them.
class DaemonReaching : public DaemonJournal {
  protected:
    void SetUp() override {
        DaemonJournal::SetUp();
        mock_ = fork();
        if (mock_ == 0) {
            setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            execl("/usr/bin/python3", "python3", "-m", "dbusmock", "--session", "--template",
                  "systemd", static_cast<char*>(nullptr));
            _exit(127);
        }
        manager_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        proxy_ = nocontact::dbus::sd::proxy(*manager_, "org.freedesktop.systemd1",
                                            "/org/freedesktop/systemd1");
        ASSERT_TRUE(waitFor(
            [&] {
                try {
                    mock("AddMethod", kManager, "Subscribe", "", "", "");
                    return true;
                } catch (const sdbus::Error&) {
                    return false;  // not on the bus yet
                }
            },
            10s))
            << "python3-dbusmock did not start";
        for (const char* method : {"FreezeUnit", "ThawUnit"})
            mock("AddMethod", kManager, method, "s", "", "");
        mock("AddMethod", kManager, "ListUnitsByPatterns", "asas", "a(ssssssouso)", "ret = []");
        // The template's StopUnit wants units it made object paths for, which names with "\"
        // or "@" cannot be.
        mock("AddMethod", kManager, "StopUnit", "ss", "o",
             "ret = '/org/freedesktop/systemd1/job/1'");
    }
    void TearDown() override {
        proxy_.reset();
        manager_.reset();
        if (mock_ > 0) {
            kill(mock_, SIGTERM);
            waitpid(mock_, nullptr, 0);
        }
        DaemonJournal::TearDown();
    }

    // Calls `method` of python3-dbusmock's own interface (org.freedesktop.DBus.Mock).
    template <typename... Args>
    void mock(const char* method, const Args&... args) {
        proxy_->callMethod(method).onInterface(kMock).withArguments(args...);
    }
    // An app started in `unit` (the mock emits JobNew for it).
    void launch(const std::string& unit) {
        using Properties = std::vector<sdbus::Struct<std::string, sdbus::Variant>>;
        using Aux = std::vector<sdbus::Struct<std::string, Properties>>;
        proxy_->callMethod("StartTransientUnit")
            .onInterface(kManager)
            .withArguments(unit, "fail", Properties{}, Aux{});
    }
    // The units `method` was called with, in order.
    std::vector<std::string> calls(const char* method) {
        std::vector<sdbus::Struct<std::uint64_t, std::vector<sdbus::Variant>>> found;
        proxy_->callMethod("GetMethodCalls")
            .onInterface(kMock)
            .withArguments(method)
            .storeResultsTo(found);
        std::vector<std::string> units;
        for (const auto& call : found) {
            const auto& args = std::get<1>(call);
            if (!args.empty()) units.push_back(args[0].get<std::string>());
        }
        return units;
    }
    // The server id of the pause before `app`, or 0.
    std::uint32_t reachPause(const std::string& app) const {
        for (const auto& [id, shown] : server_->shown())
            if (shown.summary.find("You're opening " + app) != std::string::npos) return id;
        return 0;
    }
    // The buttons of the latest version of the pause before `app`.
    std::vector<std::string> labels(const std::string& app) const {
        std::vector<std::string> out;
        for (const auto& call : server_->calls()) {
            if (call.member != "Notify" ||
                call.summary.find("You're opening " + app) == std::string::npos)
                continue;
            out.clear();
            for (std::size_t i = 1; i < call.actions.size(); i += 2)
                out.push_back(call.actions[i]);
        }
        return out;
    }

    static constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
    static constexpr const char* kMock = "org.freedesktop.DBus.Mock";
    static std::string policy(const std::string& strictness, bool freeze) {
        return "version: 1\ndefaults: { strictness: " + strictness +
               ", pause: 3s }\nreaching_out: { from: firm, freeze: " + (freeze ? "true" : "false") +
               ", grace: 10m }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
               "    reasons: [\"You asked for this space for good reasons.\"]\n"
               "    match: { names: [\"Alex Morgan\"] }\n";
    }
    pid_t mock_ = -1;
    std::unique_ptr<sdbus::IConnection> manager_;
    std::unique_ptr<sdbus::IProxy> proxy_;
};

TEST_F(DaemonReaching, FreezesTheAppDuringThePauseAndClosesItWhenLetGo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = R"(app-gnome-signal\x2ddesktop-4242.scope)";
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; })) << "no pause before Signal";
    EXPECT_EQ(calls("FreezeUnit"), std::vector<std::string>{unit});
    std::uint32_t id = reachPause("Signal");
    const auto& shown = server_->shown().at(id);
    EXPECT_NE(shown.body.find("Day "), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find("good reasons"), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find("Signal waits until you choose"), std::string::npos) << shown.body;
    EXPECT_EQ(labels("Signal"), std::vector<std::string>{"Let it go"}) << "Open comes later";
    for (const auto& call : server_->calls()) {
        if (call.summary.find("You're opening Signal") == std::string::npos) continue;
        EXPECT_EQ(call.hints.count("urgency") ? call.hints.at("urgency") : "", "1")
            << "normal urgency: a breath, not an alarm";
        EXPECT_EQ(call.expire_timeout, 0) << "it stays while Signal waits";
    }

    server_->emitActionInvoked(id, "let-go");
    ASSERT_TRUE(waitFor([&] { return !calls("StopUnit").empty(); }));
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{unit}) << "thawed, so it can close";
    EXPECT_EQ(calls("StopUnit"), std::vector<std::string>{unit});
    Run journal = ctl({"journal"});
    EXPECT_NE(journal.out.find("you let Signal go after the pause"), std::string::npos)
        << journal.out;
    EXPECT_EQ(journal.out.find("you opened"), std::string::npos) << "let go: " << journal.out;
}

TEST_F(DaemonReaching, OpensTheAppAfterTheCountdownWhenThePersonChoosesTo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = "app-org.telegram.desktop@2f1c6a0b9d.service";  // as KDE names it
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    std::uint32_t id = reachPause("Telegram");
    // Firm: twice the policy's 3 s.
    ASSERT_TRUE(waitFor([&] { return labels("Telegram").size() == 2; }, 10s)) << "no Open";
    EXPECT_EQ(labels("Telegram"), (std::vector<std::string>{"Open", "Let it go"}));
    server_->emitActionInvoked(id, "open");
    ASSERT_TRUE(waitFor([&] { return !calls("ThawUnit").empty(); }));
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{unit});
    EXPECT_TRUE(calls("StopUnit").empty()) << "opened, not closed";
    auto stats = json({"stats", "Alex", "--json"});
    EXPECT_TRUE(stats["streaks"][0]["last_reached_out"].is_null())
        << "opening an app, even anyway, is not reaching out: " << stats.dump(1);
    EXPECT_EQ(stats["streaks"][0]["day"], dayOfAlexsSpace()) << "the day count goes on";
    EXPECT_EQ(stats["per_day"].back()["reached_out"], 0);
    EXPECT_EQ(stats["pauses"]["opened_anyway"], 1) << stats.dump(1);
    Run journal = ctl({"journal"});
    EXPECT_NE(journal.out.find("you opened Telegram after the pause"), std::string::npos)
        << journal.out;
    EXPECT_NE(journal.out.find("you went to open Telegram; a pause came first (firm)"),
              std::string::npos)
        << journal.out;
}

TEST_F(DaemonReaching, AFreezeRefusedForOneUnitIsTriedAgainForTheNext) {
    // "Not this unit, not now" (a job still running) says nothing about the machine.
    mock("AddMethod", kManager, "FreezeUnit", "s", "",
         "raise dbus.exceptions.DBusException('Unit has a pending job', "
         "name='org.freedesktop.systemd1.UnitBusy')");
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    launch("app-gnome-org.telegram.desktop-1.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    EXPECT_EQ(field<std::string>(status(), "freezer"), "untried");
    launch("app-flatpak-org.signal.Signal-2.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(calls("FreezeUnit").size(), 2u) << "asked again for the next app";
}

TEST_F(DaemonReaching, PausesOnceWithinTheGraceAndLeavesOtherAppsAlone) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", false)));
    launch("app-flatpak-org.signal.Signal-31337.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    server_->emitActionInvoked(reachPause("Signal"), "let-go");
    ASSERT_TRUE(waitFor([&] { return !calls("StopUnit").empty(); }));
    launch("app-flatpak-org.signal.Signal-31338.scope");  // again, within the grace
    launch("app-gnome-firefox-5150.scope");               // not a messaging app
    launch("app-gnome-org.gnome.Calculator-5151.scope");  // no profile at all
    // A barrier: the journal has the second launch once it has been judged.
    nlohmann::json reached;
    ASSERT_TRUE(waitFor([&] {
        reached = json({"journal", "--json"});
        int n = 0;
        for (const auto& e : reached)
            n += e.value("kind", "") == "app_launch";
        return n == 2;
    })) << reached.dump(1);
    int pauses = 0;
    for (const auto& [id, shown] : server_->shown())
        pauses += shown.summary.find("You're opening") != std::string::npos;
    EXPECT_EQ(pauses, 0) << "the first was answered; no second within the grace";
    EXPECT_TRUE(calls("FreezeUnit").empty()) << "freeze: false";
    EXPECT_EQ(calls("StopUnit").size(), 1u);

    auto stats = json({"stats", "Alex", "--days", "1", "--json"});
    EXPECT_EQ(stats["per_day"][0]["reached_out"], 0) << "apps opened: " << stats.dump(1);
    EXPECT_EQ(stats["pauses"]["let_go"], 1);
    EXPECT_EQ(stats["pauses"]["honoured"], 1);
    EXPECT_TRUE(stats["streaks"][0]["last_reached_out"].is_null())
        << "opening an app and letting it go is not reaching out";
    EXPECT_EQ(stats["streaks"][0]["day"], dayOfAlexsSpace());
}

TEST_F(DaemonReaching, OpensFreelyBelowTheLevelAndWithoutAFreezerStillPauses) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("pause", true)));
    launch("app-gnome-signal\\x2ddesktop-1.scope");
    // Below `from: firm`: counted in the journal, no pause.
    ASSERT_TRUE(waitFor([&] {
        for (const auto& e : json({"journal", "--json"}))
            if (e.value("kind", "") == "app_launch") return true;
        return false;
    }));
    EXPECT_EQ(reachPause("Signal"), 0u);

    // A manager without a freezer (systemd < 246, cgroup v1) refuses FreezeUnit: the pause
    // comes anyway, and Status says why apps are not frozen.
    mock("AddMethod", kManager, "FreezeUnit", "s", "",
         "raise dbus.exceptions.DBusException('Freezing is not supported here', "
         "name='org.freedesktop.DBus.Error.NotSupported')");
    ASSERT_EQ(ctl({"harden", "Alex", "--to", "firm"}).status, 0);
    launch("app-gnome-org.telegram.desktop-2.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    std::string freezer = field<std::string>(status(), "freezer");
    EXPECT_NE(freezer.find("NotSupported"), std::string::npos) << freezer;
    EXPECT_NE(ctl({"status"}).out.find("Apps are not frozen"), std::string::npos);
    EXPECT_EQ(server_->shown().at(reachPause("Telegram")).body.find("waits until"),
              std::string::npos)
        << "not frozen, so not said to wait";
}

TEST_F(DaemonReaching, NoAppStaysFrozenWhenNocontactdCrashesOrStops) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string first = "app-flatpak-org.signal.Signal-1.scope";
    launch(first);
    // The pause opens once the manager has answered FreezeUnit.
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    daemon_->kill9();  // the pause dies with it; the app must not wait forever
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    ASSERT_TRUE(waitFor([&] { return !calls("ThawUnit").empty(); }))
        << "the app frozen before the crash is thawed after the restart";
    EXPECT_EQ(calls("ThawUnit"), std::vector<std::string>{first});

    const std::string second = "app-gnome-org.telegram.desktop-2.scope";
    launch(second);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }));
    EXPECT_EQ(stopDaemon(), 0);
    EXPECT_EQ(calls("ThawUnit"), (std::vector<std::string>{first, second}))
        << "stopping nocontactd thaws what it froze";
}

// App starts GNOME Shell tells of (the extension's AppStarted), beside those systemd units do.
class DaemonShellLaunches : public DaemonReaching {
  protected:
    // Pauses opened before `app`, each counted once however often it was updated.
    int pausesBefore(const std::string& app) const {
        int n = 0;
        for (const auto& [id, shown] : server_->shown())
            n += shown.summary.find("You're opening " + app) != std::string::npos;
        return n;
    }
    int launchesJournaled() {
        int n = 0;
        for (const auto& e : json({"journal", "--json"}))
            n += e.value("kind", "") == "app_launch";
        return n;
    }
};

TEST_F(DaemonShellLaunches, PausesAnAppStartedWithoutAUnitAndClosesItWhenLetGo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    // Telegram started from a terminal: no unit of its own, only GNOME Shell sees it.
    pid_t app = fork();
    if (app == 0) {
        execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
        _exit(127);
    }
    client_->AppStarted("org.telegram.desktop.desktop", static_cast<std::uint32_t>(app));
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; })) << "no pause";
    EXPECT_TRUE(calls("FreezeUnit").empty()) << "no unit to freeze";
    EXPECT_EQ(server_->shown().at(reachPause("Telegram")).body.find("waits until"),
              std::string::npos)
        << "not frozen, so not said to wait";
    server_->emitActionInvoked(reachPause("Telegram"), "let-go");
    int status = 0;
    ASSERT_TRUE(waitFor([&] { return waitpid(app, &status, WNOHANG) == app; }))
        << "the app was not asked to close";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    EXPECT_TRUE(calls("StopUnit").empty());
    EXPECT_EQ(launchesJournaled(), 1);
}

TEST_F(DaemonShellLaunches, LeavesAppsThatAreNotForMessagingAlone) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    client_->AppStarted("org.gnome.Calculator.desktop", 42);
    client_->AppStarted("firefox.desktop", 43);
    client_->AppStarted("signal-desktop.desktop", 0);  // a barrier: judged after the others
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(launchesJournaled(), 1);
}

TEST_F(DaemonShellLaunches, PausesOnceThroughTheUnitWhenGnomeShellToldFirst) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", true)));
    const std::string unit = R"(app-gnome-signal\x2ddesktop-4242.scope)";
    // GNOME Shell launching Signal: its report (state "starting", no process yet) comes
    // before the scope it starts Signal in.
    client_->AppStarted("signal-desktop.desktop", 0);
    launch(unit);
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    EXPECT_EQ(calls("FreezeUnit"), std::vector<std::string>{unit}) << "frozen through its unit";
    // A barrier: Telegram's report waits as long as Signal's did, and comes after it.
    client_->AppStarted("org.telegram.desktop.desktop", 0);
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }, 10s));
    EXPECT_EQ(pausesBefore("Signal"), 1) << "one launch, one pause";
    EXPECT_EQ(launchesJournaled(), 2) << "Signal once, Telegram once";
}

TEST_F(DaemonShellLaunches, PausesOnceWhenTheUnitToldFirst) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(policy("firm", false)));
    launch("app-flatpak-org.signal.Signal-31337.scope");
    ASSERT_TRUE(waitFor([&] { return reachPause("Signal") != 0; }));
    client_->AppStarted("org.signal.Signal.desktop", 31337);
    client_->AppStarted("org.telegram.desktop.desktop", 0);  // the barrier, as above
    ASSERT_TRUE(waitFor([&] { return reachPause("Telegram") != 0; }, 10s));
    EXPECT_EQ(pausesBefore("Signal"), 1);
    EXPECT_EQ(launchesJournaled(), 2) << "Signal once, Telegram once";
}

// nocontactctl status and the GNOME Shell extension, asked directly on the test's bus.
class StatusOfTheExtension : public DaemonHeld {
  protected:
    void TearDown() override {
        if (extension_) extension_->leaveEventLoop();
        object_.reset();
        extension_.reset();
        DaemonHeld::TearDown();
    }
    // Plays the enabled extension: owns its name and, when `answering`, serves its properties
    // from a thread of its own, as GNOME Shell serves them from its main loop.
    void enableExtension(bool answering) {
        extension_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        if (answering) {
            object_ = nocontact::dbus::sd::object(*extension_, "/org/nocontact/ShellExtension1");
            nocontact::dbus::sd::Interface(*object_, "org.nocontact.ShellExtension1")
                .property("Version", [] { return std::uint32_t{1}; })
                .property("ShellVersion", [] { return std::string("48.7"); })
                .property("Uuid", [] { return std::string("nocontact45@nocontact.org"); })
                .done();
            nocontact::dbus::sd::finishObject(*object_);
            extension_->enterEventLoopAsync();
        }
        nocontact::dbus::sd::requestName(*extension_, "org.nocontact.ShellExtension1");
    }
    std::unique_ptr<sdbus::IConnection> extension_;
    std::unique_ptr<sdbus::IObject> object_;
};

TEST_F(StatusOfTheExtension, NamesTheExtensionItsVersionAndThatItAnswers) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(enableExtension(true));
    Run run = ctl({"status"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("GNOME Shell extension: nocontact45@nocontact.org, version 1, on GNOME "
                           "Shell 48.7; it answers."),
              std::string::npos)
        << run.out;
    auto s = nlohmann::json::parse(ctl({"status", "--json"}).out, nullptr, false);
    EXPECT_EQ(s["shell_extension"], (nlohmann::json{{"uuid", "nocontact45@nocontact.org"},
                                                    {"version", 1},
                                                    {"shell_version", "48.7"},
                                                    {"answers", true}}))
        << s.dump(1);
}

TEST_F(StatusOfTheExtension, SaysWhenTheExtensionRunsButDoesNotAnswer) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    ASSERT_NO_FATAL_FAILURE(enableExtension(false));  // owns the name, answers nothing
    Run run = ctl({"status"});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("GNOME Shell extension: running, but it did not answer"),
              std::string::npos)
        << run.out;
}

TEST_F(StatusOfTheExtension, SaysNothingOfAnExtensionWhenNoneRuns) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
    Run run = ctl({"status"});
    EXPECT_EQ(run.out.find("GNOME Shell extension:"), std::string::npos) << run.out;
    auto s = nlohmann::json::parse(ctl({"status", "--json"}).out, nullptr, false);
    EXPECT_TRUE(s["shell_extension"].is_null()) << s.dump(1);
}

}  // namespace
