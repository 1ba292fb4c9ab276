// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd keeping what it withholds: the message waits in the journal, a pause
// opens, and each choice the person makes (through the server's ActionInvoked/
// NotificationClosed, as a real notification server sends them) is carried out.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using namespace std::chrono_literals;

const std::string kShortPausePolicy = nocontact::testing::alexPolicy("pause");

class DaemonPause : public DaemonTest {
  protected:
    // The server id of the open pause about Alex, or 0.
    std::uint32_t pauseId() const {
        for (const auto& [id, shown] : server_->shown())
            if (shown.summary.find("take a breath") != std::string::npos) return id;
        return 0;
    }
    std::uint32_t held() { return field<std::uint32_t>(status(), "held"); }
    // Whether the message came back as it was (its app's name, summary and body): a second
    // Notify of it, after the app's own.
    bool reposted(const std::string& body) const {
        int seen = 0;
        for (const auto& call : server_->calls())
            seen += call.member == "Notify" && call.app_name == "Signal" &&
                    call.summary == "Alex Morgan" && call.body == body;
        return seen >= 2;
    }
    // The pause's buttons in its latest version.
    std::vector<std::string> pauseActions() const {
        std::vector<std::string> keys;
        for (const auto& call : server_->calls()) {
            if (call.member != "Notify" || call.summary.find("take a breath") == std::string::npos)
                continue;
            keys.clear();
            for (std::size_t i = 0; i + 1 < call.actions.size(); i += 2)
                keys.push_back(call.actions[i]);
        }
        return keys;
    }
};

TEST_F(DaemonPause, KeepsTheMessageAndOpensAPauseWithLetItGoAtOnce) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kShortPausePolicy));
    rememberSecret("the message kept behind the pause");
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "the message kept behind the pause"))));
    EXPECT_TRUE(waitFor([&] { return held() == 1; })) << "the message is not kept";
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0; })) << "no pause opened";
    EXPECT_EQ(pauseActions(), std::vector<std::string>{"let-go"});
}

TEST_F(DaemonPause, LetsTheMessageGoWhenThePersonChoosesSo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kShortPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one to let go"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 1; }));
    server_->emitActionInvoked(pauseId(), "let-go");
    EXPECT_TRUE(waitFor([&] { return held() == 0; })) << "let go, it no longer waits";
    EXPECT_FALSE(reposted("one to let go"));
}

TEST_F(DaemonPause, BringsTheMessageBackAsItWasWhenThePersonReadsItAfterThePause) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kShortPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one to read after a breath"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0; }));
    ASSERT_TRUE(waitFor(
        [&] {
            return pauseActions() == std::vector<std::string>{"read", "later", "let-go"};
        },
        10s))
        << "Read it and Later appear when the countdown ends";
    server_->emitActionInvoked(pauseId(), "read");
    EXPECT_TRUE(waitFor([&] { return reposted("one to read after a breath"); }));
    EXPECT_TRUE(waitFor([&] { return held() == 0; }));
    // The message the person chose to read is not taken away again.
    EXPECT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "withheld") == 1; }));
}

TEST_F(DaemonPause, KeepsTheMessageWaitingWhenThePauseIsClosedWithoutAChoice) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kShortPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one for later"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 1; }));
    server_->emitClosed(pauseId(), 2);  // dismissed by the person
    // Still waiting (as it was: nothing was chosen), and the daemon is still well.
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "a barrier after the close"))));
    EXPECT_EQ(held(), 2u);
}

TEST_F(DaemonPause, KeepsAHundredMessagesThroughAKillAndOffersThemAgain) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kShortPausePolicy));
    constexpr int kMessages = 100;
    for (int i = 0; i < kMessages; ++i) {
        ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept " + std::to_string(i)))));
    }
    ASSERT_TRUE(waitFor([&] { return held() == kMessages; })) << "not every message was kept";
    daemon_->kill9();  // in the middle of the pause
    std::size_t before = server_->calls().size();
    daemon_->start();
    ASSERT_NO_FATAL_FAILURE(waitReady());
    EXPECT_EQ(held(), std::uint32_t(kMessages)) << "a kill -9 lost kept messages";
    EXPECT_TRUE(waitFor([&] {
        const auto& calls = server_->calls();
        for (std::size_t i = before; i < calls.size(); ++i)
            if (calls[i].member == "Notify" &&
                calls[i].summary.find("100 messages") != std::string::npos)
                return true;
        return false;
    })) << "the waiting messages were not offered again behind a pause";
}

