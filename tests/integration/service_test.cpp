// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/service.hpp"
#include "dbus/sdbus_compat.hpp"

#include <fcntl.h>
#include <glib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>

#include "build_info.hpp"
#include "daemon/sdbus_source.hpp"
#include "dbus/names.hpp"
#include "tests/integration/private_bus.hpp"

using namespace std::chrono_literals;
namespace names = nocontact::dbus::names;
using nocontact::daemon::callerAllowed;
using nocontact::testing::waitUntil;

namespace {

// The user nobody: a real uid that is not ours, for the refusal over a real bus.
constexpr uid_t kNobody = 65534;

// How often the loop wakes while a test waits: only bounds how late a deadline is noticed.
constexpr guint kTickMs = 10;

class FakeDaemon : public nocontact::daemon::DaemonPort {
  public:
    nocontact::daemon::DaemonStatus status() const override {
        ++status_calls;
        return {.version = "9.9-test", .policy_loaded = true, .contacts = 2};
    }
    ReloadResult reload() override {
        ++reload_calls;
        return {false, "policy.yaml:3:5: error: unknown key 'contcts'"};
    }
    mutable int status_calls = 0;
    int reload_calls = 0;
};

// A dbus-daemon that, unlike PrivateBus, lets any user connect: only the refusal test needs
// that, to call in as another uid.
class OpenBus {
  public:
    OpenBus() {
        char tmpl[] = "/tmp/nocontact-openbus.XXXXXX";
        dir_ = mkdtemp(tmpl);
        std::filesystem::permissions(dir_, std::filesystem::perms(0755));
        std::ofstream(dir_ + "/bus.conf") << R"(<busconfig><type>session</type>
<listen>unix:path=)" << dir_ << R"(/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow send_destination="*"/><allow own="*"/>
<allow receive_sender="*"/>
</policy></busconfig>)";
        address_ = "unix:path=" + dir_ + "/bus";
        pid_ = fork();
        if (pid_ == 0) {
            std::string config = "--config-file=" + dir_ + "/bus.conf";
            execlp("dbus-daemon", "dbus-daemon", config.c_str(), "--nofork", "--nopidfile",
                   static_cast<char*>(nullptr));
            _exit(127);
        }
        // The socket file appears at bind(), a moment before dbus-daemon listens: wait until
        // a connection is accepted.
        waitUntil([&] { return accepts(dir_ + "/bus"); }, 10s);
    }
    static bool accepts(const std::string& path) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(fd);
        return ok;
    }
    ~OpenBus() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        std::filesystem::remove_all(dir_);
    }
    const std::string& address() const { return address_; }
    const std::string& dir() const { return dir_; }

  private:
    std::string dir_, address_;
    pid_t pid_ = -1;
};

// The service on one connection and a client on another, both driven by one GLib context
// through sdbusSource, as in the daemon: one loop, one thread, asynchronous calls only.
class AService : public ::testing::Test {
  protected:
    void start(const std::string& address) {
        context_ = g_main_context_new();
        g_main_context_push_thread_default(context_);
        // Wakes the loop now and then, so a wait notices its deadline even when all is quiet.
        tick_ = g_timeout_source_new(kTickMs);
        g_source_set_callback(
            tick_, +[](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr, nullptr);
        g_source_attach(tick_, context_);
        server_ = sdbus::createSessionBusConnectionWithAddress(address);
        nocontact::dbus::sd::requestName(*server_, names::kService);
        service_ = std::make_unique<nocontact::daemon::Service>(*server_, daemon_);
        client_ = sdbus::createSessionBusConnectionWithAddress(address);
        proxy_ = nocontact::dbus::sd::proxy(*client_, names::kService, names::kPath);
        for (auto* connection : {server_.get(), client_.get()}) {
            sources_.push_back(
                nocontact::daemon::sdbusSource(*connection, [this] { lost_ = true; }));
            sources_.back()->attach();
        }
    }
    void TearDown() override {
        proxy_.reset();
        service_.reset();
        sources_.clear();
        client_.reset();
        server_.reset();
        if (context_ != nullptr) {
            g_source_destroy(tick_);
            g_source_unref(tick_);
            g_main_context_pop_thread_default(context_);
            g_main_context_unref(context_);
        }
    }
    bool loopUntil(const std::function<bool()>& done) {
        return waitUntil(done, 5s, [&] { g_main_context_iteration(context_, TRUE); });
    }

    nocontact::testing::PrivateBus bus_;
    FakeDaemon daemon_;
    GMainContext* context_ = nullptr;
    GSource* tick_ = nullptr;
    std::unique_ptr<sdbus::IConnection> server_, client_;
    std::unique_ptr<nocontact::daemon::Service> service_;
    std::unique_ptr<sdbus::IProxy> proxy_;
    std::vector<std::unique_ptr<nocontact::daemon::BusSource>> sources_;
    bool lost_ = false;
};

}  // namespace

