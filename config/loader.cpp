// SPDX-License-Identifier: GPL-3.0-or-later
// Entry points: read a file, guard the parser, parse, and hand over to the schema readers.
#include "config/loader.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "base/i18n.hpp"
#include "build_info.hpp"
#include "config/policy_yaml.hpp"
#include "config/profile_yaml.hpp"
#include "config/text_guard.hpp"
#include "policy/normalise.hpp"

namespace nocontact::config {

using i18n::fill;
using i18n::tr;

namespace {

// Parses `text` after the guards; null (with one error) when it cannot be parsed.
std::unique_ptr<YamlDocument> parse(Reporter& rep, std::string_view text) {
    if (!checkText(rep, text)) return nullptr;
    // libphonenumber's first use loads it and reads its metadata (a few milliseconds and about
    // three megabytes): when the policy has numbers, on a machine with two cores, that happens
    // while the YAML is parsed rather than after it. A policy without them never loads it.
    static std::once_flag once;
    std::optional<std::jthread> prepare;  // joined before the document is handed on
    const bool numbers = text.find("phones") != std::string_view::npos;
    if (numbers && std::thread::hardware_concurrency() > 1) {
        try {
            std::call_once(once, [&] { prepare.emplace(policy::prepareNumbers); });
        } catch (const std::system_error&) {
            // No thread: libphonenumber reads its metadata when first asked, as before.
        }
    }
    return parseYaml(rep, text);
}

// Reads at most kMaxFileBytes + 1 bytes: enough to tell that a file is too large.
std::optional<std::string> readFile(Reporter& rep, const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        rep.error({}, tr("this is a folder, not a file"));
        return std::nullopt;
    }
    if (ec.value() == ELOOP) {
        rep.error({}, tr("this is a symbolic link that leads back to itself, not a file"));
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        rep.error({}, fill(tr("cannot open the file: {why}"), {{"why", std::strerror(errno)}}));
        return std::nullopt;
    }
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) {
        rep.error({}, tr("cannot read the file"));
        return std::nullopt;
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
        rep.error({}, tr("this file is larger than 1 MiB; a policy is a few kilobytes"));
        return std::nullopt;
    }
    return text;
}

std::vector<policy::AppProfile> readProfilesDocument(Reporter& rep, const YamlNode& root) {
    if (!root.isDefined() || root.isNull()) {
        rep.error({}, tr("this profiles file is empty; it needs an 'apps:' list"));
        return {};
    }
    auto f = readMap(rep, root, posOf(root), tr("the profiles file"), {"apps"});
    if (!f) return {};
    if (const Entry* apps = f->get("apps")) return readProfiles(rep, *apps);
    rep.error(posOf(root), tr("the profiles file has no 'apps:' list"));
    return {};
}

bool exists(const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

std::string envOr(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

}  // namespace

LoadResult loadPolicy(std::string_view text, const std::string& file) {
    Reporter rep(file);
    policy::Policy policy;
    if (auto doc = parse(rep, text)) readPolicy(rep, doc->root(), policy);
    LoadResult result;
    if (rep.errorCount() == 0) result.policy = std::move(policy);
    result.diagnostics = rep.finish();
    return result;
}

LoadResult loadPolicyFile(const std::string& path, std::string* read) {
    Reporter rep(path);
    if (auto text = readFile(rep, path)) {
        LoadResult result = loadPolicy(*text, path);
        if (read) *read = std::move(*text);
        return result;
    }
    LoadResult result;
    result.diagnostics = rep.finish();
    return result;
}

ProfilesResult loadProfiles(std::string_view text, const std::string& file) {
    Reporter rep(file);
    std::vector<policy::AppProfile> profiles;
    if (auto doc = parse(rep, text)) profiles = readProfilesDocument(rep, doc->root());
    ProfilesResult result;
    if (rep.errorCount() == 0) result.profiles = std::move(profiles);
    result.diagnostics = rep.finish();
    return result;
}

ProfilesResult loadProfilesFile(const std::string& path) {
    Reporter rep(path);
    if (auto text = readFile(rep, path)) return loadProfiles(*text, path);
    ProfilesResult result;
    result.diagnostics = rep.finish();
    return result;
}

std::string userPolicyPath() {
    const std::string home = envOr("HOME", "");
    const std::string config_home =
        envOr("XDG_CONFIG_HOME", home.empty() ? std::string() : home + "/.config");
    return config_home.empty() ? std::string() : config_home + "/nocontact/policy.yaml";
}

std::string defaultPolicyPath() {
    const std::string user = userPolicyPath();
    const std::string system = kSystemPolicyPath;
    const bool no_home = user.empty();
    if (!no_home && exists(user)) return user;
    // With neither file, name the user's: it is the one they should create.
    if (exists(system) || no_home) return system;
    return user;
}

std::string builtinProfilesPath() {
    if (const char* dir = std::getenv("NOCONTACT_DATA_DIR"); dir && *dir) {
        const std::string path = std::string(dir) + "/apps.yaml";
        if (exists(path)) return path;
    }
    const std::string installed = std::string(NOCONTACT_INSTALLED_DATA_DIR) + "/apps.yaml";
    const std::string source = std::string(NOCONTACT_SOURCE_DIR) + "/config/apps.yaml";
    if (!exists(installed) && exists(source)) return source;
    return installed;
}

}  // namespace nocontact::config
