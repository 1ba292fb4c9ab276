// SPDX-License-Identifier: GPL-3.0-or-later
// The servers' files: rules are kept in step only where setup put them, written whole and
// private, and the person's own lines stay as they were.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/server_rules.hpp"

namespace nocontact::config {
namespace {

namespace fs = std::filesystem;

const std::vector<RuleShape> kShapes = {RuleShape{0, "signal", RuleShape::AppKey::AppName, "Signal",
                                                  RuleShape::Field::Summary, "Alex Morgan", true}};

class ServerFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nocontact-rules-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        setenv("XDG_CONFIG_HOME", (dir_ / "config").c_str(), 1);
        setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1);
        paths_ = serverPaths();
    }
    void TearDown() override {
        fs::remove_all(dir_);
        unsetenv("XDG_CONFIG_HOME");
        unsetenv("XDG_STATE_HOME");
    }
    static std::string read(const std::string& path) { return readFileIfAny(path).value_or(""); }
    static unsigned mode(const std::string& path) {
        struct stat st {};
        stat(path.c_str(), &st);
        return st.st_mode & 0777;
    }

    fs::path dir_;
    ServerPaths paths_;
};

TEST_F(ServerFiles, AreUnderTheXdgConfigHome) {
    EXPECT_EQ(paths_.dunst_base, (dir_ / "config/dunst/dunstrc").string());
    EXPECT_EQ(paths_.dunst_dropin, (dir_ / "config/dunst/dunstrc.d/90-nocontact.conf").string());
    EXPECT_EQ(paths_.mako, (dir_ / "config/mako/config").string());
    EXPECT_EQ(paths_.swaync, (dir_ / "config/swaync/config.json").string());
    EXPECT_EQ(paths_.setup_record, (dir_ / "state/nocontact/setup.json").string());
}

TEST_F(ServerFiles, AreLeftAloneWhereSetupPutNoRules) {
    for (RuleServer s : {RuleServer::Dunst, RuleServer::Mako, RuleServer::Swaync}) {
        EXPECT_FALSE(rulesInstalled(s, paths_));
        EXPECT_FALSE(updateRules(s, paths_, kShapes, {true}));
    }
    writeFileAtomic(paths_.mako, "font=Mono\n");
    EXPECT_FALSE(updateRules(RuleServer::Mako, paths_, kShapes, {true}));
    EXPECT_EQ(read(paths_.mako), "font=Mono\n");
    EXPECT_FALSE(fs::exists(paths_.dunst_dropin));
}

TEST_F(ServerFiles, KeepMakosOwnLinesAndChangeOnlyWhenTheRulesDo) {
    writeFileAtomic(paths_.mako, spliceMarked("font=Mono\n", ""));
    EXPECT_TRUE(rulesInstalled(RuleServer::Mako, paths_));
    EXPECT_TRUE(updateRules(RuleServer::Mako, paths_, kShapes, {true}));
    EXPECT_FALSE(updateRules(RuleServer::Mako, paths_, kShapes, {true}));
    EXPECT_EQ(removeMarked(read(paths_.mako)), "font=Mono\n");
    EXPECT_EQ(mode(paths_.mako), 0600u);
    EXPECT_EQ(mode((dir_ / "config/mako").string()), 0700u);
    EXPECT_TRUE(updateRules(RuleServer::Mako, paths_, kShapes, {false}));
    EXPECT_EQ(read(paths_.mako), spliceMarked("font=Mono\n", renderMako(kShapes, {false})));
}

TEST_F(ServerFiles, FollowASymlinkedConfigInsteadOfReplacingIt) {
    fs::create_directories(dir_ / "dotfiles");
    fs::create_directories(dir_ / "config/mako");
    std::ofstream(dir_ / "dotfiles/mako") << spliceMarked("font=Mono\n", "");
    fs::create_symlink(dir_ / "dotfiles/mako", paths_.mako);
    EXPECT_TRUE(updateRules(RuleServer::Mako, paths_, kShapes, {true}));
    EXPECT_TRUE(fs::is_symlink(paths_.mako));
    EXPECT_NE(read((dir_ / "dotfiles/mako").string()).find("Alex Morgan"), std::string::npos);
}

TEST_F(ServerFiles, RewriteDunstsDropInInTheSyntaxItsBaseConfigAsksFor) {
    writeFileAtomic(paths_.dunst_base, "[global]\nenable_regex = true\n");
    writeFileAtomic(paths_.dunst_dropin, "");
    EXPECT_TRUE(updateRules(RuleServer::Dunst, paths_, kShapes, {true}));
    EXPECT_EQ(read(paths_.dunst_dropin), renderDunst(kShapes, {true}, DunstSyntax{true}));
    EXPECT_FALSE(updateRules(RuleServer::Dunst, paths_, kShapes, {true}));
    EXPECT_TRUE(updateRules(RuleServer::Dunst, paths_, kShapes, {false}));
    EXPECT_NE(read(paths_.dunst_dropin).find("enabled = false"), std::string::npos);
}

TEST_F(ServerFiles, TouchSwayncOnlyWhenSetupRecordedIt) {
    writeFileAtomic(paths_.swaync, "{\"positionX\": \"right\"}");
    EXPECT_FALSE(updateRules(RuleServer::Swaync, paths_, kShapes, {true}));
    writeFileAtomic(paths_.setup_record, R"({"rules": ["swaync"]})");
    EXPECT_TRUE(updateRules(RuleServer::Swaync, paths_, kShapes, {true}));
    EXPECT_NE(read(paths_.swaync).find("nocontact-0"), std::string::npos);
    EXPECT_FALSE(updateRules(RuleServer::Swaync, paths_, kShapes, {true}));
    writeFileAtomic(paths_.swaync, "not json");
    EXPECT_THROW(updateRules(RuleServer::Swaync, paths_, kShapes, {true}), std::runtime_error);
}

}  // namespace
}  // namespace nocontact::config
