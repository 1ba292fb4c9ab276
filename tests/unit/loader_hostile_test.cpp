// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile input: the loader answers with one calm error, never a crash or a hang.
#include <gtest/gtest.h>

#include <random>

#include "config/loader.hpp"

namespace nocontact::config {
namespace {

std::string firstMessage(const LoadResult& r) {
    return r.diagnostics.empty() ? "" : r.diagnostics.front().format();
}

TEST(AHugeFile, IsRefusedBeforeParsing) {
    const std::string text = "version: 1\n" + std::string(10 << 20, '#');
    const auto result = loadPolicy(text, "big.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(firstMessage(result), "big.yaml:1:1: error: this file is " +
                                        std::to_string(text.size()) +
                                        " bytes; a policy can be at most 1 MiB (1048576 bytes)");
}

// The line itself is one level, so the 64th bracket is the 65th level.
TEST(AFileOfAHundredThousandBrackets, IsRefusedAtTheSixtyFifthLevel) {
    const auto result = loadPolicy(std::string(100'000, '['), "deep.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(firstMessage(result),
              "deep.yaml:1:64: error: this file is nested more than 64 "
              "levels deep; a policy needs only a few levels");
}

TEST(AFileOfAHundredThousandDashes, IsRefusedAtTheSixtyFifthLevel) {
    std::string text;
    for (int i = 0; i < 100'000; ++i)
        text += "- ";
    const auto result = loadPolicy(text, "dashes.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(firstMessage(result),
              "dashes.yaml:1:129: error: this file is nested more than "
              "64 levels deep; a policy needs only a few levels");
}

TEST(DeepIndentation, IsRefusedLikeDeepBrackets) {
    std::string text;
    for (int i = 0; i < 100; ++i)
        text += std::string(i, ' ') + "k" + std::to_string(i) + ":\n";
    const auto result = loadPolicy(text, "indent.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(firstMessage(result).substr(0, 24), "indent.yaml:65:65: error");
}

TEST(BracketsInsideQuotes, DoNotCountAsNesting) {
    const std::string text = "version: 1\ncontacts:\n  - name: Alex\n    reasons: ['" +
                             std::string(100, '[') + "', \"" + std::string(100, '{') +
                             "\"]\n    match: { names: [Alex] }\n";
    const auto result = loadPolicy(text, "quotes.yaml");
    EXPECT_TRUE(result.ok()) << firstMessage(result);
}

TEST(ABillionLaughs, AreReadWithoutExpandingTheAliases) {
    std::string text = "version: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int i = 1; i < 10; ++i) {
        std::string refs;
        for (int k = 0; k < 9; ++k)
            refs += (k ? ", *a" : "*a") + std::to_string(i - 1);
        text += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + refs + "]\n";
    }
    text += "contacts: *a9\ndefaults: { digest: *a9 }\n";
    const auto result = loadPolicy(text, "lol.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_LE(result.diagnostics.size(), 101u);
    EXPECT_EQ(firstMessage(result),
              "lol.yaml:2:1: error: unknown key 'x0' in the policy (known keys: version, "
              "defaults, schedule, contacts, reaching_out, sources, apps)");
}

TEST(AnAliasRepeatingALongList, StopsAtTheWorkBudget) {
    std::string text = "version: 1\ncontacts:\n  - {name: P, match: {names: [P]}, reasons: &r [";
    for (int i = 0; i < 100'000; ++i)
        text += "a,";
    text += "a]}\n";
    for (int i = 0; i < 40; ++i) {
        text += "  - {name: Q" + std::to_string(i) + ", reasons: *r, match: {names: [Q" +
                std::to_string(i) + "]}}\n";
    }
    const auto result = loadPolicy(text, "budget.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.diagnostics.back().message,
              "this file repeats too much through anchors and aliases to be read; stopping here");
}

TEST(RandomBinaryJunk, IsRefusedAsNotText) {
    std::mt19937 random(20241210);
    for (int round = 0; round < 50; ++round) {
        std::string junk(4096, '\0');
        for (auto& c : junk)
            c = static_cast<char>(random() & 0xFF);
        const auto result = loadPolicy(junk, "junk.bin");
        EXPECT_FALSE(result.ok());
        ASSERT_EQ(result.diagnostics.size(), 1u);
        EXPECT_NE(result.diagnostics[0].message.find("a policy is a plain text file"),
                  std::string::npos);
    }
}

TEST(InvalidUtf8, IsReportedAtItsPosition) {
    const auto result = loadPolicy("version: 1\ncontacts:\n  - name: Al\xC3\x28x\n", "u.yaml");
    EXPECT_EQ(firstMessage(result),
              "u.yaml:3:13: error: this file is not UTF-8 text (byte 0xC3); a policy is a "
              "plain text file");
}

TEST(RandomPrintableJunk, NeverCrashesTheLoader) {
    std::mt19937 random(7);
    const std::string alphabet = "ab:-[]{}'\"#&*!|>?, \n\t1%@`";
    for (int round = 0; round < 2000; ++round) {
        std::string text(static_cast<std::size_t>(random() % 200), ' ');
        for (auto& c : text)
            c = alphabet[random() % alphabet.size()];
        const auto result = loadPolicy(text, "fuzz.yaml");
        EXPECT_FALSE(result.ok() && result.errorCount() > 0);
    }
}

TEST(AnEmptyFile, IsCalledEmpty) {
    EXPECT_EQ(firstMessage(loadPolicy("", "empty.yaml")),
              "empty.yaml:1:1: error: the policy is empty; it needs at least 'version: 1' and a "
              "contact");
    EXPECT_EQ(firstMessage(loadPolicy("\n\n   \n", "blank.yaml")),
              "blank.yaml:1:1: error: the policy is empty; it needs at least 'version: 1' and a "
              "contact");
}

TEST(AHugePattern, IsRefusedBeforeCompiling) {
    const std::string text =
        "version: 1\napps:\n  - id: x\n    match: {app_name: x}\n"
        "    sender: [{from: body, pattern: '" +
        std::string(2000, '(') + "'}]\n";
    const auto result = loadPolicy(text, "re.yaml");
    EXPECT_FALSE(result.ok());
    ASSERT_EQ(result.diagnostics.size(), 2u);  // and a warning: there are no contacts
    EXPECT_EQ(result.diagnostics[1].format(),
              "re.yaml:5:36: error: this pattern is 2000 "
              "characters long; patterns can be at most 512");
}

}  // namespace
}  // namespace nocontact::config
