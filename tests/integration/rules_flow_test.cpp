// SPDX-License-Identifier: GPL-3.0-or-later
// RulesFlow works out a policy's rule shapes (about 0.1 s for 1,000 contacts) only where they
// are used, the server in use having rules from setup, and once per policy: a level changing,
// a snooze or a schedule's edge re-uses them.
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "daemon/rules_flow.hpp"
#include "tests/integration/journal_test_util.hpp"
#include "tests/integration/private_bus.hpp"

namespace nocontact::daemon {
namespace {

struct BusDeleter {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};

class ARulesFlow : public ::testing::Test {
  protected:
    void SetUp() override {
        setenv("XDG_CONFIG_HOME", (home_.path() / "config").c_str(), 1);
        setenv("XDG_STATE_HOME", (home_.path() / "state").c_str(), 1);
        sd_bus* bus = nullptr;
        ASSERT_GE(sd_bus_new(&bus), 0);
        bus_.reset(bus);
        ASSERT_GE(sd_bus_set_address(bus, private_bus_.address().c_str()), 0);
        ASSERT_GE(sd_bus_set_bus_client(bus, 1), 0);
        ASSERT_GE(sd_bus_start(bus), 0);
    }
    void TearDown() override {
        unsetenv("XDG_CONFIG_HOME");
        unsetenv("XDG_STATE_HOME");
    }

    // What `nocontactctl setup` leaves for dunst: its drop-in file.
    void setUpDunstRules() {
        std::filesystem::path dropin = config::serverPaths().dunst_dropin;
        std::filesystem::create_directories(dropin.parent_path());
        std::ofstream(dropin) << "";
    }

    std::unique_ptr<RulesFlow> flow() {
        return std::make_unique<RulesFlow>(
            bus_.get(), home_.path() / "state", [](const std::vector<dbus::Observed>&) {},
            [this] {
                ++asked_;
                return std::vector<config::RuleShape>{
                    {0, "signal", config::RuleShape::AppKey::AppName, "Signal",
                     config::RuleShape::Field::Summary, "Alex Morgan", true}};
            });
    }

    static dbus::ServerInfo dunst() {
        dbus::ServerInfo info;
        info.unique_name = ":1.99";
        info.name = "dunst";
        info.version = "1.9.0";
        return info;
    }

    testing::journal::TempFolder home_;
    testing::PrivateBus private_bus_;
    std::unique_ptr<sd_bus, BusDeleter> bus_;
    int asked_ = 0;
};

TEST_F(ARulesFlow, LeavesTheShapesUnaskedWhereTheServerHasNoRulesFromSetup) {
    auto rules = flow();
    rules->serverChanged(dunst());
    rules->policyChanged();
    rules->update({true});
    rules->update({false});
    rules->policyChanged();
    rules->update({true});
    EXPECT_EQ(asked_, 0);
    EXPECT_FALSE(rules->active());
}

TEST_F(ARulesFlow, AsksForTheShapesOncePerPolicyWhereTheServerHasRules) {
    setUpDunstRules();
    auto rules = flow();
    rules->policyChanged();
    rules->serverChanged(dunst());
    EXPECT_EQ(asked_, 1) << "the server in use has rules: the shapes are needed now";
    EXPECT_TRUE(rules->active());
    rules->update({true});
    rules->update({false});  // a soften, a snooze, a schedule's edge: the same policy
    rules->update({true});
    EXPECT_EQ(asked_, 1);
    rules->policyChanged();
    rules->update({true});
    EXPECT_EQ(asked_, 2);
}

TEST_F(ARulesFlow, AsksForTheShapesWhenSetupPutsRulesInPlaceLater) {
    auto rules = flow();
    rules->serverChanged(dunst());
    rules->policyChanged();
    rules->update({true});
    EXPECT_EQ(asked_, 0);
    setUpDunstRules();  // setup asks for a reload when it is done
    rules->policyChanged();
    rules->update({true});
    EXPECT_EQ(asked_, 1);
    EXPECT_TRUE(rules->active());
}

}  // namespace
}  // namespace nocontact::daemon
