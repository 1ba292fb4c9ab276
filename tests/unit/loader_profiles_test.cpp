// SPDX-License-Identifier: GPL-3.0-or-later
// App profiles read by the loader (config/apps.yaml and a policy's `apps:`), and where the
// loader looks for its files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/loader.hpp"

namespace nocontact::config {
namespace {

namespace fs = std::filesystem;
using policy::FieldRef;

std::string render(const std::vector<Diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics)
        out += d.format() + "\n";
    return out;
}

TEST(TheBuiltinProfiles, LoadWithoutErrors) {
    const auto result = loadProfilesFile(std::string(NOCONTACT_SOURCE_ROOT) + "/config/apps.yaml");
    EXPECT_TRUE(result.ok()) << render(result.diagnostics);
    EXPECT_FALSE(result.profiles.empty());
}

TEST(AProfile, CompilesItsPatternsAndKeepsTheirText) {
    const auto result = loadProfiles(R"(apps:
  - id: signal
    name: Signal
    service: signal
    messaging: true
    match: { app_name: Signal, desktop_entry: [signal, 'org.signal.*'] }
    hidden: [Signal]
    sender:
      - when: { 'hint:x-kde-eventId': '.' }
        unless: { body: '^Missed' }
        from: summary
        pattern: '^(.+?) in (.+)$'
        chat_group: 2
        kind: group_message
      - from: summary
    kinds:
      - when: { body: '^Incoming (voice|video) call$' }
        kind: call
    identifiers:
      - from: id
        pattern: '^missed-call-(\+?[0-9]+)$'
)",
                                     "apps.yaml");
    ASSERT_TRUE(result.ok()) << render(result.diagnostics);
    ASSERT_EQ(result.profiles.size(), 1u);
    const auto& p = result.profiles[0];
    EXPECT_EQ(p.name, "Signal");
    EXPECT_EQ(p.service, "signal");
    EXPECT_TRUE(p.messaging);
    EXPECT_EQ(p.app_names, std::vector<std::string>{"Signal"});
    EXPECT_EQ(p.desktop_entries, (std::vector<std::string>{"signal", "org.signal.*"}));
    ASSERT_EQ(p.rules.size(), 2u);
    const auto& group = p.rules[0];
    ASSERT_EQ(group.when.size(), 2u);
    EXPECT_EQ(group.when[0].field.field, FieldRef::Field::Hint);
    EXPECT_EQ(group.when[0].field.hint, "x-kde-eventId");
    EXPECT_FALSE(group.when[0].negate);
    EXPECT_TRUE(group.when[1].negate);
    EXPECT_TRUE(std::regex_search("Missed call", group.when[1].pattern));
    ASSERT_TRUE(group.pattern.has_value());
    std::smatch m;
    const std::string summary = "Sam in Friends in Berlin";
    ASSERT_TRUE(std::regex_match(summary, m, *group.pattern));
    EXPECT_EQ(m[group.sender_group].str(), "Sam");
    EXPECT_EQ(m[group.chat_group].str(), "Friends in Berlin");
    EXPECT_EQ(group.kind, policy::Kind::GroupMessage);
    EXPECT_FALSE(p.rules[1].pattern.has_value());
    ASSERT_EQ(p.kinds.size(), 1u);
    EXPECT_EQ(p.kinds[0].kind, policy::Kind::Call);
    ASSERT_EQ(p.identifiers.size(), 1u);
    EXPECT_EQ(p.identifiers[0].type, policy::Identifier::Type::Phone);
    EXPECT_EQ(p.identifiers[0].pattern_text, R"(^missed-call-(\+?[0-9]+)$)");
}

TEST(AProfilesFile, NeedsAnAppsList) {
    const auto result = loadProfiles("profiles: []\n", "apps.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(render(result.diagnostics),
              "apps.yaml:1:1: error: unknown key 'profiles' in the profiles file (known keys: "
              "apps)\n"
              "apps.yaml:1:1: error: the profiles file has no 'apps:' list\n");
}

TEST(AProfilesFile, ReportsAnInvalidRegexAtThePattern) {
    const auto result = loadProfiles(
        "apps:\n  - id: x\n    match: {app_id: x}\n    sender: [{from: body, pattern: 'a)'}]\n",
        "apps.yaml");
    EXPECT_FALSE(result.ok());
    EXPECT_TRUE(result.profiles.empty());
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].line, 4);
    EXPECT_EQ(result.diagnostics[0].column, 36);
    EXPECT_EQ(result.diagnostics[0].message.rfind("invalid regular expression 'a)': ", 0), 0u);
}

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_)
            setenv(name_, old_->c_str(), 1);
        else
            unsetenv(name_);
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

fs::path makeTempDir() {
    fs::path dir = fs::temp_directory_path() / ("nocontact-loader-" + std::to_string(getpid()));
    fs::create_directories(dir / "nocontact");
    return dir;
}

TEST(TheBuiltinProfilesPath, PrefersNocontactDataDir) {
    const fs::path dir = makeTempDir();
    std::ofstream(dir / "apps.yaml") << "apps: []\n";
    ScopedEnv env("NOCONTACT_DATA_DIR", dir.string());
    EXPECT_EQ(builtinProfilesPath(), (dir / "apps.yaml").string());
    fs::remove_all(dir);
}

TEST(TheBuiltinProfilesPath, FallsBackToAnExistingFile) {
    ScopedEnv env("NOCONTACT_DATA_DIR", "/nonexistent");
    const std::string path = builtinProfilesPath();
    EXPECT_TRUE(fs::exists(path)) << path;
    EXPECT_EQ(fs::path(path).filename(), "apps.yaml");
}

TEST(TheDefaultPolicyPath, IsTheUsersFileWhenItExists) {
    const fs::path dir = makeTempDir();
    ScopedEnv env("XDG_CONFIG_HOME", dir.string());
    // With no file anywhere, the path named is the user's: the one they should create.
    if (!fs::exists("/etc/xdg/nocontact/policy.yaml")) {
        EXPECT_EQ(defaultPolicyPath(), (dir / "nocontact/policy.yaml").string());
    }
    fs::create_directories(dir / "nocontact");
    std::ofstream(dir / "nocontact/policy.yaml") << "version: 1\n";
    EXPECT_EQ(defaultPolicyPath(), (dir / "nocontact/policy.yaml").string());
    fs::remove_all(dir);
}

}  // namespace
}  // namespace nocontact::config
