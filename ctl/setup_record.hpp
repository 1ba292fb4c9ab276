// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nocontact::ctl {

// What `nocontactctl setup` did, kept in $XDG_STATE_HOME/nocontact/setup.json so that
// `setup --undo` takes back exactly that and nothing the person did themselves. nocontactd
// reads "rules" (config::rulesInstalled) to know where to keep rules in step.
struct SetupRecord {
    std::vector<std::string> rules;         // servers whose rules setup wrote: "dunst", "mako", ...
    std::vector<std::string> created;       // files that did not exist before setup
    std::vector<std::string> created_dirs;  // folders setup made for them, outermost first
    std::optional<std::string> dunstrc_copy;     // the dunstrc setup wrote, exactly
    std::optional<std::string> swaync_original;  // config.json as it was before setup
    bool enabled_service = false;                // setup enabled nocontactd.service
    bool enabled_extension = false;              // setup enabled the GNOME Shell extension
    std::string extension_uuid;                  // ... this one
    // Setup added apps to xfce4-notifyd's excluded-from-log list; the list before it did.
    bool xfce_log_excluded = false;
    std::vector<std::string> xfce_excluded_before;

    bool empty() const;
    bool hasRules(const std::string& server) const;
    void addRules(const std::string& server);
    bool wasCreated(const std::string& path) const;
    void addCreated(const std::string& path);
    // Notes the folders missing on the way to `file` (they are about to be made).
    void addMissingDirs(const std::string& file);
};

// The record at `path`; an empty one when there is none. Throws std::runtime_error with a
// sentence a person can read when it exists but cannot be read.
SetupRecord loadSetupRecord(const std::string& path);
void saveSetupRecord(const std::string& path, const SetupRecord& record);

}  // namespace nocontact::ctl
