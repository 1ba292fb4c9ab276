// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/sender_program.hpp"

#include <systemd/sd-bus.h>

#include <filesystem>
#include <system_error>

namespace nocontact::dbus {

std::string senderProgram(sd_bus* bus, const std::string& name) {
    if (!bus || name.empty()) return {};
    sd_bus_creds* creds = nullptr;
    if (sd_bus_get_name_creds(bus, name.c_str(), SD_BUS_CREDS_PID, &creds) < 0) return {};
    pid_t pid = 0;
    int r = sd_bus_creds_get_pid(creds, &pid);
    sd_bus_creds_unref(creds);
    if (r < 0 || pid <= 0) return {};
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
    if (ec) return {};
    std::string program = exe.filename().string();
    // An executable replaced by an upgrade while it runs.
    constexpr std::string_view kDeleted = " (deleted)";
    if (program.ends_with(kDeleted)) program.resize(program.size() - kDeleted.size());
    return program;
}

}  // namespace nocontact::dbus
