// SPDX-License-Identifier: GPL-3.0-or-later
// What nocontactctl says without a daemon to ask: bus errors in words, and the pause `read`
// shows in the terminal.
#include <gtest/gtest.h>

#include "ctl/bus_words.hpp"
#include "ctl/terminal_pause.hpp"

namespace {

using namespace nocontact::ctl;

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(BusErrorWords, SayThereIsNoSessionBusInsteadOfAnErrnoName) {
    auto words = busErrorWords("System.Error.ENOMEDIUM", "No medium found");
    EXPECT_TRUE(has(words, "cannot find your desktop session's bus")) << words;
    EXPECT_FALSE(has(words, "System.Error")) << words;
    EXPECT_FALSE(has(words, "medium")) << words;
}

TEST(BusErrorWords, SayNocontactdIsNotRunningAndHowToStartIt) {
    auto words = busErrorWords("org.freedesktop.DBus.Error.ServiceUnknown",
                               "The name org.nocontact.Daemon1 was not provided by any .service");
    EXPECT_TRUE(has(words, "nocontactd is not running.")) << words;
    EXPECT_TRUE(has(words, "systemctl --user start nocontactd")) << words;
}

TEST(BusErrorWords, SayWhenNocontactdDidNotAnswerOrIsOlder) {
    EXPECT_TRUE(has(busErrorWords("org.freedesktop.DBus.Error.NoReply", ""), "did not answer"));
    EXPECT_TRUE(
        has(busErrorWords("org.freedesktop.DBus.Error.UnknownMethod", ""), "older than this"));
}

TEST(BusErrorWords, PassNocontactsOwnSentencesOnAsTheyAre) {
    EXPECT_EQ(busErrorWords("org.nocontact.Error.NotFound", "No message waits under that id."),
              "No message waits under that id.");
}

TEST(BusErrorWords, NameTheReasonOfAnyOtherError) {
    auto words = busErrorWords("org.freedesktop.DBus.Error.LimitsExceeded", "too many");
    EXPECT_TRUE(has(words, "could not be reached: too many")) << words;
}

TEST(TerminalPause, OpensWithTheDayCountAndAReasonLikeTheDesktopPause) {
    auto intro = pauseIntro({.contact = "Alex",
                             .messages = 2,
                             .day = 62,
                             .reason = "He only writes when he's bored.",
                             .seconds = 20});
    EXPECT_TRUE(has(intro, "Day 62 of your space from Alex.\n")) << intro;
    EXPECT_TRUE(has(intro, "He only writes when he's bored.\n")) << intro;
    EXPECT_TRUE(has(intro, "2 messages from Alex")) << intro;
    EXPECT_TRUE(has(intro, "Ctrl-C stops here, and nothing changes.")) << intro;
}

TEST(TerminalPause, LeavesOutTheDayCountAndReasonWhenThereAreNone) {
    auto intro = pauseIntro({.contact = "Alex", .messages = 1, .day = -1, .reason = ""});
    EXPECT_FALSE(has(intro, "Day")) << intro;
    EXPECT_EQ(intro.rfind("Take a breath. 1 message from Alex", 0), 0u) << intro;
}

TEST(TerminalPause, OffersThreeExplicitChoices) {
    auto prompt = choicePrompt(1);
    EXPECT_TRUE(has(prompt, "1  Read it")) << prompt;
    EXPECT_TRUE(has(prompt, "2  Later")) << prompt;
    EXPECT_TRUE(has(prompt, "3  Let it go")) << prompt;
}

TEST(TerminalPause, TakesOnlyOneOfTheThreeAnswers) {
    EXPECT_EQ(parseChoice("1"), ReadChoice::Read);
    EXPECT_EQ(parseChoice(" 2 \r"), ReadChoice::Later);
    EXPECT_EQ(parseChoice("3"), ReadChoice::LetGo);
    EXPECT_FALSE(parseChoice(""));
    EXPECT_FALSE(parseChoice("yes"));
    EXPECT_FALSE(parseChoice("12"));
}

}  // namespace
