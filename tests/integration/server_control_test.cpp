// SPDX-License-Identifier: GPL-3.0-or-later
// dbus/server_control.hpp on a private dbus-daemon, against a stand-in for dunst's own
// interface that answers only when the test says so: at most kMaxInFlight calls wait for a
// reply at a time, the rest go out in order as replies come, an error reply does not hold up
// the rest, and calls not yet sent when the control goes away are never sent.
#include "dbus/server_control.hpp"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::waitUntil;

sd_bus* connect(const std::string& address) {
    sd_bus* bus = nullptr;
    EXPECT_GE(sd_bus_new(&bus), 0);
    EXPECT_GE(sd_bus_set_address(bus, address.c_str()), 0);
    EXPECT_GE(sd_bus_set_bus_client(bus, 1), 0);
    EXPECT_GE(sd_bus_start(bus), 0);
    return bus;
}

// org.dunstproject.cmd0's RuleEnable, answered by the test: every call is kept unanswered
// until answerOne() (a rule it does not have gets dunst's error).
class HeldDunst {
  public:
    explicit HeldDunst(const std::string& address) : bus_(connect(address)) {
        static const sd_bus_vtable kVtable[] = {
            SD_BUS_VTABLE_START(0),
            SD_BUS_METHOD("RuleEnable", "si", "", &HeldDunst::onRuleEnable, 0), SD_BUS_VTABLE_END};
        EXPECT_GE(sd_bus_add_object_vtable(bus_, &slot_, "/org/freedesktop/Notifications",
                                           "org.dunstproject.cmd0", kVtable, this),
                  0);
        const char* unique = nullptr;
        EXPECT_GE(sd_bus_get_unique_name(bus_, &unique), 0);
        name_ = unique ? unique : "";
    }
    ~HeldDunst() {
        for (auto* m : unanswered_)
            sd_bus_message_unref(m);
        sd_bus_slot_unref(slot_);
        sd_bus_flush_close_unref(bus_);
    }

    sd_bus* bus() const { return bus_; }
    const std::string& name() const { return name_; }
    std::size_t unanswered() const { return unanswered_.size(); }
    std::size_t mostUnanswered() const { return most_; }
    const std::vector<std::string>& received() const { return received_; }

    // Answers the oldest call.
    void answerOne() {
        ASSERT_FALSE(unanswered_.empty());
        sd_bus_message* m = unanswered_.front();
        unanswered_.erase(unanswered_.begin());
        const char* rule = nullptr;
        std::int32_t state = 0;
        sd_bus_message_rewind(m, 1);
        ASSERT_GE(sd_bus_message_read(m, "si", &rule, &state), 0);
        if (std::string(rule).rfind("missing", 0) == 0) {
            sd_bus_error e = SD_BUS_ERROR_MAKE_CONST("org.freedesktop.DBus.Error.InvalidArgs",
                                                     "There is no rule named that");
            ASSERT_GE(sd_bus_reply_method_error(m, &e), 0);
        } else {
            ASSERT_GE(sd_bus_reply_method_return(m, ""), 0);
        }
        sd_bus_message_unref(m);
    }

  private:
    static int onRuleEnable(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<HeldDunst*>(userdata);
        const char* rule = nullptr;
        std::int32_t state = 0;
        if (sd_bus_message_read(m, "si", &rule, &state) >= 0) self->received_.push_back(rule);
        self->unanswered_.push_back(sd_bus_message_ref(m));
        self->most_ = std::max(self->most_, self->unanswered_.size());
        return 1;  // answered later
    }

    sd_bus* bus_;
    sd_bus_slot* slot_ = nullptr;
    std::string name_;
    std::vector<sd_bus_message*> unanswered_;
    std::size_t most_ = 0;
    std::vector<std::string> received_;
};

class AServerControl : public ::testing::Test {
  protected:
    AServerControl() : dunst_(bus_.address()), client_(connect(bus_.address())) {}
    ~AServerControl() override { sd_bus_flush_close_unref(client_); }

