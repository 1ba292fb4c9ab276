// SPDX-License-Identifier: GPL-3.0-or-later
// Digests against a clock and a timer the test moves by hand: the digest times of a day come
// in seconds of the test's time, not hours of waiting.
#include "daemon/digest_flow.hpp"

#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/test_clock.hpp"

namespace {

using nocontact::daemon::DigestFlow;
using nocontact::policy::LocalTime;
using nocontact::policy::SysTime;
using nocontact::policy::TimeOfDay;
using nocontact::testing::HandTimer;
using nocontact::testing::TestClock;
using namespace std::chrono_literals;

// 2026-12-04 08:00 UTC.
const SysTime kEight{std::chrono::seconds{1796342400 + 8 * 3600}};

TimeOfDay at(int hour, int minute) {
    return TimeOfDay{hour * 60 + minute};
}

LocalTime local(SysTime t) {
    return LocalTime{t.time_since_epoch()};
}

class ADigest : public ::testing::Test {
  protected:
    // The flow turns a digest's local time into UTC with the process's zone: UTC here, as the
    // clock's local reading is.
    void SetUp() override {
        const char* tz = getenv("TZ");
        if (tz) saved_tz_ = tz;
        setenv("TZ", "UTC0", 1);
        tzset();
    }
    void TearDown() override {
        if (saved_tz_)
            setenv("TZ", saved_tz_->c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

    TestClock clock_{kEight};
    HandTimer timer_{clock_};
    int offered_ = 0;
    DigestFlow digests_{clock_, timer_, [this] { ++offered_; }};
    std::optional<std::string> saved_tz_;
};

TEST_F(ADigest, IsOfferedAtEachDigestTimeAndNotBefore) {
    digests_.follow({at(8, 30), at(19, 0)});
    EXPECT_EQ(digests_.due(), local(kEight + 30min));
    timer_.advance(29min);
    EXPECT_EQ(offered_, 0);
    timer_.advance(1min);
    EXPECT_EQ(offered_, 1);
    EXPECT_EQ(digests_.due(), local(kEight + 11h));
    timer_.advance(11h);
    EXPECT_EQ(offered_, 2);
    EXPECT_EQ(digests_.due(), local(kEight + 24h + 30min)) << "tomorrow's first";
}

TEST_F(ADigest, IsOfferedOnceWhenTheLoopWakesLongAfterItsTime) {
    digests_.follow({at(8, 30), at(19, 0)});
    clock_.advance(13h);  // 21:00: both of today's times went by while the loop slept
    timer_.fireAll();     // its timer comes late (the machine slept, or the loop was busy)
    EXPECT_EQ(offered_, 1) << "one offer covers what waits";
    EXPECT_EQ(digests_.due(), local(kEight + 24h + 30min));
}

TEST_F(ADigest, IsNotOfferedTwiceWhenTheClockIsSetBackALittle) {
    digests_.follow({at(8, 30), at(19, 0)});
    timer_.advance(30min);
    ASSERT_EQ(offered_, 1);
    clock_.advance(-1min);                    // the wall clock corrected back a minute (to 08:29)
    digests_.follow({at(8, 30), at(19, 0)});  // and a policy applied meanwhile
    EXPECT_EQ(digests_.due(), local(kEight + 11h)) << "08:30 was offered already";
    timer_.advance(2min);
    EXPECT_EQ(offered_, 1);
}

TEST_F(ADigest, WaitsForNothingWithoutDigestTimesAndStartsWhenAPolicyGivesSome) {
    digests_.follow({});
    EXPECT_FALSE(digests_.due());
    EXPECT_EQ(timer_.pending(), 0u);
    timer_.advance(1h);
    digests_.follow({at(12, 0)});  // the person added a digest time
    EXPECT_EQ(digests_.due(), local(kEight + 4h));
    timer_.advance(3h);
    EXPECT_EQ(offered_, 1);
}

TEST_F(ADigest, FollowsANewTimeAndForgetsTheOldOne) {
    digests_.follow({at(12, 0)});
    digests_.follow({at(10, 0)});
    EXPECT_EQ(timer_.pending(), 1u) << "the 12:00 timer was not cancelled";
    timer_.advance(4h);  // to 12:00
    EXPECT_EQ(offered_, 1) << "offered at 10:00 only";
    EXPECT_EQ(digests_.due(), local(kEight + 26h));
}

// A digest time is a local time: across the change to summer time (Sunday 2026-03-29, 02:00 in
// Central Europe), Sunday's 08:30 comes 22 h 30 min after Saturday's 09:00, not 23 h 30 min.
TEST_F(ADigest, ComesAtItsLocalTimeAcrossAChangeToSummerTime) {
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
    const SysTime saturday_nine{std::chrono::seconds{1774656000 + 8 * 3600}};  // 09:00 CET
    TestClock clock = TestClock::inProcessZone(saturday_nine);
    HandTimer timer{clock};
    int offered = 0;
    DigestFlow digests{clock, timer, [&] { ++offered; }};
    digests.follow({at(8, 30)});
    timer.advance(22h + 29min);
    EXPECT_EQ(offered, 0);
    timer.advance(1min);
    EXPECT_EQ(offered, 1) << "Sunday 08:30 CEST is 06:30 UTC";
}

TEST_F(ADigest, CancelsItsTimerWhenItGoes) {
    {
        DigestFlow gone{clock_, timer_, [this] { ++offered_; }};
        gone.follow({at(9, 0)});
        EXPECT_EQ(timer_.pending(), 1u);
    }
    EXPECT_EQ(timer_.pending(), 0u);
    timer_.advance(2h);
    EXPECT_EQ(offered_, 0);
}

}  // namespace