TEST(CallerAllowed, LetsTheSameUserIn) {
    EXPECT_TRUE(callerAllowed(1000, 1000));
}

TEST(CallerAllowed, RefusesAnotherUserRootIncluded) {
    EXPECT_FALSE(callerAllowed(1001, 1000));
    EXPECT_FALSE(callerAllowed(0, 1000));
    EXPECT_FALSE(callerAllowed(1000, 0));
}

TEST(CallerAllowed, RefusesAnUnknownUid) {
    EXPECT_FALSE(callerAllowed(static_cast<uid_t>(-1), static_cast<uid_t>(-1)));
}

TEST_F(AService, AnswersStatusWithTheDaemonsDictionary) {
    start(bus_.address());
    std::map<std::string, sdbus::Variant> status;
    bool replied = false;
    proxy_->callMethodAsync("Status")
        .onInterface(names::kInterface)
        .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error,
                             std::map<std::string, sdbus::Variant> reply) {
            EXPECT_EQ(nocontact::dbus::sd::errorOf(error), nullptr);
            status = std::move(reply);
            replied = true;
        });
    ASSERT_TRUE(loopUntil([&] { return replied; }));
    EXPECT_EQ(status.at("version").get<std::string>(), "9.9-test");
    EXPECT_TRUE(status.at("policy_loaded").get<bool>());
    EXPECT_EQ(status.at("contacts").get<std::uint32_t>(), 2u);
    EXPECT_EQ(daemon_.status_calls, 1);
    EXPECT_FALSE(lost_);
}

TEST_F(AService, AnswersReloadWithAppliedAndTheMessage) {
    start(bus_.address());
    bool replied = false, applied = true;
    std::string message;
    proxy_->callMethodAsync("Reload")
        .onInterface(names::kInterface)
        .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error, bool a, std::string m) {
            EXPECT_EQ(nocontact::dbus::sd::errorOf(error), nullptr);
            applied = a;
            message = std::move(m);
            replied = true;
        });
    ASSERT_TRUE(loopUntil([&] { return replied; }));
    EXPECT_FALSE(applied);
    EXPECT_EQ(message, "policy.yaml:3:5: error: unknown key 'contcts'");
    EXPECT_EQ(daemon_.reload_calls, 1);
}

TEST_F(AService, ReportsItsVersionAsAProperty) {
    start(bus_.address());
    std::string version;
    proxy_->callMethodAsync("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string(names::kInterface), std::string("Version"))
        .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error, sdbus::Variant value) {
            EXPECT_EQ(nocontact::dbus::sd::errorOf(error), nullptr);
            version = value.get<std::string>();
        });
    ASSERT_TRUE(loopUntil([&] { return !version.empty(); }));
    EXPECT_EQ(version, NOCONTACT_VERSION);
}

