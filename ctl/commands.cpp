// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/commands.hpp"

#include <filesystem>
#include <ostream>

#include "config/loader.hpp"
#include "config/local_time.hpp"
#include "ctl/explain.hpp"

namespace nocontact::ctl {

namespace {

void printDiagnostics(const std::vector<config::Diagnostic>& diagnostics, std::ostream& err) {
    for (const auto& d : diagnostics)
        err << d.format() << '\n';
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool policyFileExists(const std::string& file, std::ostream& err) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return true;
    err << "nocontactctl: there is no policy at " << file << " yet.\n"
        << "  A commented example to start from: "
        << "/usr/share/doc/nocontact/examples/policy.yaml\n";
    return false;
}

// Loads the user's policy for a verb that needs one; diagnostics go to `err`.
std::optional<policy::Policy> loadForUse(const std::string& file, std::ostream& err) {
    if (!policyFileExists(file, err)) return std::nullopt;
    auto result = config::loadPolicyFile(file);
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << "nocontactctl: " << file << " has " << plural(result.errorCount(), "error", "errors")
            << "; nothing was judged. `nocontactctl check` shows them again.\n";
    }
    return std::move(result.policy);
}

std::optional<policy::Profiles> loadBuiltinProfiles(const policy::Policy& policy,
                                                    std::ostream& err) {
    std::string path = config::builtinProfilesPath();
    auto result = config::loadProfilesFile(path);
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << "nocontactctl: the built-in app profiles at " << path << " could not be read.\n";
        return std::nullopt;
    }
    return policy::Profiles(policy.apps, std::move(result.profiles));
}

}  // namespace

int runCheck(const std::string& file, std::ostream& out, std::ostream& err) {
    if (!policyFileExists(file, err)) return kExitError;
    auto result = config::loadPolicyFile(file);
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << file << ": " << plural(result.errorCount(), "error", "errors")
            << "; the policy in use stays as it is until this file is fixed.\n";
        return kExitError;
    }
    const auto& p = *result.policy;
    out << file << ": the policy is valid (" << plural(p.contacts.size(), "contact", "contacts")
        << ", " << plural(p.schedules.size(), "schedule", "schedules") << ").\n";
    return kExitOk;
}

int runExplain(const ExplainOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err) {
    policy::Moment now = config::momentNow();
    if (options.at) {
        auto local = policy::parseLocalDateTime(*options.at);
        if (!local) {
            err << "nocontactctl: --at wants a local time like 2026-11-27T23:30, got '"
                << *options.at << "'.\n";
            return kExitUsage;
        }
        now = config::momentAtLocal(*local);
    }
    std::string file =
        options.policy_file.empty() ? config::defaultPolicyPath() : options.policy_file;
    auto policy = loadForUse(file, err);
    if (!policy) return kExitError;
    auto profiles = loadBuiltinProfiles(*policy, err);
    if (!profiles) return kExitError;
    Explainer explainer(std::move(*policy), std::move(*profiles));
    auto format = options.text ? Explainer::Format::Text : Explainer::Format::Json;
    int bad = explainer.run(in, out, now, format);
    if (bad > 0) {
        err << "nocontactctl: " << plural(static_cast<std::size_t>(bad), "line was", "lines were")
            << " not a notification; see the \"error\" fields.\n";
        return kExitError;
    }
    return kExitOk;
}

}  // namespace nocontact::ctl
