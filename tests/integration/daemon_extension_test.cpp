// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd and the GNOME Shell extension's side of it: Decide, and how the daemon
// leaves notifications to the extension while it runs (it owns org.nocontact.ShellExtension1)
// and closes them itself again when it is gone. The test plays the extension.
#include <glib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"
#include "tests/integration/daemon_process.hpp"

namespace names = nocontact::dbus::names;
using nocontact::testing::Client;
using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::kAlexPolicy;

using namespace std::chrono_literals;

namespace {

using Request = std::map<std::string, sdbus::Variant>;
// ListHeld's rows: id, contact, app name, received (Unix seconds), state.
using HeldRow = sdbus::Struct<std::int64_t, std::string, std::string, std::int64_t, std::string>;

// Decide's answer: the verdict, or the error's name.
struct Answer {
    std::string verdict, error;
};

class AGnomeShellExtension : public DaemonTest {
  protected:
    // The daemon may be posting or updating its pause with a blocking call to the fake server,
    // which only this thread answers: it is stopped while this thread keeps answering.
    void TearDown() override {
        if (daemon_ && !daemon_->exitStatus()) {
            daemon_->signal(SIGTERM);
            EXPECT_TRUE(waitFor([&] { return daemon_->exitStatus().has_value(); }));
            EXPECT_EQ(daemon_->exitStatus().value_or(-1), 0)
                << "nocontactd did not exit cleanly on SIGTERM";
        }
        DaemonTest::TearDown();
    }

    // A Signal Desktop notification as GNOME Shell's FdoNotificationDaemon receives it.
    Request signalRequest(const std::string& sender, const std::string& body) {
        rememberSecret(body);
        return {{"source", sdbus::Variant(std::string("fdo"))},
                {"app_name", sdbus::Variant(std::string("Signal"))},
                {"summary", sdbus::Variant(sender)},
                {"body", sdbus::Variant(body)},
                {"actions", sdbus::Variant(std::vector<std::string>{})},
                {"hints", sdbus::Variant(std::map<std::string, std::string>{
                              {"desktop-entry", "signal"}, {"urgency", "1"}})},
                {"sender_pid", sdbus::Variant(std::uint32_t{4242})}};
    }

    // A Chatty SMS as GNOME Shell's GtkNotificationDaemon receives it.
    Request chattyRequest(const std::string& number, const std::string& title,
                          const std::string& body) {
        rememberSecret(body);
        return {{"source", sdbus::Variant(std::string("gtk"))},
                {"app_id", sdbus::Variant(std::string("sm.puri.Chatty"))},
                {"id", sdbus::Variant(number)},
                {"summary", sdbus::Variant(title)},
                {"body", sdbus::Variant(body)},
                {"hints", sdbus::Variant(std::map<std::string, std::string>{
                              {"category", "im.received"}, {"priority", "high"}})}};
    }

    // Asks Decide asynchronously, pumping this process's connections meanwhile: the daemon may
    // post its pause to the fake server, which only this thread answers.
    Answer decide(const Request& request) {
        std::optional<Answer> answer;
        auto pending =
            client_->proxy()
                .callMethodAsync("Decide")
                .onInterface(names::kInterface)
                .withArguments(request)
                .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e, const std::string& v) {
                    answer = e ? Answer{"", e->getName()} : Answer{v, ""};
                });
        EXPECT_TRUE(waitFor([&] { return answer.has_value(); })) << "Decide hung";
        return answer.value_or(Answer{"", "no answer"});
    }

    // ListHeld, asynchronously for the same reason.
    std::vector<HeldRow> held() {
        std::optional<std::vector<HeldRow>> rows;
        auto pending = client_->proxy()
                           .callMethodAsync("ListHeld")
                           .onInterface(names::kInterface)
                           .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e,
                                                const std::vector<HeldRow>& r) {
                               rows = e ? std::vector<HeldRow>{} : r;
                           });
        EXPECT_TRUE(waitFor([&] { return rows.has_value(); })) << "ListHeld hung";
        return rows.value_or(std::vector<HeldRow>{});
    }

    std::string withholding() { return field<std::string>(status(), "withholding"); }

    // Plays the enabled extension: owns its name from a connection of its own.
    void enableExtension() {
        extension_ = std::make_unique<Client>(bus_.address());
        ASSERT_GE(sd_bus_request_name(extension_->bus(), names::kShellExtensionService, 0), 0);
        ASSERT_TRUE(waitFor([&] { return withholding() == "gnome-shell-extension"; }))
            << "Status says " << withholding();
    }

    // How many pauses (our own notifications) the fake server was asked to show.
    long pausesPosted() const {
        return std::count_if(server_->calls().begin(), server_->calls().end(), [](const auto& c) {
            return c.member == "Notify" && c.app_name == "nocontact";
        });
    }

    std::unique_ptr<Client> extension_;
};

