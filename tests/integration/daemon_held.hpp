// SPDX-License-Identifier: GPL-3.0-or-later
// The fixtures of the tests of kept messages, changes of level, the journal and reaching out
// (daemon_held_test.cpp, daemon_changes_test.cpp, daemon_reaching_test.cpp): the real nocontactd
// and the real nocontactctl on the test's own bus.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/daemon_process.hpp"

namespace nocontact::testing {

// Strict: kept without a pause, reachable only through `nocontactctl read`.
inline const std::string kStrictPolicy = alexPolicy("strict");

// nocontactctl run by the tests of kept messages (tests/integration/daemon_ctl.hpp).
class DaemonHeld : public DaemonCtl {};

// Day N of the space from Alex today (day 1: 2024-12-10, alexPolicy's `since`), in this
// process's zone.
inline long dayOfAlexsSpace() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    using namespace std::chrono;
    sys_days today = year{tm.tm_year + 1900} / month(static_cast<unsigned>(tm.tm_mon + 1)) /
                     day(static_cast<unsigned>(tm.tm_mday));
    return (today - sys_days{year{2024} / December / 10}).count() + 1;
}

inline const std::string kPausePolicy = alexPolicy("pause");

class DaemonChanges : public DaemonHeld {
  protected:
    // Sends a message from Alex and waits until the daemon has judged it (Intervened).
    std::uint32_t judged(const std::string& body) {
        std::size_t before = client_->intervened.size();
        std::uint32_t id = idOf(signalFrom("Alex Morgan", body));
        EXPECT_TRUE(waitFor([&] { return client_->intervened.size() > before; }));
        return id;
    }
};

// The pause's body as the server was last asked to show it, or "".
inline std::string lastPauseBody(const FakeFdoServer& server) {
    std::string body;
    for (const auto& call : server.calls())
        if (call.member == "Notify" && call.summary.find("take a breath") != std::string::npos)
            body = call.body;
    return body;
}

// The journal, statistics, export and status, read back through nocontactctl.
class DaemonJournal : public DaemonChanges {
  protected:
    nlohmann::json json(const std::vector<std::string>& args) {
        Run run = ctl(args);
        EXPECT_EQ(run.status, 0) << run.err;
        auto doc = nlohmann::json::parse(run.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << run.out;
        return doc;
    }

    // Two kept messages at strict: one read, one let go; a note; a softening.
    void liveADay() {
        ASSERT_NO_FATAL_FAILURE(startDaemon(kStrictPolicy));
        ASSERT_TRUE(waitWithheld(judged("the first secret")));
        ASSERT_EQ(ctl({"read", std::to_string(held()[0]["id"].get<std::int64_t>())}).status, 0);
        ASSERT_TRUE(waitWithheld(judged("the second secret")));
        ASSERT_EQ(ctl({"let-go", "Alex"}).status, 0);
        ASSERT_EQ(ctl({"note", "Alex", "I went for a long walk instead"}).status, 0);
        ASSERT_EQ(ctl({"soften", "Alex", "--to", "firm", "--for", "1h"}).status, 0);
    }
};

}  // namespace nocontact::testing
