// SPDX-License-Identifier: GPL-3.0-or-later
// The real nocontactd's reload paths: an edited policy file, a broken one, SIGHUP, the Reload
// method, and a policy that does not exist yet.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/sdbus_source.hpp"
#include "daemon/strings.hpp"
#include "tests/integration/daemon_process.hpp"

using nocontact::testing::DaemonTest;
using nocontact::testing::field;
using nocontact::testing::kAlexPolicy;

using namespace std::chrono_literals;

namespace {

// The watcher waits ~200 ms after the last change; this leaves room for a loaded machine.
constexpr auto kReloadDeadline = 5s;

// Alex, and now Jordan too.
const char* const kAlexAndJordanPolicy = R"(version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Alex
    since: 2024-12-10
    match: { names: ["Alex Morgan"] }
  - name: Jordan
    since: 2025-03-01
    match: { names: ["Jordan Lee"] }
)";

// A typo a person makes: an unknown strictness.
const char* const kBrokenPolicy = R"(version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Jordan
    since: 2025-03-01
    strictness: sometimes
    match: { names: ["Jordan Lee"] }
)";

// Alex by name and by number.
const char* const kAlexWithANumberPolicy = R"(version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Alex
    since: 2024-12-10
    match: { names: ["Alex Morgan"], phones: ["+1 202 555 0143"] }
)";

// What the process has mapped: its libraries among them.
std::string mapsOf(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// "FILE:LINE:COL: error:" for the policy at `path`.
bool namesAPosition(const std::string& text, const std::string& path) {
    std::istringstream lines(text);
    std::string line;
    std::regex position("^:[0-9]+:[0-9]+: error:");
    while (std::getline(lines, line))
        if (line.rfind(path, 0) == 0 && std::regex_search(line.substr(path.size()), position))
            return true;
    return false;
}

class DaemonReload : public DaemonTest {
  protected:
    bool waitReloads(std::size_t n) {
        return waitFor([&] { return client_->reloads.size() >= n; }, kReloadDeadline);
    }
    // The desktop notification the daemon posts about a refused policy.
    const nocontact::testing::FakeFdoServer::Call* noticeAboutPolicy() const {
        for (const auto& call : server_->calls())
            if (call.member == "Notify" && call.app_name == "nocontact" && call.id == 0 &&
                call.summary == nocontact::daemon::strings::kPolicyRefusedSummary)
                return &call;
        return nullptr;
    }
};

}  // namespace

TEST_F(DaemonReload, AppliesAnEditedPolicyFileAndWithholdsTheNewContact) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    std::uint32_t before = idOf(signalFrom("Jordan Lee", "before Jordan was in the policy"));
    // The daemon must have judged it under the old policy before the file changes.
    ASSERT_TRUE(waitFor([&] { return field<std::uint32_t>(status(), "seen") >= 1; }));
    daemon_->writePolicy(kAlexAndJordanPolicy);
    ASSERT_TRUE(waitReloads(1)) << "no PolicyReloaded after the file was replaced";
    EXPECT_TRUE(client_->reloads[0].first) << client_->reloads[0].second;
    EXPECT_EQ(field<std::uint32_t>(status(), "contacts"), 2u);
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Jordan Lee", "after the policy named Jordan"))));
    EXPECT_EQ(closesOf(before), 0) << "a reload does not reach back into the past";
}

TEST_F(DaemonReload, KeepsTheOldPolicyAndTellsTheUserWhenAnEditIsBroken) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    daemon_->writePolicy(kBrokenPolicy);
    ASSERT_TRUE(waitReloads(1));
    auto [applied, message] = client_->reloads[0];
    EXPECT_FALSE(applied);
    EXPECT_TRUE(namesAPosition(message, daemon_->policyPath())) << message;

    ASSERT_TRUE(waitFor([&] { return noticeAboutPolicy() != nullptr; }))
        << "the user was not told with a desktop notification";
    EXPECT_TRUE(std::regex_search(noticeAboutPolicy()->body, std::regex(":[0-9]+:[0-9]+: error:")))
        << noticeAboutPolicy()->body;

    auto s = status();
    EXPECT_TRUE(field<bool>(s, "policy_loaded"));
    EXPECT_EQ(field<std::uint32_t>(s, "contacts"), 1u) << "the old policy is still in use";
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after the broken edit"))))
        << "the old policy stopped working";
}

TEST_F(DaemonReload, ReloadsOnSighup) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    daemon_->signal(SIGHUP);
    ASSERT_TRUE(waitReloads(1)) << "SIGHUP did not reload";
    EXPECT_TRUE(client_->reloads[0].first);
    daemon_->signal(SIGHUP);
    ASSERT_TRUE(waitReloads(2)) << "a second SIGHUP did not reload";
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after two SIGHUPs"))));
}

