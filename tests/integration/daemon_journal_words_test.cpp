// SPDX-License-Identifier: GPL-3.0-or-later
// What the journal and an export say, through the real nocontactd and nocontactctl: a snooze
// names no contact, what a snooze let through says so, a change carries its end and its note,
// apps are named as `held` names them, and only what went one way has a direction.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/daemon_ctl.hpp"
#include "tests/integration/daemon_process.hpp"

namespace {

using nocontact::testing::alexPolicy;

class DaemonJournalWords : public nocontact::testing::DaemonCtl {
  protected:
    nlohmann::json json(const std::vector<std::string>& args) {
        Run run = ctl(args);
        EXPECT_EQ(run.status, 0) << run.err;
        auto doc = nlohmann::json::parse(run.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << run.out;
        return doc;
    }

    // Sends a message from Alex and waits until the daemon has judged it (Intervened).
    std::uint32_t judged(const std::string& body) {
        std::size_t before = client_->intervened.size();
        std::uint32_t id = idOf(signalFrom("Alex Morgan", body));
        EXPECT_TRUE(waitFor([&] { return client_->intervened.size() > before; }));
        return id;
    }

    // The journal's entries about the person's changes, oldest first.
    std::vector<nlohmann::json> changes() {
        std::vector<nlohmann::json> out;
        for (const auto& e : json({"journal", "--json"}))
            if (e.value("kind", "") == "change") out.push_back(e);
        return out;
    }
};

TEST_F(DaemonJournalWords, ASnoozeNamesNoContactAndWhatItLetThroughSaysSo) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(alexPolicy("pause")));
    ASSERT_EQ(ctl({"snooze", "1h"}).status, 0);
    EXPECT_EQ(closesOf(judged("during the snooze")), 0) << "a snooze shows it";
    Run text = ctl({"journal"});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_EQ(text.out.find("  : "), std::string::npos) << "an empty contact: " << text.out;
    EXPECT_NE(text.out.find("you snoozed nocontact until "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("shown (while snoozed)"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("(open)"), std::string::npos) << "open did not decide: " << text.out;

    auto snooze = changes();
    ASSERT_EQ(snooze.size(), 1u);
    EXPECT_EQ(snooze[0]["action"], "snooze");
    EXPECT_TRUE(snooze[0]["until"].is_string()) << snooze[0].dump();
    EXPECT_EQ(snooze[0]["duration_seconds"], 3600) << snooze[0].dump();
}

TEST_F(DaemonJournalWords, AChangeCarriesItsEndAndItsNoteAndHasNoDirection) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(alexPolicy("pause")));
    ASSERT_EQ(
        ctl({"soften", "Alex", "--to", "gentle", "--for", "2h", "--note", "sorting out the car"})
            .status,
        0);
    ASSERT_EQ(ctl({"harden", "Alex"}).status, 0);  // within the same second, most likely

    auto seen = changes();
    ASSERT_EQ(seen.size(), 2u) << json({"journal", "--json"}).dump(1);
    EXPECT_EQ(seen[0]["action"], "soften");
    EXPECT_EQ(seen[0]["note"], "sorting out the car") << "the note is the soften's";
    EXPECT_EQ(seen[0]["duration_seconds"], 7200) << seen[0].dump();
    EXPECT_EQ(seen[1]["action"], "harden");
    EXPECT_TRUE(seen[1]["until"].is_null()) << "until the person changes it: " << seen[1].dump();
    EXPECT_TRUE(seen[1]["duration_seconds"].is_null()) << seen[1].dump();
    for (const auto& e : seen)
        EXPECT_FALSE(e.contains("direction")) << "the person's own change: " << e.dump();
    const auto exported = json({"export", "--json"});  // kept alive for the loop below
    for (const auto& e : exported["journal"])
        EXPECT_NE(e["what"], "note") << "a change's note is not filed apart: " << e.dump();

    Run text = ctl({"journal"});
    const auto soften = text.out.find("you softened to gentle until ");
    const auto note = text.out.find("— your note: sorting out the car");
    const auto harden = text.out.find("you hardened to pause, until you change it");
    ASSERT_NE(soften, std::string::npos) << text.out;
    ASSERT_NE(note, std::string::npos) << text.out;
    ASSERT_NE(harden, std::string::npos) << text.out;
    EXPECT_LT(note, harden) << "the note comes with its change: " << text.out;
    EXPECT_EQ(text.out.find("for a while"), std::string::npos) << text.out;
}

TEST_F(DaemonJournalWords, NamesTheAppAsHeldDoesAndAContactsMessageCameIn) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(alexPolicy("strict")));
    ASSERT_TRUE(waitWithheld(judged("kept at strict")));
    auto list = held();
    ASSERT_EQ(list.size(), 1u);
    nlohmann::json message;
    for (const auto& e : json({"journal", "--json"}))
        if (e.value("kind", "") == "message") message = e;
    ASSERT_FALSE(message.is_null());
    EXPECT_EQ(message["app"], list[0]["app"]) << message.dump();
    EXPECT_EQ(message["app_id"], "signal") << message.dump();
    EXPECT_EQ(message["direction"], "incoming");
    Run text = ctl({"journal"});
    EXPECT_NE(text.out.find("a message (Signal); kept until you ask for it (strict)"),
              std::string::npos)
        << text.out;
}

// One vocabulary: a kept message waits or was let go, as status counts it; never a raw state.
TEST_F(DaemonJournalWords, HeldAndStatusSayKeptWaitingAndLetGoInWords) {
    ASSERT_NO_FATAL_FAILURE(startDaemon(alexPolicy("strict")));
    ASSERT_TRUE(waitWithheld(judged("one to let go")));
    ASSERT_TRUE(waitWithheld(judged("one that waits")));
    const auto first = std::to_string(held()[0]["id"].get<std::int64_t>());
    ASSERT_EQ(ctl({"let-go", first}).status, 0);
    Run list = ctl({"held", "--all"});
    ASSERT_EQ(list.status, 0) << list.err;
    EXPECT_EQ(list.out.find("let_go"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("(Signal)  let go"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("(Signal)  waiting"), std::string::npos) << list.out;
    const auto all = held();
    EXPECT_TRUE(
        std::any_of(all.begin(), all.end(), [](const auto& m) { return m["state"] == "let_go"; }))
        << "the JSON keeps the state's name: " << all.dump();
    Run status = ctl({"status"});
    EXPECT_NE(status.out.find("kept 2; 1 waiting for you"), std::string::npos) << status.out;
    EXPECT_EQ(status.out.find("withheld"), std::string::npos) << status.out;
}

}  // namespace
