// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The steps of `nocontactctl setup` and `setup --undo`, one planner per part of the desktop
// (setup_steps.cpp, setup_undo.cpp); ctl/setup.cpp says them, asks, and carries them out.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/server_rules.hpp"
#include "ctl/setup_desktop.hpp"
#include "ctl/setup_record.hpp"

namespace nocontact::ctl::setup {

struct Step {
    std::string say;            // what it will do, in one or two plain sentences
    std::function<void()> act;  // throws std::runtime_error with a sentence when it fails
};

struct Plan {
    std::vector<Step> steps;
    std::vector<std::string> notes;  // things said but not done (cannot, or not now)
};

struct Context {
    Desktop* desktop = nullptr;  // null without a session bus
    std::optional<Desktop::Server> server;
    config::ServerPaths paths;
    SetupRecord* record = nullptr;
    std::vector<config::RuleShape> shapes;
    std::vector<bool> held;
};

void planServerRules(Context& ctx, Plan& plan);
void planExtension(Context& ctx, Plan& plan);
void planService(Context& ctx, Plan& plan);
void planUndo(Context& ctx, Plan& plan);

// Reload or restart dunst so that it reads its files again; `why` ends the sentence.
void planDunstReload(Context& ctx, Plan& plan);

// The first of $XDG_CONFIG_DIRS (default /etc/xdg) holding `relative`, or "".
std::string systemConfig(const std::string& relative);
// Whether a server version ("1.9.0 (2022-06-27)") is at least major.minor.
bool versionAtLeast(const std::string& version, int major, int minor);
// nocontact's GNOME Shell extensions: GNOME Shell 43 and 44 load the first, 45 to 50 (ES
// modules) the second. Only the one for the running Shell is switched on: GNOME 44 and later
// enable extensions asynchronously, and enabling both at once can leave GNOME unsure of one.
inline constexpr const char* kExtensionUuid = "nocontact@nocontact.org";
inline constexpr const char* kExtension45Uuid = "nocontact45@nocontact.org";
// The extension for a GNOME Shell version ("45.0", "48.7").
const char* extensionUuidFor(const std::string& shell_version);

}  // namespace nocontact::ctl::setup