// What systemd hears (the unit is Type=notify): ready once, when everything watches, before it
// answers anyone; then RELOADING=1 and READY=1 around each reload.
TEST_F(DaemonReload, TellsSystemdItIsReadyOnceItWatchesAndAroundEachReload) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("nocontact-notify-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "notify").string();
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::vector<std::string> heard;
    auto drain = [&] {
        char buffer[4096];
        for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
            heard.emplace_back(buffer, static_cast<std::size_t>(n));
    };
    auto says = [](const std::string& datagram, const char* what) {
        return datagram.rfind(what, 0) == 0 ||
               datagram.find(std::string("\n") + what) != std::string::npos;
    };
    before_start_ = [&](nocontact::testing::DaemonProcess& d) { d.useNotifySocket(path); };
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    drain();  // sent before the daemon answered Status, so all here now
    ASSERT_FALSE(heard.empty()) << daemon_->log();
    EXPECT_TRUE(says(heard.front(), "READY=1")) << heard.front();
    EXPECT_EQ(std::count_if(heard.begin(), heard.end(),
                            [&](const std::string& d) { return says(d, "RELOADING=1"); }),
              0)
        << "a reload while starting told systemd it was ready before it watched";
    heard.clear();
    daemon_->signal(SIGHUP);
    ASSERT_TRUE(waitReloads(1));
    ASSERT_TRUE(waitFor([&] {
        drain();
        return heard.size() >= 2;
    }));
    EXPECT_TRUE(says(heard[0], "RELOADING=1")) << heard[0];
    EXPECT_TRUE(says(heard[1], "READY=1")) << heard[1];
    close(fd);
    std::filesystem::remove_all(dir);
}

TEST_F(DaemonReload, ReloadMethodReturnsTheDiagnosticsOfABrokenFile) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    daemon_->writePolicy(kBrokenPolicy);
    auto [applied, message] = reload();
    EXPECT_FALSE(applied);
    EXPECT_TRUE(namesAPosition(message, daemon_->policyPath())) << message;
    EXPECT_EQ(field<std::uint32_t>(status(), "contacts"), 1u);
}

TEST_F(DaemonReload, ReloadMethodAppliesAGoodFile) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    daemon_->writePolicy(kAlexAndJordanPolicy);
    auto [applied, message] = reload();
    EXPECT_TRUE(applied) << message;
    EXPECT_EQ(field<std::uint32_t>(status(), "contacts"), 2u);
}

TEST_F(DaemonReload, RunsWithoutAPolicyAndPicksItUpOnceCreated) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(""));
    auto s = status();
    EXPECT_FALSE(field<bool>(s, "policy_loaded"));
    EXPECT_NE(field<std::string>(s, "policy_message").find(daemon_->policyPath()),
              std::string::npos)
        << "the user is not told where the policy goes";
    std::uint32_t before = idOf(signalFrom("Alex Morgan", "before any policy existed"));

    daemon_->writePolicy(kAlexPolicy);
    ASSERT_TRUE(waitFor(
        [&] {
            return std::any_of(client_->reloads.begin(), client_->reloads.end(),
                               [](const auto& r) { return r.first; });
        },
        kReloadDeadline))
        << "the new policy file was not noticed";
    EXPECT_TRUE(field<bool>(status(), "policy_loaded"));
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after the policy was created"))));
    EXPECT_EQ(closesOf(before), 0);
}

TEST_F(DaemonReload, FindsThePolicyTheUserCreatesInTheirConfigFolderWithoutPolicyFlag) {
    daemon_ = std::make_unique<nocontact::testing::DaemonProcess>(bus_.address(), false);
    daemon_->useConfigHome();
    daemon_->start();
    connection_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
    connection_source_ = nocontact::daemon::sdbusSource(*connection_, [] {});
    connection_source_->attach();
    client_ = std::make_unique<nocontact::testing::DaemonClient>(*connection_);
    waitReady();
    auto s = status();
    EXPECT_FALSE(field<bool>(s, "policy_loaded"));
    EXPECT_EQ(field<std::string>(s, "policy_file"), daemon_->policyPath())
        << "the daemon must name the file the user should create";

    daemon_->writePolicy(kAlexPolicy);  // creates ~/.config/nocontact as a person would
    auto [applied, message] = reload();
    EXPECT_TRUE(applied) << message;
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "found in the new folder"))));
}

TEST_F(DaemonReload, KeepsTheLastPolicyAndSaysSoWhenTheFileIsDeleted) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    std::filesystem::remove(daemon_->policyPath());
    ASSERT_TRUE(waitReloads(1)) << "the deletion was not noticed";
    auto [applied, message] = client_->reloads[0];
    EXPECT_FALSE(applied);
    EXPECT_NE(message.find("last good policy"), std::string::npos) << message;
    EXPECT_EQ(message.find("only watching"), std::string::npos) << "it is still withholding";
    auto s = status();
    EXPECT_TRUE(field<bool>(s, "policy_loaded"));
    EXPECT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "after the file was deleted"))))
        << "an accidental deletion must not drop the person's protection";
}

// libphonenumber, with protobuf and ICU's i18n library, is ~3 MB of the daemon's memory: a
// policy of names (with a region) never loads it, and the first number does.
TEST_F(DaemonReload, LoadsLibphonenumberOnlyOnceAPolicyHasANumber) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(kAlexPolicy));
    ASSERT_TRUE(waitWithheld(idOf(signalFrom("Alex Morgan", "known by name"))));
    std::string maps = mapsOf(daemon_->pid());
    ASSERT_NE(maps.find("libsqlite3"), std::string::npos) << "the maps were not read";
    EXPECT_EQ(maps.find("libphonenumber"), std::string::npos);
    EXPECT_EQ(maps.find("nocontact-phone.so"), std::string::npos);

    daemon_->writePolicy(kAlexWithANumberPolicy);
    ASSERT_TRUE(waitReloads(1));
    EXPECT_TRUE(client_->reloads[0].first) << client_->reloads[0].second;
    maps = mapsOf(daemon_->pid());
    EXPECT_NE(maps.find("nocontact-phone.so"), std::string::npos);
    EXPECT_NE(maps.find("libphonenumber"), std::string::npos);
}
