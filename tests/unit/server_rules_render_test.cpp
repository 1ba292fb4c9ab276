// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' rule files as nocontact writes them, and that each pattern matches exactly what
// rulesHide says, checked with the matchers the servers themselves call (fnmatch(3),
// regcomp(3) as dunst and mako compile, GLib's GRegex as swaync does).
#include <fnmatch.h>
#include <gtest/gtest.h>
#include <regex.h>

#include <nlohmann/json.hpp>

#include "config/server_rules.hpp"

#ifdef NOCONTACT_HAVE_GLIB
#include <glib.h>
#endif

namespace nocontact::config {
namespace {

using Key = RuleShape::AppKey;
using Field = RuleShape::Field;

RuleShape shape(std::size_t contact, Key key, std::string app, Field field, std::string text,
                bool whole) {
    return RuleShape{contact, "p", key, std::move(app), field, std::move(text), whole};
}

const std::vector<RuleShape> kShapes = {
    shape(0, Key::AppName, "Signal", Field::Summary, "Alex Morgan", true),
    shape(0, Key::AppName, "Signal", Field::Summary, "Alex Morgan in ", false),
    shape(1, Key::DesktopEntry, "firefox", Field::Body, "J*o [x]? \\ (Ann): ", false),
};

TEST(TheDunstDropIn, HasOneSectionPerShapeSwitchedOnAsHeldSays) {
    EXPECT_EQ(renderDunst(kShapes, {true, false}, DunstSyntax{}),
              "# nocontact's rules for dunst, written by `nocontactctl setup` and kept in step "
              "with the\n"
              "# policy by nocontactd. Edit the policy instead; `nocontactctl setup --undo` "
              "removes this file.\n"
              "\n[nocontact-own]\nappname = \"nocontact\"\nhistory_ignore = true\n"
              "\n[" +
                  dunstRuleName(kShapes[0]) +
                  "]\nappname = \"Signal\"\nsummary = \"Alex Morgan\"\n"
                  "skip_display = true\nset_category = nocontact-held\nenabled = true\n"
                  "\n[" +
                  dunstRuleName(kShapes[1]) +
                  "]\nappname = \"Signal\"\nsummary = \"Alex Morgan in *\"\n"
                  "skip_display = true\nset_category = nocontact-held\nenabled = true\n"
                  "\n[" +
                  dunstRuleName(kShapes[2]) +
                  "]\ndesktop_entry = \"firefox\"\n"
                  "body = \"J\\*o \\[x]\\? \\\\ (Ann): *\"\n"
                  "skip_display = true\nset_category = nocontact-held\nenabled = false\n");
}

// A pause holds the person's private reasons: dunst and mako keep nocontact's own notifications
// out of their history, with regexes too.
TEST(TheDunstDropIn, KeepsNocontactsOwnNotificationsOutOfHistory) {
    std::string text = renderDunst({}, {}, DunstSyntax{true});
    EXPECT_NE(text.find("[nocontact-own]\nappname = \"\\`nocontact\\'\"\nhistory_ignore = true\n"),
              std::string::npos)
        << text;
}

TEST(TheDunstDropIn, NamesEachRuleByWhatItSaysSoAStaleDunstIsNeverSwitchedWrongly) {
    EXPECT_EQ(dunstRuleName(kShapes[0]),
              dunstRuleName(shape(3, Key::AppName, "Signal", Field::Summary, "Alex Morgan", true)));
    EXPECT_NE(dunstRuleName(kShapes[0]), dunstRuleName(kShapes[1]));
    EXPECT_NE(dunstRuleName(kShapes[0]),
              dunstRuleName(shape(0, Key::AppName, "Signal", Field::Body, "Alex Morgan", true)));
    EXPECT_EQ(dunstRuleName(kShapes[0]).rfind("nocontact-", 0), 0u);
}

TEST(TheDunstDropIn, UsesAnchoredRegexesWhenDunstIsSetToRegexes) {
    std::string text = renderDunst({kShapes[1]}, {true}, DunstSyntax{true});
    EXPECT_NE(text.find("appname = \"\\`Signal\\'\"\n"), std::string::npos) << text;
    EXPECT_NE(text.find("summary = \"\\`Alex Morgan in \"\n"), std::string::npos) << text;
}

TEST(TheDunstSyntax, FollowsEnableRegexInGlobalOnly) {
    EXPECT_FALSE(dunstSyntaxOf("[global]\nfont = Mono 10\n").regex);
    EXPECT_TRUE(dunstSyntaxOf("[global]\n  enable_regex = true # yes\n").regex);
    EXPECT_FALSE(
        dunstSyntaxOf("[global]\nenable_regex = true\n[global]\nenable_regex = no\n").regex);
    EXPECT_FALSE(dunstSyntaxOf("[rule]\nenable_regex = true\n").regex);
    EXPECT_FALSE(dunstSyntaxOf("[global]\n# enable_regex = true\n").regex);
}

TEST(TheMakoBlock, HasACriteriaSectionPerHeldShapeOnly) {
    EXPECT_EQ(renderMako(kShapes, {true, true}),
              "[app-name=\"Signal\" summary=\"Alex Morgan\"]\n"
              "invisible=1\nhistory=0\nignore-timeout=1\ndefault-timeout=0\n"
              "[app-name=\"Signal\" summary~=\"^Alex Morgan in \"]\n"
              "invisible=1\nhistory=0\nignore-timeout=1\ndefault-timeout=0\n"
              "[desktop-entry=\"firefox\" body~=\"^J\\\\*o \\\\[x\\\\]\\\\? \\\\\\\\ "
              "\\\\(Ann\\\\): \"]\n"
              "invisible=1\nhistory=0\nignore-timeout=1\ndefault-timeout=0\n"
              "[app-name=\"nocontact\"]\nhistory=0\n");
    EXPECT_EQ(renderMako(kShapes, {false, false}), "[app-name=\"nocontact\"]\nhistory=0\n")
        << "nocontact's own notifications stay out of mako's history";
}

TEST(TheSwayncConfig, GetsIgnoredEntriesAndKeepsEverythingElse) {
    std::string before = R"({"positionX": "right", "notification-visibility": {
        "spotify": {"state": "muted", "app-name": "Spotify"},
        "nocontact-7": {"state": "ignored", "summary": "old"}}, "widgets": ["title"]})";
    auto after = nlohmann::ordered_json::parse(renderSwaync(before, kShapes, {true, true}));
    EXPECT_EQ(after["positionX"], "right");
    EXPECT_EQ(after["widgets"], nlohmann::ordered_json::array({"title"}));
    const auto& vis = after["notification-visibility"];
    EXPECT_EQ(vis["spotify"]["state"], "muted");
    EXPECT_FALSE(vis.contains("nocontact-7"));
    EXPECT_FALSE(vis.contains("nocontact-2"));  // swaync 0.7 cannot match a desktop entry
    EXPECT_EQ(vis["nocontact-0"], nlohmann::ordered_json::parse(
                                      R"({"state": "ignored", "app-name": "\\ASignal\\z",
                                          "summary": "\\AAlex Morgan\\z"})"));
    EXPECT_EQ(vis["nocontact-1"]["summary"], "\\AAlex Morgan in ");
}

