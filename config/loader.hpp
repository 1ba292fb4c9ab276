// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.hpp"
#include "policy/profile.hpp"

namespace nocontact::config {

// One problem found in a file, with a 1-based position.
struct Diagnostic {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    std::string file;
    int line = 1;
    int column = 1;
    std::string message;

    // "FILE:LINE:COL: error: message"
    std::string format() const;
};

struct LoadResult {
    std::optional<policy::Policy> policy;  // set only when there are no errors
    std::vector<Diagnostic> diagnostics;   // errors and warnings, in file order

    bool ok() const { return policy.has_value(); }
    std::size_t errorCount() const;
};

struct ProfilesResult {
    std::vector<policy::AppProfile> profiles;  // set only when there are no errors
    std::vector<Diagnostic> diagnostics;
    bool ok() const;
};

// Files larger than this are refused before parsing: a policy is a few kilobytes.
inline constexpr std::size_t kMaxFileBytes = 1 << 20;

// Reads and checks a policy. `file` is used for diagnostics only.
LoadResult loadPolicy(std::string_view text, const std::string& file);
// The same from the file at `path`; the text that was checked goes to `read` (when given), so a
// copy of exactly what was applied can be kept.
LoadResult loadPolicyFile(const std::string& path, std::string* read = nullptr);

// Reads app profiles (config/apps.yaml: a top-level `apps:` list).
ProfilesResult loadProfiles(std::string_view text, const std::string& file);
ProfilesResult loadProfilesFile(const std::string& path);

// The user's policy path: $XDG_CONFIG_HOME/nocontact/policy.yaml (or ~/.config/...) when it
// exists, else /etc/xdg/nocontact/policy.yaml when that exists, else the user's path (the one
// to create).
std::string defaultPolicyPath();
// The person's own policy file ($XDG_CONFIG_HOME/nocontact/policy.yaml), whether it exists or
// not; empty without a home. `nocontactctl edit` writes here, never to the system's file.
std::string userPolicyPath();
inline constexpr const char* kSystemPolicyPath = "/etc/xdg/nocontact/policy.yaml";
// Where the built-in profiles are: $NOCONTACT_DATA_DIR, then the install prefix, then the
// source tree (for runs from a build folder).
std::string builtinProfilesPath();

}  // namespace nocontact::config
