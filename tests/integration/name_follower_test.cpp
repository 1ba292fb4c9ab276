// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dbus/name_follower.hpp"
#include "private_bus.hpp"

namespace nocontact::dbus {
namespace {

using namespace std::chrono_literals;
using testing::waitUntil;

constexpr const char* kName = "org.nocontact.Followed";

struct BusDeleter {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusDeleter>;

Bus connect(const std::string& address) {
    sd_bus* bus = nullptr;
    if (sd_bus_new(&bus) < 0) return nullptr;
    if (sd_bus_set_address(bus, address.c_str()) < 0 || sd_bus_set_bus_client(bus, 1) < 0 ||
        sd_bus_start(bus) < 0) {
        sd_bus_unref(bus);
        return nullptr;
    }
    return Bus(bus);
}

std::string uniqueName(sd_bus* bus) {
    const char* name = nullptr;
    sd_bus_get_unique_name(bus, &name);
    return name ? name : "";
}

// A follower on a connection of its own, against the test's own dbus-daemon; other connections
// take and drop the name, with blocking calls (answered before the test goes on).
class ANameFollower : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(ours_) << "no connection to the test's bus"; }

    std::unique_ptr<NameFollower> follow(std::vector<std::string>& seen) {
        auto follower = std::make_unique<NameFollower>(
            ours_.get(), kName, [&seen](const std::string& owner) { seen.push_back(owner); });
        follower->start();
        return follower;
    }

    // Our connection's messages, handled as the daemon's loop would.
    void step() {
        while (sd_bus_process(ours_.get(), nullptr) > 0) {
        }
        sd_bus_wait(ours_.get(), 10'000);
    }
    bool waitFor(const std::function<bool()>& done) {
        return waitUntil(done, 5s, [&] { step(); });
    }

    static void take(sd_bus* bus) { ASSERT_GE(sd_bus_request_name(bus, kName, 0), 0); }
    static void drop(sd_bus* bus) { ASSERT_GE(sd_bus_release_name(bus, kName), 0); }

    testing::PrivateBus bus_;
    Bus ours_ = connect(bus_.address());
    Bus first_ = connect(bus_.address());
    Bus second_ = connect(bus_.address());
};

TEST_F(ANameFollower, SaysNobodyOwnsTheNameThenFollowsItsOwners) {
    std::vector<std::string> seen;
    auto follower = follow(seen);
    ASSERT_TRUE(waitFor([&] { return seen.size() == 1; }));
    EXPECT_EQ(seen, std::vector<std::string>{""}) << "the first answer, though nobody owns it";
    EXPECT_EQ(follower->owner(), "");

    take(first_.get());
    ASSERT_TRUE(waitFor([&] { return seen.size() == 2; }));
    EXPECT_EQ(follower->owner(), uniqueName(first_.get()));
    drop(first_.get());
    take(second_.get());  // a restart: gone, then a new instance
    ASSERT_TRUE(waitFor([&] { return seen.size() == 4; }));
    EXPECT_EQ(seen, (std::vector<std::string>{"", uniqueName(first_.get()), "",
                                              uniqueName(second_.get())}));
}

TEST_F(ANameFollower, TellsTheOwnerThatIsAlreadyThere) {
    take(first_.get());
    std::vector<std::string> seen;
    auto follower = follow(seen);
    ASSERT_TRUE(waitFor([&] { return !seen.empty(); }));
    EXPECT_EQ(seen, std::vector<std::string>{uniqueName(first_.get())});
}

TEST_F(ANameFollower, SeesTheOwnerThatLeavesWhenItsConnectionCloses) {
    take(first_.get());
    std::vector<std::string> seen;
    auto follower = follow(seen);
    ASSERT_TRUE(waitFor([&] { return seen.size() == 1; }));
    first_.reset();  // the program ends without releasing the name
    ASSERT_TRUE(waitFor([&] { return seen.size() == 2; }));
    EXPECT_EQ(seen.back(), "");
}

// The question and the change travel in this order on one connection, so the answer ("nobody")
// comes before the change: it is reported, then the change, never the other way round.
TEST_F(ANameFollower, KeepsAChangeThatFollowsItsQuestionClosely) {
    std::vector<std::string> seen;
    auto follower = follow(seen);
    ASSERT_GE(sd_bus_request_name_async(ours_.get(), nullptr, kName, 0, nullptr, nullptr), 0);
    ASSERT_TRUE(waitFor([&] { return seen.size() == 2; }));
    EXPECT_EQ(seen, (std::vector<std::string>{"", uniqueName(ours_.get())}));
    EXPECT_EQ(follower->owner(), uniqueName(ours_.get()));
}

// Changes made by another connection race the question: whichever comes first, the follower
// ends at the owner the bus has, and never reports an owner older than one it reported.
TEST_F(ANameFollower, NeverGoesBackToAnOlderOwnerWhenChangesRaceTheAnswer) {
    for (int round = 0; round < 20; ++round) {
        std::vector<std::string> seen;
        auto follower = follow(seen);
        ASSERT_EQ(sd_bus_flush(ours_.get()), 0);  // the question is on its way
        take(first_.get());
        drop(first_.get());
        take(second_.get());
        const std::string last = uniqueName(second_.get());
        ASSERT_TRUE(waitFor([&] { return !seen.empty() && seen.back() == last; }))
            << "round " << round << ": ended at '" << (seen.empty() ? "-" : seen.back()) << "'";
        // Each report differs from the one before, and the last owner is reported once.
        for (std::size_t i = 1; i < seen.size(); ++i)
            EXPECT_NE(seen[i], seen[i - 1]) << "round " << round;
        EXPECT_EQ(std::count(seen.begin(), seen.end(), last), 1) << "round " << round;
        follower.reset();
        drop(second_.get());
    }
}

TEST_F(ANameFollower, StopsFollowingWhenDestroyed) {
    std::vector<std::string> gone_seen, kept_seen;
    auto gone = follow(gone_seen);
    auto kept = follow(kept_seen);
    ASSERT_TRUE(waitFor([&] { return gone_seen.size() == 1 && kept_seen.size() == 1; }));
    gone.reset();
    take(first_.get());
    // The follower still there is the barrier: once it has seen the change, so would have the
    // other, had it still been following.
    ASSERT_TRUE(waitFor([&] { return kept_seen.size() == 2; }));
    EXPECT_EQ(gone_seen, std::vector<std::string>{""});
}

}  // namespace
}  // namespace nocontact::dbus
