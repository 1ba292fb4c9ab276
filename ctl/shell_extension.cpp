// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/shell_extension.hpp"

#include <unistd.h>

#include <chrono>
#include <map>

#include "base/i18n.hpp"
#include "dbus/names.hpp"
#include "dbus/sdbus_compat.hpp"

namespace nocontact::ctl {

namespace {
namespace names = dbus::names;
// The extension answers from GNOME Shell's main loop, within milliseconds when all is well;
// half a second allows for a busy shell and still keeps status quick.
constexpr std::chrono::milliseconds kAnswerTimeout{500};
}  // namespace

ShellExtension askShellExtension(sdbus::IConnection& bus) {
    ShellExtension found;
    try {
        auto daemon = dbus::sd::proxy(bus, names::kBusService, names::kBusPath);
        std::string owner;
        daemon->callMethod("GetNameOwner")
            .onInterface(names::kBusInterface)
            .withArguments(std::string(names::kShellExtensionService))
            .storeResultsTo(owner);
        // Another user's program under that name is not the extension (nocontactd ignores it).
        std::uint32_t uid = 0;
        daemon->callMethod("GetConnectionUnixUser")
            .onInterface(names::kBusInterface)
            .withArguments(owner)
            .storeResultsTo(uid);
        found.running = !owner.empty() && uid == getuid();
        if (!found.running) return found;
    } catch (const sdbus::Error&) {
        return found;  // NameHasNoOwner: no extension runs
    }
    try {
        auto extension =
            dbus::sd::proxy(bus, names::kShellExtensionService, names::kShellExtensionPath);
        std::map<std::string, sdbus::Variant> properties;
        extension->callMethod("GetAll")
            .onInterface("org.freedesktop.DBus.Properties")
            .withTimeout(kAnswerTimeout)
            .withArguments(std::string(names::kShellExtensionInterface))
            .storeResultsTo(properties);
        auto read = [&](const char* key, auto fallback) {
            auto it = properties.find(key);
            using T = decltype(fallback);
            return it != properties.end() && it->second.containsValueOfType<T>()
                       ? it->second.get<T>()
                       : fallback;
        };
        found.uuid = read("Uuid", std::string());
        found.version = read("Version", std::uint32_t{0});
        found.shell_version = read("ShellVersion", std::string());
        found.answers = true;
    } catch (const sdbus::Error&) {
        // Silent, slow, or an extension from before it said what it is.
    }
    return found;
}

nlohmann::ordered_json shellExtensionJson(const ShellExtension& extension) {
    if (!extension.running) return nullptr;
    return {{"uuid", extension.uuid},
            {"version", extension.version},
            {"shell_version", extension.shell_version},
            {"answers", extension.answers}};
}

std::string shellExtensionSentence(const ShellExtension& extension) {
    using i18n::fill;
    using i18n::tr;
    if (!extension.running) return "";
    if (!extension.answers) {
        return tr(
            "GNOME Shell extension: running, but it did not answer just now; GNOME Shell may be "
            "busy, or the extension may be from an older nocontact.");
    }
    return fill(tr("GNOME Shell extension: {uuid}, version {version}, on GNOME Shell {shell}; it "
                   "answers."),
                {{"uuid", extension.uuid},
                 {"version", std::to_string(extension.version)},
                 {"shell", extension.shell_version}});
}

}  // namespace nocontact::ctl
