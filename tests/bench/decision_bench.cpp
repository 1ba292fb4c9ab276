// SPDX-License-Identifier: GPL-3.0-or-later
// How long one decision takes against policies of 10, 1,000 and 10,000 contacts (DESIGN.md §9:
// median <= 2 us at 10,000, within 1.5x of 10). Run with --benchmark_repetitions=10
// --benchmark_report_aggregates_only=true to read the medians.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "config/loader.hpp"
#include "policy/engine.hpp"
#include "policy/profile.hpp"

namespace {

using namespace nocontact::policy;

// Every generated contact has a name, a phone and an e-mail, as real ones do. Names are
// built from two lists so that they look like names rather than numbers.
constexpr const char* kFirstNames[] = {"Alex", "Sam", "Robin", "Kim", "Jo", "Chris", "Nico", "Lee"};

std::string generatedName(int i) {
    return std::string{kFirstNames[i % 8]} + " " + std::to_string(i);
}

Policy generatedPolicy(int contacts) {
    Policy p;
    p.defaults.strictness = Level::Pause;
    Schedule late{"late night", {}, TimeOfDay{22 * 60}, TimeOfDay{6 * 60}, 1};
    p.schedules.push_back(late);
    for (int i = 0; i < contacts; ++i) {
        Contact c;
        c.name = generatedName(i);
        c.names = {c.name + " Morgan"};
        c.phones = {"+1415" + std::to_string(5550000 + i)};
        c.emails = {"person" + std::to_string(i) + "@example.com"};
        c.strictness = static_cast<Level>(i % kLevelCount);
        p.contacts.push_back(std::move(c));
    }
    return p;
}

Moment evening() {
    auto local = *parseLocalDateTime("2026-11-27T21:10");
    return Moment{SysTime{local.time_since_epoch() - std::chrono::hours{1}}, local};
}

Event messageFrom(std::string sender) {
    Event e;
    e.app = "signal";
    e.sender = std::move(sender);
    e.text = "are you awake?";
    return e;
}

void runDecisions(benchmark::State& state, const std::string& sender, bool known) {
    Engine engine(generatedPolicy(static_cast<int>(state.range(0))));
    Event event = messageFrom(sender);
    Moment now = evening();
    // Measure the path we mean to: a named sender must be recognised, a stranger must not.
    if (engine.handle(event, now).contact.has_value() != known) {
        state.SkipWithError("the sender was not recognised as expected");
        return;
    }
    for (auto _ : state) {
        Decision d = engine.handle(event, now);
        benchmark::DoNotOptimize(d);
    }
}

// The contact in the middle of the file: a scan would have to walk half the list.
void BM_MessageFromNamedContact(benchmark::State& state) {
    int middle = static_cast<int>(state.range(0)) / 2;
    runDecisions(state, generatedName(middle) + " Morgan", true);
}

void BM_MessageFromStranger(benchmark::State& state) {
    runDecisions(state, "Dana Whitfield", false);
}

// A group message from Alex as Signal Desktop sends it (shared/fixtures/notifications.jsonl,
// signal-02-group-alex-sends): the profile finds the sender, then the engine decides.
nocontact::policy::Notification signalGroupMessage() {
    Notification n;
    n.app_name = "Signal";
    n.replaces_id = 413;
    n.summary = "Alex Morgan in Family Chat";
    n.body = "Dinner at 7? I booked the usual place";
    n.actions = {"default", "View"};
    n.hints = {{"urgency", "1"}, {"desktop-entry", "signal"}, {"sender-pid", "48213"}};
    return n;
}

void BM_SignalNotificationToDecision(benchmark::State& state) {
    auto loaded = nocontact::config::loadProfilesFile(NOCONTACT_SOURCE_ROOT "/config/apps.yaml");
    if (!loaded.ok()) return state.SkipWithError("config/apps.yaml does not load");
    Profiles profiles({}, loaded.profiles);
    Policy policy = generatedPolicy(static_cast<int>(state.range(0)));
    policy.contacts[policy.contacts.size() / 2].names.push_back("Alex Morgan");
    Engine engine(std::move(policy));
    Notification n = signalGroupMessage();
    Moment now = evening();
    if (!engine.handle(profiles.toEvent(n), now).contact) {
        return state.SkipWithError("the Signal notification was not attributed");
    }
    for (auto _ : state) {
        Decision d = engine.handle(profiles.toEvent(n), now);
        benchmark::DoNotOptimize(d);
    }
}

BENCHMARK(BM_MessageFromNamedContact)->Arg(10)->Arg(1000)->Arg(10000);
BENCHMARK(BM_MessageFromStranger)->Arg(10)->Arg(1000)->Arg(10000);
BENCHMARK(BM_SignalNotificationToDecision)->Arg(10)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
