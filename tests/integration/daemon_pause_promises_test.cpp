// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd keeping the pause's promises: a notification server that hangs never
// freezes the daemon, the pause stays until the person chooses, nothing is recorded as a choice
// they did not make, and a choice made in one place ends the pause everywhere.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using namespace std::chrono_literals;

const std::string kPausePolicy = nocontact::testing::alexPolicy("pause");

// How long a Status may take while the notification server hangs: the daemon's loop answers in
// milliseconds; a loop waiting for the server would take libnotify's 25 s.
constexpr auto kPromptly = 1s;

class DaemonPausePromises : public DaemonTest {
  protected:
    // The server id of the open pause about Alex, or 0.
    std::uint32_t pauseId() const {
        for (const auto& [id, shown] : server_->shown())
            if (shown.summary.find("take a breath") != std::string::npos) return id;
        return 0;
    }
    // Every Notify of a pause about Alex, in order.
    std::vector<nocontact::testing::FakeFdoServer::Call> pauseCalls() const {
        std::vector<nocontact::testing::FakeFdoServer::Call> out;
        for (const auto& call : server_->calls())
            if (call.member == "Notify" && call.summary.find("take a breath") != std::string::npos)
                out.push_back(call);
        return out;
    }
    std::vector<std::string> latestActions() const {
        auto calls = pauseCalls();
        std::vector<std::string> keys;
        for (std::size_t i = 0; !calls.empty() && i + 1 < calls.back().actions.size(); i += 2)
            keys.push_back(calls.back().actions[i]);
        return keys;
    }
    std::uint32_t held() { return field<std::uint32_t>(status(), "held"); }
    // The ids and states of the kept messages.
    std::vector<std::pair<std::int64_t, std::string>> kept() {
        std::vector<std::pair<std::int64_t, std::string>> out;
        for (const auto& row : client_->ListHeld())
            out.emplace_back(std::get<0>(row), std::get<4>(row));
        return out;
    }
    // The answers to pauses in the journal ("read", "later", "let_go", "expired"), in order.
    std::vector<std::string> choices() {
        std::vector<std::string> out;
        for (const auto& entry : client_->Journal(0))
            if (std::get<1>(entry) == "choice") out.push_back(std::get<3>(entry).at("choice"));
        return out;
    }
    // Whether `body` was shown again as its app posted it (a second Notify of it).
    bool reposted(const std::string& body) const {
        int seen = 0;
        for (const auto& call : server_->calls())
            seen += call.member == "Notify" && call.app_name == "Signal" && call.body == body;
        return seen >= 2;
    }
    // Status over D-Bus, timed on this side.
    std::chrono::steady_clock::duration timedStatus() {
        const auto start = std::chrono::steady_clock::now();
        status();
        return std::chrono::steady_clock::now() - start;
    }
};

TEST_F(DaemonPausePromises, AnswersStatusPromptlyWhileTheServerHangsAndRecordsNoChoice) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "kept while the server hangs"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 1; })) << "no pause opened";
    const std::size_t before = pauseCalls().size();
    server_->hang(true);  // as dunst under kill -STOP, with the countdown running
    ASSERT_TRUE(waitFor([&] { return pauseCalls().size() > before; }))
        << "the countdown's next second never reached the server";
    // The daemon's call to the server now waits; for the rest of the countdown and beyond,
    // every Status is answered at once.
    const auto hung_since = std::chrono::steady_clock::now();
    int asked = 0;
    while (std::chrono::steady_clock::now() - hung_since < 4s) {
        ASSERT_LT(timedStatus(), kPromptly) << "Status waited for the notification server";
        ++asked;
    }
    EXPECT_GT(asked, 3);
    EXPECT_EQ(pauseCalls().size(), before + 1) << "one call hangs; the rest waits behind it";
    EXPECT_TRUE(choices().empty()) << "nobody chose anything";
    server_->hang(false);
    ASSERT_TRUE(waitFor([&] {
        return latestActions() == std::vector<std::string>{"read", "later", "let-go"};
    })) << "the countdown's end was not shown once the server answered";
    EXPECT_LE(pauseCalls().size(), before + 2) << "the seconds missed were sent as one update";
    EXPECT_TRUE(choices().empty());
    EXPECT_EQ(held(), 1u);
}

TEST_F(DaemonPausePromises, KeepsAMessageBeforeTheServerHasAnsweredIt) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    server_->hang(true);  // the server has the call (dunst draws it then) and has not answered
    std::uint32_t* slot = signalFrom("Alex Morgan", "kept before its id is known");
    // Kept while the server draws it: once the id comes, only the withholding calls are left.
    ASSERT_TRUE(waitFor([&] { return held() == 1; })) << "kept only once the server answered";
    EXPECT_EQ(*slot, 0u);
    EXPECT_EQ(pauseId(), 0u) << "a pause before the message is off the screen";
    server_->hang(false);
    ASSERT_TRUE(waitWithheld(idOf(slot)));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0; })) << "no pause opened";
    EXPECT_EQ(held(), 1u) << "kept more than once";
}