// A zone (POSIX TZ, which allows seconds) in which the local time is `lead` before 12:00, so
// a digest at "12:00" comes in `lead` without the test waiting for a real digest time.
std::string zoneJustBeforeNoon(std::chrono::seconds lead) {
    constexpr std::int64_t kDay = 24 * 3600, kNoon = 12 * 3600;
    std::int64_t utc = static_cast<std::int64_t>(std::time(nullptr)) % kDay;
    std::int64_t offset = ((kNoon - lead.count() - utc) % kDay + kDay) % kDay;  // east of UTC
    char zone[64];
    std::snprintf(zone, sizeof zone, "TEST-%02lld:%02lld:%02lld", (long long)(offset / 3600),
                  (long long)(offset / 60 % 60), (long long)(offset % 60));
    return zone;
}

// The digest time comes with an edit of a policy that had none (`digest: []`): it is followed
// from that reload on, not only from the next start.
TEST_F(DaemonPause, OffersFirmMessagesAgainAtTheDigestTimeNotBefore) {
    std::string zone = zoneJustBeforeNoon(std::chrono::seconds(8));
    const char* old_tz = std::getenv("TZ");
    std::string saved = old_tz ? old_tz : "";
    setenv("TZ", zone.c_str(), 1);  // inherited by the daemon
    ASSERT_NO_FATAL_FAILURE(startDaemon(nocontact::testing::alexPolicy("firm", "digest: []")));
    old_tz ? setenv("TZ", saved.c_str(), 1) : unsetenv("TZ");
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "for the digest"))));
    EXPECT_EQ(pauseId(), 0u) << "firm: no pause before the digest";
    daemon_->writePolicy(nocontact::testing::alexPolicy("firm", "digest: [\"12:00\"]"));
    ASSERT_TRUE(waitFor([&] { return !client_->reloads.empty(); })) << "the edit was not read";
    EXPECT_TRUE(waitFor([&] { return pauseId() != 0; }, 20s))
        << "the digest at 12:00 did not offer the kept message";
    EXPECT_EQ(held(), 1u);
}

// The pause in the person's language: the pseudo-translation "xx" (tests/i18n) wraps every
// sentence of the catalogue in ⟦ ⟧, so each one seen here went through it.
TEST_F(DaemonPause, SpeaksThePersonsLanguage) {
    setenv("LANGUAGE", "xx", 1);
    setenv("LC_ALL", nocontact::testing::translatableLocale(), 1);
    setenv("NOCONTACT_LOCALE_DIR", NOCONTACT_TEST_LOCALE_DIR, 1);
    startDaemon(kShortPausePolicy);  // the daemon takes the environment as it is now
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("NOCONTACT_LOCALE_DIR");
    ASSERT_FALSE(HasFatalFailure());
    signalFrom("Alex Morgan", "in any language");
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0; })) << "no pause opened";
    const auto& pause = server_->shown().at(pauseId());
    EXPECT_EQ(pause.summary, "⟦Alex wrote — take a breath⟧");
    EXPECT_NE(pause.body.find("⟦Day "), std::string::npos) << pause.body;
    EXPECT_NE(pause.body.find("⟦You can read it in "), std::string::npos) << pause.body;
    std::vector<std::string> labels;
    for (const auto& call : server_->calls()) {
        if (call.member == "Notify" && !call.actions.empty()) labels = {call.actions[1]};
    }
    EXPECT_EQ(labels, std::vector<std::string>{"⟦Let it go⟧"});
    auto placeholder = [&] {
        for (const auto& call : server_->calls())
            if (call.summary == "⟦nocontact kept a message for you⟧") return true;
        return false;
    };
    EXPECT_TRUE(waitFor(placeholder)) << "the placeholder in the message's place is translated";
}

// The pause in German, from the translation the build makes for installing (po/de.po).
TEST_F(DaemonPause, SpeaksGermanToAGermanSpeaker) {
    setenv("LANGUAGE", "de", 1);
    setenv("LC_ALL", nocontact::testing::translatableLocale(), 1);
    setenv("NOCONTACT_LOCALE_DIR", NOCONTACT_BUILD_LOCALE_DIR, 1);
    startDaemon(kShortPausePolicy);  // the daemon takes the environment as it is now
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("NOCONTACT_LOCALE_DIR");
    ASSERT_FALSE(HasFatalFailure());
    signalFrom("Alex Morgan", "auf Deutsch");
    auto germanPause = [&]() -> std::uint32_t {
        for (const auto& [id, shown] : server_->shown())
            if (shown.summary == "Alex hat geschrieben — atme kurz durch") return id;
        return 0;
    };
    ASSERT_TRUE(waitFor([&] { return germanPause() != 0; })) << "no pause in German opened";
    const auto& pause = server_->shown().at(germanPause());
    EXPECT_NE(pause.body.find("Tag "), std::string::npos) << pause.body;
    EXPECT_NE(pause.body.find("Du kannst sie in "), std::string::npos) << pause.body;
    auto placeholder = [&] {
        for (const auto& call : server_->calls())
            if (call.summary == "nocontact hat eine Nachricht für dich aufbewahrt") return true;
        return false;
    };
    EXPECT_TRUE(waitFor(placeholder)) << "the placeholder in the message's place is in German";
}

}  // namespace
