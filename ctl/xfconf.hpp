// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// xfce4-notifyd's log settings, read and written through xfconf's own D-Bus service
// (org.xfce.Xfconf on the session bus, as xfconf-query does; config/xfce_log.hpp says what they
// mean).

#include <optional>
#include <string>
#include <vector>

#include "config/xfce_log.hpp"

namespace sdbus {
class IConnection;
}

namespace nocontact::ctl {

// The log's settings; nullopt when xfconf does not answer (no Xfce session). Settings never
// written are xfce4-notifyd's defaults.
std::optional<config::XfceLog> readXfceLog(sdbus::IConnection& connection);

// Sets the apps excluded from the log, or, with nullopt, takes the setting away (back to
// xfce4-notifyd's default, none). Throws std::runtime_error with a sentence a person can read.
void writeXfceExcluded(sdbus::IConnection& connection,
                       const std::optional<std::vector<std::string>>& apps);

}  // namespace nocontact::ctl
