// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/setup_record.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/i18n.hpp"
#include "config/server_rules.hpp"

namespace nocontact::ctl {

using Json = nlohmann::ordered_json;

bool SetupRecord::empty() const {
    return rules.empty() && created.empty() && created_dirs.empty() && !dunstrc_copy &&
           !swaync_original && !enabled_service && !enabled_extension && !xfce_log_excluded;
}

bool SetupRecord::hasRules(const std::string& server) const {
    return std::find(rules.begin(), rules.end(), server) != rules.end();
}

void SetupRecord::addRules(const std::string& server) {
    if (!hasRules(server)) rules.push_back(server);
}

bool SetupRecord::wasCreated(const std::string& path) const {
    return std::find(created.begin(), created.end(), path) != created.end();
}

void SetupRecord::addCreated(const std::string& path) {
    if (!wasCreated(path)) created.push_back(path);
}

void SetupRecord::addMissingDirs(const std::string& file) {
    std::vector<std::string> missing;
    std::error_code ec;
    for (auto dir = std::filesystem::path(file).parent_path();
         !dir.empty() && dir != dir.root_path() && !std::filesystem::exists(dir, ec);
         dir = dir.parent_path())
        missing.push_back(dir.string());
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (std::find(created_dirs.begin(), created_dirs.end(), *it) == created_dirs.end())
            created_dirs.push_back(*it);
    }
}

SetupRecord loadSetupRecord(const std::string& path) {
    auto text = config::readFileIfAny(path);
    SetupRecord r;
    if (!text) return r;
    try {
        Json doc = Json::parse(*text);
        r.rules = doc.value("rules", std::vector<std::string>{});
        r.created = doc.value("created", std::vector<std::string>{});
        r.created_dirs = doc.value("created_dirs", std::vector<std::string>{});
        if (doc.contains("dunstrc_copy")) r.dunstrc_copy = doc["dunstrc_copy"].get<std::string>();
        if (doc.contains("swaync_original"))
            r.swaync_original = doc["swaync_original"].get<std::string>();
        r.enabled_service = doc.value("enabled_service", false);
        r.enabled_extension = doc.value("enabled_extension", false);
        r.extension_uuid = doc.value("extension_uuid", std::string());
        r.xfce_log_excluded = doc.value("xfce_log_excluded", false);
        r.xfce_excluded_before = doc.value("xfce_excluded_before", std::vector<std::string>{});
    } catch (const Json::exception&) {
        throw std::runtime_error(i18n::fill(
            i18n::tr("{file} is not as setup wrote it, so setup cannot tell what it did. Move "
                     "it aside and run setup again."),
            {{"file", path}}));
    }
    return r;
}

void saveSetupRecord(const std::string& path, const SetupRecord& r) {
    if (r.empty()) {
        std::remove(path.c_str());
        return;
    }
    Json doc{{"version", 1},
             {"rules", r.rules},
             {"created", r.created},
             {"created_dirs", r.created_dirs}};
    if (r.dunstrc_copy) doc["dunstrc_copy"] = *r.dunstrc_copy;
    if (r.swaync_original) doc["swaync_original"] = *r.swaync_original;
    doc["enabled_service"] = r.enabled_service;
    doc["enabled_extension"] = r.enabled_extension;
    if (r.enabled_extension) doc["extension_uuid"] = r.extension_uuid;
    if (r.xfce_log_excluded) {
        doc["xfce_log_excluded"] = true;
        doc["xfce_excluded_before"] = r.xfce_excluded_before;
    }
    config::writeFileAtomic(path, doc.dump(2) + "\n");
}

}  // namespace nocontact::ctl
