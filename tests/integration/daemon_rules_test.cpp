// SPDX-License-Identifier: GPL-3.0-or-later
// The notification server's own rules (config/server_rules.hpp, daemon/rules_flow.hpp), with a
// fake of mako's (or dunst's) D-Bus interface beside the fake notification server: nocontactd
// keeps the rules in step with who is held, takes back what they hid without drawing anything
// in its place, finds again what they hid while it was not running, and on dunst leaves the
// rule for its own notifications on.
#include <systemd/sd-bus.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/server_rules.hpp"
#include "daemon/strings.hpp"
#include "tests/integration/daemon_process.hpp"

using nocontact::testing::DaemonProcess;
using nocontact::testing::DaemonTest;
using nocontact::testing::FakeFdoServer;
using nocontact::testing::field;

using namespace std::chrono_literals;

namespace {

// mako's own interface (fr.emersion.Mako on /fr/emersion/Mako, mako 1.7 dbus/mako.c), on the
// fake server's connection: what nocontactd asks of it, and a list it can be given.
class FakeMako {
  public:
    struct Listed {
        std::uint32_t id;
        std::string app_name, summary, body;
    };

    explicit FakeMako(sd_bus* bus) {
        static const sd_bus_vtable kVtable[] = {
            SD_BUS_VTABLE_START(0), SD_BUS_METHOD("Reload", "", "", &FakeMako::onReload, 0),
            SD_BUS_METHOD("ListNotifications", "", "aa{sv}", &FakeMako::onList, 0),
            SD_BUS_METHOD("DismissNotification", "ub", "", &FakeMako::onDismiss, 0),
            SD_BUS_VTABLE_END};
        if (sd_bus_add_object_vtable(bus, &slot_, "/fr/emersion/Mako", "fr.emersion.Mako", kVtable,
                                     this) < 0)
            throw std::runtime_error("cannot serve fr.emersion.Mako");
    }
    ~FakeMako() { sd_bus_slot_unref(slot_); }

    int reloads = 0, lists = 0;
    std::vector<std::uint32_t> dismissed;
    std::vector<Listed> list;

  private:
    static int onReload(sd_bus_message* m, void* userdata, sd_bus_error*) {
        ++static_cast<FakeMako*>(userdata)->reloads;
        return sd_bus_reply_method_return(m, "");
    }
    static int onDismiss(sd_bus_message* m, void* userdata, sd_bus_error*) {
        std::uint32_t id = 0;
        int group = 0;
        if (sd_bus_message_read(m, "ub", &id, &group) >= 0)
            static_cast<FakeMako*>(userdata)->dismissed.push_back(id);
        return sd_bus_reply_method_return(m, "");
    }
    static int onList(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<FakeMako*>(userdata);
        ++self->lists;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        for (const auto& n : self->list) {
            if (r >= 0)
                r = sd_bus_message_append(reply, "a{sv}", 4, "app-name", "s", n.app_name.c_str(),
                                          "summary", "s", n.summary.c_str(), "body", "s",
                                          n.body.c_str(), "id", "u", n.id);
        }
        if (r >= 0) r = sd_bus_message_close_container(reply);
        if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
        sd_bus_message_unref(reply);
        return r;
    }

    sd_bus_slot* slot_ = nullptr;
};

// dunst's own interface (org.dunstproject.cmd0 on /org/freedesktop/Notifications, dunst 1.12
// src/dbus.c), on the fake server's connection: every rule switched, in order, and the reloads.
class FakeDunst {
  public:
    explicit FakeDunst(sd_bus* bus) {
        static const sd_bus_vtable kVtable[] = {
            SD_BUS_VTABLE_START(0),
            SD_BUS_METHOD("RuleEnable", "si", "", &FakeDunst::onRuleEnable, 0),
            SD_BUS_METHOD("ConfigReload", "as", "", &FakeDunst::onReload, 0), SD_BUS_VTABLE_END};
        if (sd_bus_add_object_vtable(bus, &slot_, "/org/freedesktop/Notifications",
                                     "org.dunstproject.cmd0", kVtable, this) < 0)
            throw std::runtime_error("cannot serve org.dunstproject.cmd0");
    }
    ~FakeDunst() { sd_bus_slot_unref(slot_); }