    // Both ends process what they have, then wait a little for more.
    void step() {
        for (sd_bus* b : {client_, dunst_.bus()})
            while (sd_bus_process(b, nullptr) > 0) {
            }
        sd_bus_wait(dunst_.bus(), 2000);
        sd_bus_wait(client_, 2000);
    }
    bool waitFor(const std::function<bool()>& done) {
        return waitUntil(done, 5s, [this] { step(); });
    }
    // Every call so far seen by the server (with the rest waiting in the control).
    bool settled(const ServerControl& control) {
        return waitFor([&] { return dunst_.unanswered() == std::size_t(control.inFlight()); });
    }

    testing::PrivateBus bus_;
    HeldDunst dunst_;
    sd_bus* client_;
};

TEST_F(AServerControl, KeepsAtMostFourCallsUnansweredAndSendsTheRestInOrder) {
    ServerControl control(client_);
    constexpr int kCalls = 70;
    std::vector<std::string> answered;
    for (int i = 0; i < kCalls; ++i) {
        std::string rule = "nocontact-rule-" + std::to_string(i);
        control.dunstRuleEnable(dunst_.name(), rule, true,
                                [&answered, rule](bool ok, const std::string&) {
                                    if (ok) answered.push_back(rule);
                                });
    }
    ASSERT_TRUE(settled(control));
    EXPECT_EQ(dunst_.unanswered(), std::size_t(ServerControl::kMaxInFlight));
    EXPECT_EQ(control.waiting(), std::size_t(kCalls - ServerControl::kMaxInFlight));

    while (answered.size() < std::size_t(kCalls)) {
        ASSERT_TRUE(waitFor([&] { return dunst_.unanswered() > 0; })) << answered.size();
        dunst_.answerOne();
        ASSERT_TRUE(settled(control));
        ASSERT_TRUE(waitFor([&] {
            return answered.size() + dunst_.unanswered() + control.waiting() == std::size_t(kCalls);
        }));
    }
    EXPECT_LE(dunst_.mostUnanswered(), std::size_t(ServerControl::kMaxInFlight))
        << "more calls waited at the server than the limit";
    std::vector<std::string> expected;
    for (int i = 0; i < kCalls; ++i)
        expected.push_back("nocontact-rule-" + std::to_string(i));
    EXPECT_EQ(dunst_.received(), expected) << "sent out of order";
    EXPECT_EQ(answered, expected);
    EXPECT_EQ(control.inFlight(), 0);
}

TEST_F(AServerControl, GoesOnAfterAnErrorReply) {
    ServerControl control(client_);
    std::vector<std::string> outcomes;
    for (std::string rule : {"missing-a", "missing-b", "missing-c", "missing-d", "here-e"})
        control.dunstRuleEnable(dunst_.name(), rule, true,
                                [&outcomes, rule](bool ok, const std::string&) {
                                    outcomes.push_back(rule + (ok ? " ok" : " error"));
                                });
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(waitFor([&] { return dunst_.unanswered() > 0; }));
        dunst_.answerOne();
    }
    ASSERT_TRUE(waitFor([&] { return outcomes.size() == 5; }));
    EXPECT_EQ(outcomes,
              (std::vector<std::string>{"missing-a error", "missing-b error", "missing-c error",
                                        "missing-d error", "here-e ok"}));
}

TEST_F(AServerControl, NeverSendsWhatWasStillWaitingWhenItWentAway) {
    int called = 0;
    {
        ServerControl control(client_);
        for (int i = 0; i < 10; ++i)
            control.dunstRuleEnable(dunst_.name(), "nocontact-rule-" + std::to_string(i), true,
                                    [&called](bool, const std::string&) { ++called; });
        ASSERT_TRUE(settled(control));
    }
    // The four already sent still get their answers (their callbacks belong to the caller,
    // who guards them); the six that waited are never sent.
    for (int i = 0; i < ServerControl::kMaxInFlight; ++i) {
        ASSERT_TRUE(waitFor([&] { return dunst_.unanswered() > 0; }));
        dunst_.answerOne();
    }
    ASSERT_TRUE(waitFor([&] { return called == ServerControl::kMaxInFlight; }));
    for (int i = 0; i < 20; ++i)
        step();
    EXPECT_EQ(dunst_.received().size(), std::size_t(ServerControl::kMaxInFlight));
    EXPECT_EQ(called, ServerControl::kMaxInFlight);
}

}  // namespace
}  // namespace nocontact::dbus
