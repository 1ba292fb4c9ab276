// SPDX-License-Identifier: GPL-3.0-or-later
// The two halves of a policy reload for 1,000 contacts as scripts/bench writes them (half with
// a phone number): reading the YAML into a Policy, and the notification servers' rule shapes
// for it (config::ruleShapes). scripts/bench --reload times the whole reload in the daemon;
// these say where that time goes.
#include <benchmark/benchmark.h>

#include <string>

#include "config/loader.hpp"
#include "config/server_rules.hpp"
#include "policy/profile.hpp"

namespace {

using namespace nocontact;

std::string benchPolicy(int contacts) {
    std::string text = "version: 1\ndefaults: { strictness: pause, region: US }\ncontacts:\n";
    for (int i = 0; i < contacts; ++i) {
        const std::string name = "Contact " + std::to_string(i);
        std::string phone = std::to_string(i % 10000);
        phone.insert(0, 4 - phone.size(), '0');
        text += "  - name: " + name + "\n    match: { names: [\"" + name + "\"]" +
                (i % 2 ? ", phones: [\"+1 415 555 " + phone + "\"]" : "") + " }\n";
    }
    return text + "  - name: Alex\n    match: { names: [\"Alex Morgan\"] }\n";
}

void BM_LoadPolicy(benchmark::State& state) {
    const std::string text = benchPolicy(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto loaded = config::loadPolicy(text, "bench.yaml");
        if (!loaded.ok()) return state.SkipWithError("the bench policy does not load");
        benchmark::DoNotOptimize(loaded);
    }
}

void BM_RuleShapes(benchmark::State& state) {
    auto loaded = config::loadPolicy(benchPolicy(static_cast<int>(state.range(0))), "bench.yaml");
    auto apps = config::loadProfilesFile(NOCONTACT_SOURCE_ROOT "/config/apps.yaml");
    if (!loaded.ok() || !apps.ok()) return state.SkipWithError("the bench policy does not load");
    policy::Profiles profiles(loaded.policy->apps, apps.profiles);
    for (auto _ : state) {
        auto shapes = config::ruleShapes(*loaded.policy, profiles);
        benchmark::DoNotOptimize(shapes);
    }
}

BENCHMARK(BM_LoadPolicy)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleShapes)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