    std::vector<std::string> switched;  // "RULE on" or "RULE off"
    int reloads = 0;

  private:
    static int onRuleEnable(sd_bus_message* m, void* userdata, sd_bus_error*) {
        const char* rule = nullptr;
        std::int32_t state = 0;
        if (sd_bus_message_read(m, "si", &rule, &state) >= 0)
            static_cast<FakeDunst*>(userdata)->switched.push_back(std::string(rule) +
                                                                  (state ? " on" : " off"));
        return sd_bus_reply_method_return(m, "");
    }
    static int onReload(sd_bus_message* m, void* userdata, sd_bus_error*) {
        ++static_cast<FakeDunst*>(userdata)->reloads;
        return sd_bus_reply_method_return(m, "");
    }

    sd_bus_slot* slot_ = nullptr;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The person's own mako settings, and nocontact's (still empty) block, as setup leaves them.
const char* const kUserMakoConfig = "font=monospace 10\n[app-name=\"Firefox\"]\nborder-size=4\n";

class RulesTest : public DaemonTest {
  protected:
    void SetUp() override {
        server_.reset();  // the name is free before mako takes it
        server_ = std::make_unique<FakeFdoServer>(bus_.address(), "mako");
        mako_ = std::make_unique<FakeMako>(server_->bus());
        before_start_ = [](DaemonProcess& d) {
            std::filesystem::create_directories(d.configHome() + "/mako");
            std::ofstream(d.configHome() + "/mako/config")
                << nocontact::config::spliceMarked(kUserMakoConfig, "");
        };
    }
    void TearDown() override {
        DaemonTest::TearDown();
        mako_.reset();
    }
    std::string makoConfig() const { return readFile(daemon_->configHome() + "/mako/config"); }
    bool makoHolds(const std::string& name) const {
        std::string c = makoConfig();
        auto begin = c.find(nocontact::config::kMarkBegin);
        auto end = c.find(nocontact::config::kMarkEnd);
        return begin != std::string::npos && end != std::string::npos &&
               c.substr(begin, end - begin).find(name) != std::string::npos;
    }
    // Messages waiting in the journal.
    std::size_t waiting() { return client_->ListHeld().size(); }