TEST(TheSwayncConfig, LosesItsVisibilityKeyWhenOnlyOursWasThereAndNoOneIsHeld) {
    std::string mine = R"({"positionX": "right"})";
    std::string with = renderSwaync(mine, kShapes, {true, true});
    EXPECT_EQ(nlohmann::json::parse(renderSwaync(with, kShapes, {false, false})),
              nlohmann::json::parse(mine));
    EXPECT_EQ(renderSwaync(mine, kShapes, {false, false}), mine);  // untouched byte for byte
    EXPECT_THROW(renderSwaync("[1]", kShapes, {true}), std::runtime_error);
    EXPECT_THROW(renderSwaync("{", kShapes, {true}), std::runtime_error);
}

TEST(TheMarkedBlock, GoesAndComesBackLeavingTheFileAsItWas) {
    for (std::string file : {"", "font=Mono\n", "font=Mono", "a\n\n[urgency=high]\nx=1\n"}) {
        std::string with = spliceMarked(file, "[summary=\"A\"]\ninvisible=1\n");
        EXPECT_TRUE(hasMarked(with));
        EXPECT_EQ(removeMarked(with), file);
        EXPECT_EQ(spliceMarked(with, "[summary=\"A\"]\ninvisible=1\n"), with);
        std::string changed = spliceMarked(with, "");
        EXPECT_EQ(removeMarked(changed), file);
        EXPECT_FALSE(hasMarked(file));
    }
}

