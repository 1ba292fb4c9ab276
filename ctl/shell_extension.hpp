// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace nocontact::ctl {

// The nocontact GNOME Shell extension, as `nocontactctl status` finds it: asked directly, in
// GNOME Shell's own process, so "answers" means GNOME Shell runs the extension's code now.
struct ShellExtension {
    bool running = false;  // someone owns org.nocontact.ShellExtension1
    bool answers = false;  // and said what it is, in time
    std::string uuid;
    std::uint32_t version = 0;
    std::string shell_version;
};

// Asks the bus who owns org.nocontact.ShellExtension1, then the owner for its properties.
// Never throws: a bus that cannot be asked is "not running".
ShellExtension askShellExtension(sdbus::IConnection& bus);

// As status --json has it: null when not running.
nlohmann::ordered_json shellExtensionJson(const ShellExtension& extension);

// The status line, or "" when no extension runs (the notifications line says what is needed).
std::string shellExtensionSentence(const ShellExtension& extension);

}  // namespace nocontact::ctl