// A server may answer a Notify with an error (Plasma does, for one like the last within a
// second): nothing was drawn, so nothing is taken back; the message, kept at its call, is offered
// behind the pause like any other.
TEST_F(DaemonPausePromises, OffersAMessageTheServerRefusedAndTakesNothingBack) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    server_->refuseSummary("Alex Morgan");
    std::uint32_t* slot = signalFrom("Alex Morgan", "refused by the server");
    ASSERT_TRUE(waitFor([&] { return *slot != 0; })) << "the server never answered";
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0; })) << "no pause for the refused message";
    EXPECT_EQ(held(), 1u);
    ASSERT_TRUE(waitFor([&] { return !client_->intervened.empty(); }));
    EXPECT_EQ(client_->intervened, std::vector<std::string>{"Alex"});
    for (const auto& call : server_->calls()) {
        EXPECT_NE(call.member, "CloseNotification") << "closed " << call.id;
        EXPECT_NE(call.summary, "nocontact kept a message for you") << "a placeholder for it";
    }
}

TEST_F(DaemonPausePromises, NamesTheContactStillWhenThePolicyChangesBeforeTheServerAnswers) {
    // Sam first: Alex is the policy's second contact, then its only one.
    std::string sam_first = kPausePolicy;
    sam_first.replace(sam_first.find("contacts:\n") + 10, 0,
                      "  - name: Sam\n    match: { names: [\"Sam Lee\"] }\n");
    ASSERT_NO_FATAL_FAILURE(startDaemon(sam_first));
    server_->hang(true);
    std::uint32_t* slot =
        signalFrom("Alex Morgan", "kept under one policy, withheld under the next");
    ASSERT_TRUE(waitFor([&] { return held() == 1; }));
    daemon_->writePolicy(kPausePolicy);
    ASSERT_TRUE(reload().first);
    server_->hang(false);
    ASSERT_TRUE(waitWithheld(idOf(slot)));
    ASSERT_TRUE(waitFor([&] { return !client_->intervened.empty(); }));
    EXPECT_EQ(client_->intervened, std::vector<std::string>{"Alex"});
    EXPECT_EQ(held(), 1u);
}

TEST_F(DaemonPausePromises, KeepsThePauseUntilAChoiceAndSaysSoWhenTheServerEndsItAnyway) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "one the server times out"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 1; }));
    auto calls = pauseCalls();
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls[0].expire_timeout, 0) << "asked never to expire";
    EXPECT_EQ(calls[0].hints["resident"], "true");
    EXPECT_EQ(calls[0].hints["urgency"], "1") << "normal urgency";
    server_->emitClosed(pauseId(), 1);  // the server timed it out all the same
    ASSERT_TRUE(waitFor([&] { return !choices().empty(); }));
    EXPECT_EQ(choices(), std::vector<std::string>{"expired"}) << "ended without a choice";
    ASSERT_EQ(kept().size(), 1u);
    EXPECT_EQ(kept()[0].second, "held") << "it waits as before, not as 'later'";
}

TEST_F(DaemonPausePromises, ALetGoFromTheTerminalClosesThePauseAndALatePressChangesNothing) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "let go from the terminal"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 1; }));
    const std::uint32_t first = pauseId();
    ASSERT_NO_THROW(client_->LetGo(kept()[0].first));
    EXPECT_TRUE(waitFor([&] { return closesOf(first) > 0; })) << "the pause stayed on screen";

    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "a second one"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && pauseId() != first; }));
    // *Read it* pressed on the first pause as it closed, then *Let it go* on the second: the
    // server's signals arrive in order, so once the second is let go the first was seen.
    server_->emitActionInvoked(first, "read");
    server_->emitActionInvoked(pauseId(), "let-go");
    ASSERT_TRUE(waitFor([&] { return held() == 0; }));
    EXPECT_FALSE(reposted("let go from the terminal")) << "a let-go message came back";
    EXPECT_EQ(choices(), (std::vector<std::string>{"let_go", "let_go"}));
}

TEST_F(DaemonPausePromises, APauseStopsOfferingAMessageLetGoElsewhere) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kPausePolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "the one let go"))));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "the one read"))));
    ASSERT_TRUE(waitFor([&] { return pauseId() != 0 && held() == 2; }));
    ASSERT_NO_THROW(client_->LetGo(kept()[0].first));  // the oldest: "the one let go"
    ASSERT_TRUE(waitFor(
        [&] {
            return !pauseCalls().empty() &&
                   pauseCalls().back().summary == "Alex wrote — take a breath" &&
                   latestActions() == std::vector<std::string>{"read", "later", "let-go"};
        },
        10s))
        << "the pause still counts the message let go";
    server_->emitActionInvoked(pauseId(), "read");
    ASSERT_TRUE(waitFor([&] { return reposted("the one read"); }));
    EXPECT_FALSE(reposted("the one let go"));
    EXPECT_EQ(choices(), (std::vector<std::string>{"let_go", "read"}));
}

}  // namespace