TEST_F(AService, EmitsPolicyReloadedAndIntervenedToSubscribers) {
    start(bus_.address());
    bool subscribed = false;
    proxy_->callMethodAsync("Subscribe")
        .onInterface(names::kInterface)
        .uponReplyInvoke([&](nocontact::dbus::sd::ReplyError error) {
            EXPECT_EQ(nocontact::dbus::sd::errorOf(error), nullptr);
            subscribed = true;
        });
    ASSERT_TRUE(loopUntil([&] { return subscribed; }));
    std::optional<std::pair<bool, std::string>> reloaded;
    std::vector<std::string> intervened;
    proxy_->uponSignal("PolicyReloaded")
        .onInterface(names::kInterface)
        .call(
            [&](bool applied, const std::string& message) { reloaded.emplace(applied, message); });
    proxy_->uponSignal("Intervened")
        .onInterface(names::kInterface)
        .call([&](const std::string& contact, const std::string& app, const std::string& kind,
                  const std::string& level, const std::string& action) {
            intervened = {contact, app, kind, level, action};
        });
    nocontact::dbus::sd::finishProxy(*proxy_);
    service_->emitPolicyReloaded(true, "2 contacts");
    service_->emitIntervened("Alex", "signal", "notification", "firm", "withhold");
    ASSERT_TRUE(loopUntil([&] { return reloaded && !intervened.empty(); }));
    EXPECT_EQ(*reloaded, std::make_pair(true, std::string("2 contacts")));
    EXPECT_EQ(intervened,
              (std::vector<std::string>{"Alex", "signal", "notification", "firm", "withhold"}));
}

// Runs dbus-send against the service, as `uid` when set, and returns what it printed.
struct DbusSend {
    int status = -1;
    std::string output;
};

class AServiceOnAnOpenBus : public AService {
  protected:
    DbusSend call(const std::string& method, std::optional<uid_t> uid) {
        std::string out_path = open_.dir() + "/out-" + method;
        std::vector<std::string> args;
        if (uid) {
            args = {"setpriv", "--reuid=" + std::to_string(*uid), "--regid=" + std::to_string(*uid),
                    "--clear-groups"};
        }
        for (std::string a : {"dbus-send", "--print-reply", "--reply-timeout=5000"}) {
            args.push_back(a);
        }
        args.push_back("--bus=" + open_.address());
        args.push_back(std::string("--dest=") + names::kService);
        args.push_back(names::kPath);
        args.push_back(std::string(names::kInterface) + "." + method);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            execvp(argv[0], argv.data());
            _exit(127);
        }
        DbusSend result;
        // The loop keeps serving while dbus-send waits for its answer.
        EXPECT_TRUE(loopUntil([&] { return waitpid(pid, &result.status, WNOHANG) == pid; }));
        std::ifstream in(out_path);
        result.output.assign(std::istreambuf_iterator<char>(in), {});
        return result;
    }

    OpenBus open_;
};

TEST_F(AServiceOnAnOpenBus, AnswersItsOwnUserOverTheBus) {
    start(open_.address());
    auto result = call("Status", std::nullopt);
    EXPECT_EQ(WEXITSTATUS(result.status), 0) << result.output;
    EXPECT_NE(result.output.find("9.9-test"), std::string::npos) << result.output;
    EXPECT_EQ(daemon_.status_calls, 1);
}

TEST_F(AServiceOnAnOpenBus, RefusesAnotherUserWithAccessDenied) {
    ASSERT_EQ(getuid(), 0u) << "this test becomes another user, which needs root (CI is root)";
    start(open_.address());
    for (const char* method : {"Status", "Reload"}) {
        auto result = call(method, kNobody);
        EXPECT_NE(WEXITSTATUS(result.status), 0) << method;
        EXPECT_NE(result.output.find(names::kErrorAccessDenied), std::string::npos)
            << method << ": " << result.output;
        EXPECT_NE(result.output.find("Only the user who runs nocontact"), std::string::npos);
    }
    EXPECT_EQ(daemon_.status_calls, 0) << "the daemon was asked on behalf of a stranger";
    EXPECT_EQ(daemon_.reload_calls, 0);
}
