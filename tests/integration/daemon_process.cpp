// SPDX-License-Identifier: GPL-3.0-or-later
// DaemonProcess: the real nocontactd as a child process, with its own folder, environment, log
// and, when a test asks, mounts of its own (a tiny disk, a read-only state folder, a journal
// socket). The fixture that starts it for each test is in daemon_fixture.cpp.
#include "tests/integration/daemon_process.hpp"

#include <fcntl.h>
#include <glib-unix.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
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
#include <string_view>

extern char** environ;

namespace nocontact::testing {

namespace {

// Variables of the test's own environment the daemon must not inherit: its bus and data come
// from the test, and its log must go to the captured file, never to a journal or a service
// manager that happens to run the tests.
constexpr const char* kDroppedEnv[] = {"DBUS_SESSION_BUS_ADDRESS=",
                                       "DBUS_SYSTEM_BUS_ADDRESS=",
                                       "NOCONTACT_DATA_DIR=",
                                       "XDG_CONFIG_HOME=",
                                       "JOURNAL_STREAM=",
                                       "NOTIFY_SOCKET=",
                                       "WATCHDOG_USEC=",
                                       "WATCHDOG_PID="};

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

bool writeFile(const char* path, std::string_view text) {
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    if (fd >= 0) ::close(fd);
    return ok;
}

// In the child, before exec: a mount namespace of its own (so nothing mounted here outlives
// the daemon or is seen by anyone else). Without root, in a user namespace of its own too,
// mapping the same uid and gid (CI runners); false when the kernel refuses both.
bool privateMounts(const std::string& uid_map, const std::string& gid_map) {
    if (::geteuid() == 0) {
        if (unshare(CLONE_NEWNS) != 0) return false;
    } else if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0 ||
               !writeFile("/proc/self/setgroups", "deny") ||
               !writeFile("/proc/self/uid_map", uid_map) ||
               !writeFile("/proc/self/gid_map", gid_map)) {
        return false;
    }
    return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
}

// A tmpfs as `folder` (`options` giving its size): a disk the test can fill.
bool mountTinyDisk(const char* folder, const char* options) {
    ::mkdir(folder, 0700);
    return mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0;
}

// The flags of the mount holding `folder`, as mount(2) takes them: a bind mount remounted in a
// user namespace must keep the flags it inherited (they are locked there).
unsigned long mountFlagsOf(const std::string& folder) {
    struct statvfs st {};
    if (::statvfs(folder.c_str(), &st) != 0) return 0;
    unsigned long flags = 0;
    const std::pair<unsigned long, unsigned long> kFlags[] = {
        {ST_NOSUID, MS_NOSUID},   {ST_NODEV, MS_NODEV},           {ST_NOEXEC, MS_NOEXEC},
        {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME}};
    for (auto [st_flag, ms_flag] : kFlags)
        if (st.f_flag & st_flag) flags |= ms_flag;
    return flags;
}

// `folder` bound onto itself, read-only: nobody writes through it, root included.
bool mountReadOnly(const char* folder, unsigned long flags) {
    if (mount(folder, folder, nullptr, MS_BIND, nullptr) != 0) return false;
    return mount(nullptr, folder, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, nullptr) == 0;
}

// `folder` (holding the test's socket) as /run/systemd/journal, where sd_journal_send writes.
bool mountJournalSocket(const char* folder) {
    constexpr const char* kRunSystemd = "/run/systemd";
    constexpr const char* kJournal = "/run/systemd/journal";
    ::mkdir(kRunSystemd, 0755);
    if (mount("tmpfs", kRunSystemd, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") != 0) return false;
    ::mkdir(kJournal, 0755);
    return mount(folder, kJournal, nullptr, MS_BIND, nullptr) == 0;
}

int decodeWaitStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

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
    if (journal_watch_ != 0) g_source_remove(journal_watch_);
    if (journal_fd_ >= 0) close(journal_fd_);
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
    std::vector<std::string> args = {NOCONTACTD, "--state-dir", stateDir()};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    if (!config_home_) args.insert(args.end(), {"--policy", policy_path_});
    if (dry_run_) args.emplace_back("--dry-run");
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open the daemon's log");
    std::vector<std::string> env = childEnvironment(bus_address_);
    // Always a config folder of its own: never the person's notification server settings.
    env.push_back("XDG_CONFIG_HOME=" + dir_ + "/config");
    struct stat log_stat {};
    if (journal_fd_ >= 0 && fstat(fd, &log_stat) == 0) {
        // stderr is "the journal's stream", so log.cpp sends structured entries instead.
        env.push_back("JOURNAL_STREAM=" + std::to_string(log_stat.st_dev) + ":" +
                      std::to_string(log_stat.st_ino));
    }
    if (!notify_socket_.empty()) env.push_back("NOTIFY_SOCKET=" + notify_socket_);
    // Never the machine's system bus: a test's own, or one that is not there.
    env.push_back("DBUS_SYSTEM_BUS_ADDRESS=" +
                  (system_bus_.empty() ? "unix:path=" + dir_ + "/no-system-bus" : system_bus_));
    auto argv = pointers(args);
    auto envp = pointers(env);
    // Everything the child needs, made before fork: it allocates nothing.
    bool own_mounts = tiny_state_bytes_ > 0 || journal_fd_ >= 0 || read_only_state_;
    const std::string state_dir = stateDir(), journal_dir = dir_ + "/journal";
    const bool read_only = read_only_state_;
    read_only_state_ = false;  // for this start only
    if (read_only) std::filesystem::create_directories(state_dir);
    const unsigned long state_flags = read_only ? mountFlagsOf(state_dir) : 0;
    const std::string tiny_options = "size=" + std::to_string(tiny_state_bytes_) + ",mode=0700";
    const std::string uid_map =
                          std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1",
                      gid_map =
                          std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1";
    exit_status_.reset();
    pid_ = fork();
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        bool mounted = !own_mounts || privateMounts(uid_map, gid_map);
        if (mounted && tiny_state_bytes_ > 0)
            mounted = mountTinyDisk(state_dir.c_str(), tiny_options.c_str());
        if (mounted && read_only) mounted = mountReadOnly(state_dir.c_str(), state_flags);
        if (mounted && journal_fd_ >= 0) mounted = mountJournalSocket(journal_dir.c_str());
        if (!mounted) {
            static const char kNoMount[] = "test: cannot set up the daemon's mounts\n";
            [[maybe_unused]] auto n = ::write(STDERR_FILENO, kNoMount, sizeof kNoMount - 1);
            _exit(126);
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(fd);
    if (pid_ < 0) throw std::runtime_error("fork failed");
}

bool DaemonProcess::makeStateWritable() {
    if (pid_ <= 0) return false;
    const std::string ns = "/proc/" + std::to_string(pid_) + "/ns/";
    const std::string state_dir = stateDir();
    const int user_ns = ::open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
    const int mount_ns = ::open((ns + "mnt").c_str(), O_RDONLY | O_CLOEXEC);
    // The daemon's root folder: entering a mount namespace moves the caller to that
    // namespace's own root, outside any chroot the tests run in (a Debian 13 root, say).
    const int daemon_root = ::open(("/proc/" + std::to_string(pid_) + "/root").c_str(),
                                   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool root = ::geteuid() == 0;
    pid_t child = fork();
    if (child == 0) {
        // Without root the daemon's mounts belong to its user namespace, which its owner (this
        // uid) may enter; root enters the mount namespace directly.
        bool ok = (root || setns(user_ns, CLONE_NEWUSER) == 0) &&
                  setns(mount_ns, CLONE_NEWNS) == 0 && fchdir(daemon_root) == 0 && chroot(".") == 0;
        _exit(ok && umount2(state_dir.c_str(), MNT_DETACH) == 0 ? 0 : 1);
    }
    for (int fd : {user_ns, mount_ns, daemon_root})
        if (fd >= 0) ::close(fd);
    int status = 0;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
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

void DaemonProcess::captureJournal() {
    std::filesystem::create_directories(dir_ + "/journal");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = dir_ + "/journal/socket";
    if (path.size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    journal_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (journal_fd_ < 0 ||
        bind(journal_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("cannot bind the journal socket");
    // A full queue (net.unix.max_dgram_qlen, often 10) would block the daemon's logging:
    // the test's main loop empties it whenever it turns.
    journal_watch_ = g_unix_fd_add(
        journal_fd_, G_IO_IN,
        [](gint, GIOCondition, gpointer self) -> gboolean {
            static_cast<DaemonProcess*>(self)->drainJournal();
            return G_SOURCE_CONTINUE;
        },
        this);
}

void DaemonProcess::drainJournal() {
    std::vector<char> buffer(256 * 1024);
    for (;;) {
        ssize_t n = recv(journal_fd_, buffer.data(), buffer.size(), 0);
        if (n < 0) break;
        journal_entries_.emplace_back(buffer.data(), static_cast<std::size_t>(n));
    }
}

std::vector<std::string> DaemonProcess::journalEntries() {
    drainJournal();
    return journal_entries_;
}

std::string DaemonProcess::stateDirAsSeen() const {
    return "/proc/" + std::to_string(pid_) + "/root" + stateDir();
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

}  // namespace nocontact::testing
