// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/integration/daemon_process.hpp"

#include "daemon/strings.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "daemon/sdbus_source.hpp"
#include "dbus/names.hpp"

extern char** environ;

namespace nocontact::testing {

namespace {

// Variables of the test's own environment the daemon must not inherit: its bus and data come
// from the test, and its log must go to the captured file, never to a journal or a service
// manager that happens to run the tests.
constexpr const char* kDroppedEnv[] = {"DBUS_SESSION_BUS_ADDRESS=",
                                       "DBUS_SYSTEM_BUS_ADDRESS=",
                                       "NOCONTACT_DATA_DIR=",
                                       "JOURNAL_STREAM=",
                                       "NOTIFY_SOCKET=",
                                       "WATCHDOG_USEC=",
                                       "WATCHDOG_PID="};

// How long the daemon may take to answer its first Status: it starts in well under a second,
// but a loaded CI machine running tests in parallel can be slow.
constexpr auto kStartDeadline = 15s;

std::vector<std::string> childEnvironment(const std::string& bus_address) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        bool dropped = false;
        for (const char* prefix : kDroppedEnv)
            dropped = dropped || std::strncmp(*e, prefix, std::strlen(prefix)) == 0;
        if (!dropped) env.emplace_back(*e);
    }
    env.push_back("DBUS_SESSION_BUS_ADDRESS=" + bus_address);
    env.push_back(std::string("NOCONTACT_DATA_DIR=") + NOCONTACT_SOURCE_ROOT + "/config");
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

int decodeWaitStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

// A call to the daemon answers in milliseconds; this only bounds a broken daemon.
constexpr auto kCallDeadline = 10s;

const char* const kAlexPolicy = R"(version: 1
defaults: { strictness: pause, region: US }
contacts:
  - name: Alex
    since: 2024-12-10
    reasons: ["You asked for this space for good reasons."]
    match: { names: ["Alex Morgan", "Alex"] }
)";

std::string alexPolicy(const std::string& strictness, const std::string& more_defaults) {
    return "version: 1\ndefaults: { strictness: " + strictness + ", pause: 3s, region: US" +
           (more_defaults.empty() ? "" : ", " + more_defaults) +
           " }\ncontacts:\n  - name: Alex\n    since: 2024-12-10\n"
           "    reasons: [\"You asked for this space for good reasons.\"]\n"
           "    match: { names: [\"Alex Morgan\"] }\n";
}

DaemonProcess::DaemonProcess(std::string bus_address, bool dry_run)
    : bus_address_(std::move(bus_address)), dry_run_(dry_run) {
    char tmpl[] = "/tmp/nocontactd-test.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    policy_path_ = dir_ + "/policy.yaml";
    log_path_ = dir_ + "/nocontactd.log";
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0) kill9();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void DaemonProcess::useConfigHome() {
    config_home_ = true;
    policy_path_ = dir_ + "/config/nocontact/policy.yaml";
}

void DaemonProcess::writePolicy(const std::string& yaml) {
    std::filesystem::create_directories(std::filesystem::path(policy_path_).parent_path());
    std::string tmp = policy_path_ + ".new";
    std::ofstream(tmp) << yaml;
    std::filesystem::rename(tmp, policy_path_);
}

void DaemonProcess::start() {
    std::vector<std::string> args = {NOCONTACTD, "--state-dir", dir_ + "/state"};
    if (!config_home_) args.insert(args.end(), {"--policy", policy_path_});
    if (dry_run_) args.emplace_back("--dry-run");
    std::vector<std::string> env = childEnvironment(bus_address_);
    if (config_home_) env.push_back("XDG_CONFIG_HOME=" + dir_ + "/config");
    // Never the machine's system bus: a test's own, or one that is not there.
    env.push_back("DBUS_SYSTEM_BUS_ADDRESS=" +
                  (system_bus_.empty() ? "unix:path=" + dir_ + "/no-system-bus" : system_bus_));
    auto argv = pointers(args);
    auto envp = pointers(env);
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open the daemon's log");
    exit_status_.reset();
    pid_ = fork();
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(fd);
    if (pid_ < 0) throw std::runtime_error("fork failed");
}

std::optional<int> DaemonProcess::exitStatus() {
    if (exit_status_ || pid_ <= 0) return exit_status_;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = decodeWaitStatus(status);
        pid_ = -1;
    }
    return exit_status_;
}

int DaemonProcess::stop(std::chrono::milliseconds deadline) {
    if (pid_ <= 0) return exit_status_.value_or(-1);
    ::kill(pid_, SIGTERM);
    if (waitUntil([&] { return exitStatus().has_value(); }, deadline)) return *exit_status_;
    kill9();
    return -1;
}

void DaemonProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_status_ = decodeWaitStatus(status);
    pid_ = -1;
}

void DaemonProcess::signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
}

std::string DaemonProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
}

long DaemonProcess::rssKib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

DaemonClient::DaemonClient(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, dbus::names::kService, dbus::names::kPath) {
    registerProxy();
}

DaemonClient::~DaemonClient() {
    unregisterProxy();
}

void DaemonClient::onIntervened(const std::string& contact, const std::string&, const std::string&,
                                const std::string&, const std::string&) {
    intervened.push_back(contact);
}