TEST(TheMarkedBlock, IsReplacedWhereItIsAndKeepsWhatFollows) {
    std::string file = std::string("a=1\n") + kMarkBegin + "\nold\n" + kMarkEnd + "\n[x]\nb=2\n";
    EXPECT_EQ(spliceMarked(file, "new\n"),
              std::string("a=1\n") + kMarkBegin + "\nnew\n" + kMarkEnd + "\n[x]\nb=2\n");
    EXPECT_EQ(removeMarked(file), "a=1\n[x]\nb=2\n");
}

// --- each pattern matches exactly what rulesHide says ------------------------------------

bool globMatches(const std::string& pattern, const std::string& value) {
    return fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

bool ereMatches(const std::string& pattern, const std::string& value, int flags) {
    regex_t re;
    if (regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB | flags) != 0) {
        ADD_FAILURE() << "does not compile: " << pattern;
        return false;
    }
    bool found = regexec(&re, value.c_str(), 0, nullptr, 0) == 0;
    regfree(&re);
    return found;
}

const std::vector<std::string> kTexts = {
    "Alex Morgan",           "Alex Morgan in ",     "Alex Morgan in Family", "alex morgan",
    "Alex Morgan\n",         "x\nAlex Morgan",      "Sam\nAlex Morgan in x", "Alex Morgan ",
    "J*o [x]? \\ (Ann): hi", "Jxo x? \\ (Ann): hi", "J*o [x]? \\ (Ann):",    "",
};

TEST(EachPattern, MatchesInDunstExactlyWhatTheRuleSays) {
    for (const RuleShape& s : kShapes) {
        for (const std::string& v : kTexts) {
            bool expected = s.whole ? v == s.text : v.starts_with(s.text);
            EXPECT_EQ(globMatches(dunstPattern(s.text, s.whole, {}), v), expected) << v;
            // dunst compiles with REG_NEWLINE, where ^ would match after every line break.
            EXPECT_EQ(ereMatches(dunstPattern(s.text, s.whole, {true}), v, REG_NEWLINE), expected)
                << v;
        }
    }
}

TEST(EachPattern, MatchesInMakoExactlyWhatTheRuleSays) {
    for (const RuleShape& s : kShapes) {
        for (const std::string& v : kTexts) {
            if (s.whole) continue;  // whole fields are compared with strcmp by mako
            EXPECT_EQ(ereMatches(makoPrefixRegex(s.text), v, 0), v.starts_with(s.text)) << v;
        }
    }
}

#ifdef NOCONTACT_HAVE_GLIB
TEST(EachPattern, MatchesInSwayncExactlyWhatTheRuleSays) {
    for (const RuleShape& s : kShapes) {
        for (const std::string& v : kTexts) {
            bool expected = s.whole ? v == s.text : v.starts_with(s.text);
            // As swaync 0.7 calls it (configModel.vala).
            bool found = g_regex_match_simple(swayncPattern(s.text, s.whole).c_str(), v.c_str(),
                                              GRegexCompileFlags(0), G_REGEX_MATCH_NOTEMPTY);
            EXPECT_EQ(found, expected) << v;
        }
    }
}
#endif

}  // namespace
}  // namespace nocontact::config
