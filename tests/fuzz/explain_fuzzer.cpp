// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes `nocontactctl explain`'s path: the JSON notification reader, then sender recognition
// through the built-in profiles and a decision, as the daemon would make it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/local_time.hpp"
#include "config/loader.hpp"
#include "ctl/explain.hpp"

namespace {

std::unique_ptr<nocontact::ctl::Explainer> makeExplainer() {
    std::string root = NOCONTACT_SOURCE_ROOT;
    auto policy = nocontact::config::loadPolicyFile(root + "/tests/data/corpus/policy.yaml");
    auto profiles = nocontact::config::loadProfilesFile(root + "/config/apps.yaml");
    if (!policy.ok() || !profiles.ok()) __builtin_trap();
    nocontact::policy::Profiles all(policy.policy->apps, std::move(profiles.profiles));
    return std::make_unique<nocontact::ctl::Explainer>(std::move(*policy.policy), std::move(all));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto explainer = makeExplainer();
    static const auto now = nocontact::local_time::momentAtLocal(
        *nocontact::policy::parseLocalDateTime("2026-11-27T23:30"));
    bool ok = true;
    explainer->explainLine(std::string_view(reinterpret_cast<const char*>(data), size), now, ok);
    return 0;
}