void DaemonClient::onPolicyReloaded(const bool& applied, const std::string& message) {
    reloads.emplace_back(applied, message);
}

int DaemonTest::stopDaemon() {
    if (daemon_->exitStatus()) return *daemon_->exitStatus();
    daemon_->signal(SIGTERM);
    waitFor([&] { return daemon_->exitStatus().has_value(); }, 5s);
    return daemon_->stop();  // the status, or -1 after killing it
}

void DaemonTest::TearDown() {
    if (daemon_ && !daemon_->exitStatus()) {
        EXPECT_EQ(stopDaemon(), 0) << "nocontactd did not exit cleanly on SIGTERM";
    }
    if (daemon_) {
        std::string log = daemon_->log();
        for (const auto& secret : secrets_)
            EXPECT_EQ(log.find(secret), std::string::npos)
                << "message text reached the daemon's output: " << secret;
    }
    printLogOnFailure();
}

void DaemonTest::printLogOnFailure() {
    if (!HasFailure() || !daemon_) return;
    std::cerr << "----- nocontactd's output -----\n"
              << daemon_->log() << "----- end of nocontactd's output -----\n";
}

void DaemonTest::startDaemon(const std::string& policy, bool dry_run) {
    daemon_ = std::make_unique<DaemonProcess>(bus_.address(), dry_run);
    if (!policy.empty()) daemon_->writePolicy(policy);
    if (!system_bus_.empty()) daemon_->useSystemBus(system_bus_);
    daemon_->start();
    if (!client_) {
        connection_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
        connection_source_ = daemon::sdbusSource(*connection_, [] {});
        connection_source_->attach();
        client_ = std::make_unique<DaemonClient>(*connection_);
    }
    waitReady();
}

void DaemonTest::waitReady() {
    bool answered = false;
    waitFor(
        [&] {
            if (daemon_->exitStatus()) return true;
            try {
                client_->Status();
                answered = true;
            } catch (const sdbus::Error&) {
                // Not on the bus yet: the bus answers ServiceUnknown at once.
            }
            return answered;
        },
        kStartDeadline);
    ASSERT_TRUE(answered) << "nocontactd never answered Status; exit status "
                          << daemon_->exitStatus().value_or(-1);
}

void DaemonTest::dropClient() {
    client_.reset();
    connection_source_.reset();
    connection_.reset();
}

bool DaemonTest::waitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
    return waitUntil(done, deadline, iterate);
}

// Calls are asynchronous, with this process's connections pumped meanwhile: the daemon may
// itself be in a call to the fake server, which only this thread can answer.
Status DaemonTest::status() {
    std::optional<Status> result;
    auto pending = client_->proxy()
                       .callMethodAsync("Status")
                       .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                       .uponReplyInvoke([&](const sdbus::Error* error, const Status& s) {
                           result = error ? Status{} : s;
                       });
    EXPECT_TRUE(waitFor([&] { return result.has_value(); }, kCallDeadline)) << "Status hung";
    return result.value_or(Status{});
}

std::pair<bool, std::string> DaemonTest::reload() {
    std::optional<std::pair<bool, std::string>> result;
    auto pending = client_->proxy()
                       .callMethodAsync("Reload")
                       .onInterface(org::nocontact::Daemon1_proxy::INTERFACE_NAME)
                       .uponReplyInvoke([&](const sdbus::Error* error, bool applied,
                                            const std::string& message) {
                           result = error ? std::pair<bool, std::string>{false, error->getName()}
                                          : std::pair<bool, std::string>{applied, message};
                       });
    EXPECT_TRUE(waitFor([&] { return result.has_value(); }, kCallDeadline)) << "Reload hung";
    return result.value_or(std::pair<bool, std::string>{false, "no answer"});
}

std::uint32_t* DaemonTest::notify(Client& app, const std::string& app_name,
                                  std::uint32_t replaces_id, const std::string& summary,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& hints) {
    rememberSecret(body);
    std::uint32_t* slot = &ids_.emplace_back(0);
    app.notify(app_name, replaces_id, summary, body, hints, slot);
    return slot;
}

std::uint32_t* DaemonTest::signalFrom(const std::string& sender, const std::string& body,
                                      std::uint32_t replaces_id) {
    return notify(*app_, "Signal", replaces_id, sender, body, {{"desktop-entry", "signal"}});
}

std::uint32_t DaemonTest::idOf(const std::uint32_t* slot) {
    waitFor([&] { return *slot != 0; });
    return *slot == UINT32_MAX ? 0 : *slot;
}

int DaemonTest::closesOf(std::uint32_t id) const {
    int n = 0;
    for (const auto& call : server_->calls())
        n += call.member == "CloseNotification" && call.id == id;
    return n;
}

int DaemonTest::placeholdersFor(std::uint32_t id) const {
    int n = 0;
    for (const auto& call : server_->calls())
        n += call.member == "Notify" && call.summary == daemon::strings::kWithheldPlaceholder &&
             call.id == id;
    return n;
}

bool DaemonTest::waitWithheld(std::uint32_t id, std::chrono::milliseconds deadline) {
    return id != 0 &&
           waitFor([&] { return placeholdersFor(id) > 0 && closesOf(id) > 0; }, deadline);
}

}  // namespace nocontact::testing