TEST_F(AGnomeShellExtension, HearsHoldForTheContactsMessageAndTheDaemonKeepsIt) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    Answer answer = decide(signalRequest("Alex Morgan", "decide: are you up?"));
    EXPECT_EQ(answer.verdict, "hold") << answer.error;
    auto rows = held();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(std::get<1>(rows[0]), "Alex");
    EXPECT_EQ(std::get<2>(rows[0]), "Signal");
    EXPECT_EQ(std::get<4>(rows[0]), "held");
    EXPECT_EQ(field<std::uint32_t>(status(), "withheld"), 1u);
    EXPECT_TRUE(waitFor([&] { return pausesPosted() >= 1; })) << "no pause after the answer";
}

TEST_F(AGnomeShellExtension, HearsHoldForTheContactsGtkMessage) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    Answer answer = decide(
        chattyRequest("+14155550100", "New message from Alex Morgan", "decide: save me a seat"));
    EXPECT_EQ(answer.verdict, "hold") << answer.error;
    ASSERT_EQ(held().size(), 1u);
}

TEST_F(AGnomeShellExtension, HearsShowForAStrangersMessage) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    EXPECT_EQ(decide(signalRequest("Sam", "decide: lunch tomorrow?")).verdict, "show");
    EXPECT_EQ(
        decide(chattyRequest("+14155550199", "New message from Mom", "decide: call me")).verdict,
        "show");
    EXPECT_TRUE(held().empty());
    EXPECT_EQ(field<std::uint32_t>(status(), "withheld"), 0u);
}

TEST_F(AGnomeShellExtension, HearsShowForTheDaemonsOwnNotifications) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    // A message the person chose to read, re-posted by the daemon under the app's own name:
    // GNOME's notification service names the daemon's process in the sender-pid hint.
    Request reposted = signalRequest("Alex Morgan", "decide: read after the pause");
    reposted["sender_pid"] = sdbus::Variant(static_cast<std::uint32_t>(daemon_->pid()));
    EXPECT_EQ(decide(reposted).verdict, "show");
    EXPECT_TRUE(held().empty());
}

TEST_F(AGnomeShellExtension, HearsShowWhenItWouldHaveStoppedWaitingAndNothingIsHeld) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    // GNOME Shell gave up at its deadline and showed it; the daemon's answer comes after that.
    Request late = signalRequest("Alex Morgan", "decide: answered too late");
    late["deadline_usec"] = sdbus::Variant(std::int64_t{g_get_monotonic_time() - 1});
    EXPECT_EQ(decide(late).verdict, "show");
    EXPECT_TRUE(held().empty());
    EXPECT_EQ(field<std::uint32_t>(status(), "withheld"), 0u);
    Request in_time = signalRequest("Alex Morgan", "decide: answered in time");
    in_time["deadline_usec"] = sdbus::Variant(std::int64_t{g_get_monotonic_time() + 60'000'000});
    EXPECT_EQ(decide(in_time).verdict, "hold");
    EXPECT_EQ(held().size(), 1u);
}

TEST_F(AGnomeShellExtension, HearsShowInDryRun) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy, /*dry_run=*/true));
    EXPECT_EQ(decide(signalRequest("Alex Morgan", "decide: in a dry run")).verdict, "show");
    EXPECT_TRUE(held().empty());
}

