// SPDX-License-Identifier: GPL-3.0-or-later
// What keeping a withheld message costs: the one commit on the path between a message reaching
// the screen and nocontact taking it off (DESIGN.md §9's intercept figure), made when its Notify
// call is seen (its event row follows within a second, with the others of that moment);
// checkpoints left out as the daemon leaves them to its idle turn. The journal lives in
// a fresh folder under $TMPDIR (or /tmp), on whatever disk that is: run it where the state
// folder would be to read the figure that matters.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon/journal/store.hpp"

namespace {

using namespace nocontact::daemon;

std::filesystem::path freshFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/nocontact-bench.XXXXXX";
    if (!mkdtemp(pattern.data())) return {};
    return pattern;
}

void BM_KeepAMessage(benchmark::State& state) {
    const auto folder = freshFolder();
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    auto opened = JournalStore::open(folder, now);
    if (!opened.store) {
        state.SkipWithError("the journal could not be opened");
        return;
    }

    HeldMessage message{.received = now,
                        .contact = "Alex",
                        .app_name = "Signal",
                        .app_id = "signal-desktop",
                        .desktop_entry = "signal-desktop",
                        .summary = "Alex Morgan",
                        .body = "Are you awake? I keep thinking about it."};
    // As in the daemon, the log's checkpoint runs after the withholding call, not in the commit.
    bool due = false;
    opened.store->onCheckpointDue([&] { due = true; });
    for (auto _ : state) {
        benchmark::DoNotOptimize(opened.store->holdMessage(message));
        if (due) {
            state.PauseTiming();
            due = false;
            (void)opened.store->checkpoint();
            state.ResumeTiming();
        }
    }
    opened.store.reset();
    std::filesystem::remove_all(folder);
}
BENCHMARK(BM_KeepAMessage)->Unit(benchmark::kMicrosecond);

}  // namespace