    std::unique_ptr<FakeMako> mako_;
};

TEST_F(RulesTest, KeepsMakosRulesInStepAndTakesBackWhatTheyHidWithNothingDrawnInItsPlace) {
    startDaemon(nocontact::testing::alexPolicy("firm"));
    ASSERT_TRUE(waitFor([&] { return makoHolds("Alex Morgan") && mako_->reloads > 0; }))
        << makoConfig();
    // The person's own settings, byte for byte, before nocontact's block.
    EXPECT_EQ(makoConfig().rfind(kUserMakoConfig, 0), 0u) << makoConfig();
    ASSERT_TRUE(waitFor([&] {
        return field<std::vector<std::string>>(status(), "held_before_drawing") ==
               std::vector<std::string>{"Alex"};
    }));
    EXPECT_EQ(field<std::string>(status(), "rules_server"), "mako");

    rememberSecret("the rules hid this one");
    std::uint32_t id = idOf(signalFrom("Alex Morgan", "the rules hid this one"));
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(waitFor([&] { return closesOf(id) == 1; }));
    EXPECT_EQ(placeholdersFor(id), 0) << "a placeholder would itself be drawn";
    EXPECT_TRUE(mako_->dismissed.empty()) << "mako 1.7 crashes on DismissNotification here";
    EXPECT_TRUE(waitFor([&] { return waiting() == 1; }));

    // Softened to gentle: nobody is held, the rules go, mako re-reads them.
    int reloads = mako_->reloads;
    client_->ChangeLevel("soften", "Alex", "gentle", 0, "");
    ASSERT_TRUE(waitFor([&] { return !makoHolds("Alex Morgan") && mako_->reloads > reloads; }))
        << makoConfig();
    EXPECT_EQ(makoConfig().rfind(kUserMakoConfig, 0), 0u) << makoConfig();
    EXPECT_TRUE(field<std::vector<std::string>>(status(), "held_before_drawing").empty());
    auto nudges = [&] {
        return std::count_if(server_->calls().begin(), server_->calls().end(),
                             [](const FakeFdoServer::Call& c) {
                                 return c.member == "Notify" && c.app_name == "nocontact";
                             });
    };
    auto before = nudges();
    std::uint32_t shown = idOf(signalFrom("Alex Morgan", "hello again"));
    ASSERT_NE(shown, 0u);
    // Left alone: shown as it came, with a gentle nudge; nothing dismissed, nothing kept.
    ASSERT_TRUE(waitFor([&] { return nudges() > before; }));
    EXPECT_EQ(closesOf(shown), 0);
    EXPECT_EQ(waiting(), 1u);
}

TEST_F(RulesTest, FindsWhatTheRulesHidWhileItWasNotRunningAndSaysSo) {
    rememberSecret("sent while nocontactd was stopped");
    // What mako kept, invisible, while nocontactd was not there: one of Alex's, one stranger's.
    mako_->list = {{41, "Signal", "Alex Morgan", "sent while nocontactd was stopped"},
                   {42, "Signal", "Sam Rivera", "see you at 8"}};
    startDaemon(nocontact::testing::alexPolicy("firm"));
    ASSERT_TRUE(waitFor([&] { return closesOf(41) == 1; }));
    EXPECT_TRUE(waitFor([&] { return waiting() == 1; }));
    EXPECT_EQ(closesOf(42), 0) << "a stranger's notification is not ours to touch";
    const std::string told = nocontact::i18n::tr(nocontact::daemon::strings::kRecoveredSummary);
    EXPECT_TRUE(waitFor([&] {
        for (const auto& c : server_->calls())
            if (c.member == "Notify" && c.summary == told) return true;
        return false;
    }));
    auto held = client_->ListHeld();
    ASSERT_EQ(held.size(), 1u);

    // Started again with mako still listing it (say, the dismissal was lost) beside one more:
    // the new one is kept, the first never twice.
    ASSERT_EQ(daemon_->stop(), 0);
    rememberSecret("and this one too");
    mako_->list.push_back({43, "Signal", "Alex Morgan", "and this one too"});
    daemon_->start();
    waitReady();
    ASSERT_TRUE(waitFor([&] { return closesOf(43) == 1; }));
    EXPECT_EQ(closesOf(41), 1);
    EXPECT_TRUE(waitFor([&] { return waiting() == 2; }));
}

class DunstRulesTest : public DaemonTest {
  protected:
    void SetUp() override {
        server_.reset();  // the name is free before dunst takes it
        server_ = std::make_unique<FakeFdoServer>(bus_.address(), "dunst");
        dunst_ = std::make_unique<FakeDunst>(server_->bus());
        // setup's drop-in, as dunst read it when it started: the rule for nocontact's own
        // notifications, and no contact yet.
        before_start_ = [](DaemonProcess& d) {
            std::filesystem::create_directories(d.configHome() + "/dunst/dunstrc.d");
            std::ofstream(d.configHome() + "/dunst/dunstrc.d/90-nocontact.conf")
                << "[" << nocontact::config::kDunstOwnRule
                << "]\nappname = \"nocontact\"\nhistory_ignore = true\n";
        };
    }
    void TearDown() override {
        DaemonTest::TearDown();
        dunst_.reset();
    }

    std::unique_ptr<FakeDunst> dunst_;
};

// Switched off, the rule would let the pause, with the person's reasons, into dunst's history.
TEST_F(DunstRulesTest, SwitchesTheContactsRulesButNeverTheOneForItsOwnNotifications) {
    startDaemon(nocontact::testing::alexPolicy("firm"));
    ASSERT_TRUE(waitFor([&] {
        return field<std::vector<std::string>>(status(), "held_before_drawing") ==
               std::vector<std::string>{"Alex"};
    }));
    EXPECT_GT(dunst_->reloads, 0) << "the drop-in gained Alex's rules: dunst reads it again";
    const std::string own = nocontact::config::kDunstOwnRule;
    for (const auto& s : dunst_->switched)
        EXPECT_NE(s.rfind(own + " ", 0), 0u) << s;
    EXPECT_FALSE(dunst_->switched.empty());
}

}  // namespace