TEST_F(AGnomeShellExtension, GetsInvalidArgsForAMalformedRequestAndTheDaemonLives) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    Request no_source = signalRequest("Alex Morgan", "decide: no source");
    no_source.erase("source");
    Request odd_source = signalRequest("Alex Morgan", "decide: odd source");
    odd_source["source"] = sdbus::Variant(std::string("carrier-pigeon"));
    Request number_summary = signalRequest("Alex Morgan", "decide: a number for a summary");
    number_summary["summary"] = sdbus::Variant(std::int32_t{7});
    Request list_hints = signalRequest("Alex Morgan", "decide: hints as a list");
    list_hints["hints"] = sdbus::Variant(std::vector<std::string>{"desktop-entry"});
    Request signed_pid = signalRequest("Alex Morgan", "decide: a signed pid");
    signed_pid["sender_pid"] = sdbus::Variant(std::int32_t{-1});
    for (const auto* request :
         {&no_source, &odd_source, &number_summary, &list_hints, &signed_pid}) {
        Answer answer = decide(*request);
        EXPECT_EQ(answer.error, names::kErrorInvalidArgs) << "verdict: " << answer.verdict;
    }
    // Another shape altogether: refused by the bus glue, never reaching the daemon's logic.
    std::optional<std::string> error;
    auto pending = client_->proxy()
                       .callMethodAsync("Decide")
                       .onInterface(names::kInterface)
                       .withArguments(std::string("not a dictionary"))
                       .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError e, const std::string&) {
                           error = e ? std::string(e->getName()) : std::string();
                       });
    ASSERT_TRUE(waitFor([&] { return error.has_value(); }));
    EXPECT_FALSE(error->empty());
    // Unknown keys are for later versions: ignored.
    Request more = signalRequest("Alex Morgan", "decide: with a key from the future");
    more["x-later"] = sdbus::Variant(std::int32_t{1});
    EXPECT_EQ(decide(more).verdict, "hold");
    EXPECT_FALSE(daemon_->exitStatus().has_value()) << "the daemon died";
    EXPECT_EQ(held().size(), 1u);
}

TEST_F(AGnomeShellExtension, LeavesTheNotificationToDecideWhileTheExtensionRuns) {
    server_->refuseForeignClose(true);  // as GNOME does
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_NO_FATAL_FAILURE(enableExtension());
    // The app's notification reaches the server (the monitor sees it) and GNOME Shell asks
    // Decide about the same one.
    auto seen = [&] { return field<std::uint32_t>(status(), "seen"); };
    std::uint32_t id = idOf(DaemonTest::signalFrom("Alex Morgan", "decide: once, not twice"));
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(waitFor([&] { return seen() >= 1; }));
    EXPECT_EQ(decide(signalRequest("Alex Morgan", "decide: once, not twice")).verdict, "hold");
    // The pause comes after Decide's answer; anything the monitor path did came before it.
    ASSERT_TRUE(waitFor([&] { return pausesPosted() >= 1; }));
    EXPECT_EQ(closesOf(id), 0) << "the monitor tried to close it too";
    EXPECT_EQ(placeholdersFor(id), 0) << "the monitor overwrote it too";
    EXPECT_EQ(held().size(), 1u) << "kept more than once";
    EXPECT_EQ(field<std::uint32_t>(status(), "refused"), 0u);
    EXPECT_EQ(withholding(), "gnome-shell-extension");
}

TEST_F(AGnomeShellExtension, ClosesNotificationsItselfAgainWhenTheExtensionGoesAway) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitFor([&] { return withholding() == "close"; }));
    ASSERT_NO_FATAL_FAILURE(enableExtension());
    extension_.reset();  // disabled, or GNOME Shell ended
    ASSERT_TRUE(waitFor([&] { return withholding() == "close"; }))
        << "Status still says " << withholding();
    EXPECT_TRUE(waitWithheld(idOf(DaemonTest::signalFrom("Alex Morgan", "decide: fallback"))));
}

TEST_F(AGnomeShellExtension, IsNoticedWhenItWasRunningBeforeTheDaemon) {
    extension_ = std::make_unique<Client>(bus_.address());
    ASSERT_GE(sd_bus_request_name(extension_->bus(), names::kShellExtensionService, 0), 0);
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    EXPECT_TRUE(waitFor([&] { return withholding() == "gnome-shell-extension"; }))
        << "Status says " << withholding();
}

// On a bus other users can reach, another user's program owning the extension's name is not
// the extension: nocontactd goes on withholding, and says why.
TEST_F(AGnomeShellExtension, IsNotBelievedFromAnotherUser) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitFor([&] { return withholding() == "close"; }));
    ASSERT_EQ(chmod(bus_.dir().c_str(), 0711), 0);  // the socket, reachable for nobody
    pid_t impostor = fork();
    if (impostor == 0) {
        setenv("DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
        execl("/usr/bin/setpriv", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
              "/usr/bin/python3", "-m", "dbusmock", names::kShellExtensionService,
              names::kShellExtensionPath, names::kShellExtensionInterface, nullptr);
        _exit(127);
    }
    ASSERT_GT(impostor, 0);
    ASSERT_TRUE(
        waitFor([&] { return daemon_->log().find("another user") != std::string::npos; }, 20s))
        << "nocontactd did not notice the name taken by another user";
    EXPECT_EQ(withholding(), "close");
    EXPECT_TRUE(waitWithheld(idOf(DaemonTest::signalFrom("Alex Morgan", "decide: impostor"))));
    kill(impostor, SIGTERM);
    waitpid(impostor, nullptr, 0);
}

}  // namespace
