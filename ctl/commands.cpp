// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/commands.hpp"
#include "base/i18n.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/local_time.hpp"
#include "config/loader.hpp"
#include "ctl/explain.hpp"
#ifdef NOCONTACT_HAVE_DAEMON_CLIENT
#include "ctl/explain_live.hpp"
#endif

namespace nocontact::ctl {

namespace {

void printDiagnostics(const std::vector<config::Diagnostic>& diagnostics, std::ostream& err) {
    for (const auto& d : diagnostics)
        err << d.format() << '\n';
}

using i18n::fill;
using i18n::tr;
using i18n::trn;

std::string trnCount(const char* one, const char* many, std::size_t n) {
    return fill(trn(one, many, n), {{"n", std::to_string(n)}});
}

bool policyFileExists(const std::string& file, std::ostream& err) {
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) return true;
    err << "nocontactctl: "
        << fill(tr("there is no policy at {file} yet.\n"
                   "  A commented example to start from: {example}"),
                {{"file", file}, {"example", "/usr/share/doc/nocontact/examples/policy.yaml"}})
        << "\n";
    return false;
}

// Loads the user's policy for a verb that needs one; diagnostics go to `err`.
std::optional<policy::Policy> loadForUse(const std::string& file, std::ostream& err) {
    if (!policyFileExists(file, err)) return std::nullopt;
    auto result = config::loadPolicyFile(file);
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << "nocontactctl: "
            << fill(trn("{file} has {n} error; nothing was judged. `nocontactctl check` shows "
                        "it again.",
                        "{file} has {n} errors; nothing was judged. `nocontactctl check` shows "
                        "them again.",
                        result.errorCount()),
                    {{"file", file}, {"n", std::to_string(result.errorCount())}})
            << "\n";
    }
    return std::move(result.policy);
}

std::optional<policy::Profiles> loadBuiltinProfiles(const policy::Policy& policy,
                                                    std::ostream& err) {
    std::string path = config::builtinProfilesPath();
    auto result = config::loadProfilesFile(path);
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << "nocontactctl: "
            << fill(tr("the built-in app profiles at {file} could not be read."), {{"file", path}})
            << "\n";
        return std::nullopt;
    }
    return policy::Profiles(policy.apps, std::move(result.profiles));
}

}  // namespace

int runCheck(const std::string& file, bool as_json, std::ostream& out, std::ostream& err) {
    if (!policyFileExists(file, err)) return kExitError;
    auto result = config::loadPolicyFile(file);
    if (as_json) {
        nlohmann::ordered_json doc{{"file", file}, {"valid", result.ok()}};
        if (result.ok()) {
            doc["contacts"] = result.policy->contacts.size();
            doc["schedules"] = result.policy->schedules.size();
        }
        doc["diagnostics"] = nlohmann::ordered_json::array();
        for (const auto& d : result.diagnostics) {
            doc["diagnostics"].push_back(
                {{"severity",
                  d.severity == config::Diagnostic::Severity::Error ? "error" : "warning"},
                 {"line", d.line},
                 {"column", d.column},
                 {"message", d.message}});
        }
        out << doc.dump(2) << '\n';
        return result.ok() ? kExitOk : kExitError;
    }
    printDiagnostics(result.diagnostics, err);
    if (!result.ok()) {
        err << fill(trn("{file}: {n} error; the policy in use stays as it is until this file "
                        "is fixed.",
                        "{file}: {n} errors; the policy in use stays as it is until this file "
                        "is fixed.",
                        result.errorCount()),
                    {{"file", file}, {"n", std::to_string(result.errorCount())}})
            << "\n";
        return kExitError;
    }
    const auto& p = *result.policy;
    out << fill(tr("{file}: the policy is valid ({contacts}, {schedules})."),
                {{"file", file},
                 {"contacts", trnCount("{n} contact", "{n} contacts", p.contacts.size())},
                 {"schedules", trnCount("{n} schedule", "{n} schedules", p.schedules.size())}})
        << "\n";
    return kExitOk;
}

int runExplain(const ExplainOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err) {
    policy::Moment now = local_time::momentNow();
    if (options.at) {
        auto local = policy::parseLocalDateTime(*options.at);
        if (!local) {
            err << "nocontactctl: "
                << fill(tr("--at wants a local time like 2026-11-27T23:30, got '{text}'."),
                        {{"text", *options.at}})
                << "\n";
            return kExitUsage;
        }
        now = local_time::momentAtLocal(*local);
    }
    std::string file =
        options.policy_file.empty() ? config::defaultPolicyPath() : options.policy_file;
    auto policy = loadForUse(file, err);
    if (!policy) return kExitError;
    auto profiles = loadBuiltinProfiles(*policy, err);
    if (!profiles) return kExitError;
    Explainer explainer(std::move(*policy), std::move(*profiles));
#ifdef NOCONTACT_HAVE_DAEMON_CLIENT
    useLiveLevels(explainer.engine(), file, now.utc, err);
#endif
    auto format = options.text ? Explainer::Format::Text : Explainer::Format::Json;
    int bad = explainer.run(in, out, now, format);
    if (bad > 0) {
        const auto n = static_cast<std::size_t>(bad);
        err << "nocontactctl: "
            << (options.text
                    ? trnCount("{n} line was not a notification; its line says why.",
                               "{n} lines were not a notification; their lines say why.", n)
                    : trnCount("{n} line was not a notification; see its \"error\" field.",
                               "{n} lines were not a notification; see the \"error\" "
                               "fields.",
                               n))
            << "\n";
        return kExitError;
    }
    return kExitOk;
}

}  // namespace nocontact::ctl
