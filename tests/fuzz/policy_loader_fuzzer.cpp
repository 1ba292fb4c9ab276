// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: any bytes given to the policy and profile loaders must give diagnostics,
// never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto policy = nocontact::config::loadPolicy(text, "fuzz.yaml");
    // A result is either a policy or at least one error, never both or neither.
    if (policy.ok() == (policy.errorCount() > 0)) __builtin_trap();
    const auto profiles = nocontact::config::loadProfiles(text, "fuzz.yaml");
    if (!profiles.ok() && !profiles.profiles.empty()) __builtin_trap();
    return 0;
}
