// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nocontact::ctl {

// A kept message as ListHeld gives it: id, contact, app, received (Unix seconds), state.
using HeldRow = sdbus::Struct<std::int64_t, std::string, std::string, std::int64_t, std::string>;

// The JSON `held --json` prints: an array of {id, contact, app, received (ISO 8601, UTC), state}.
nlohmann::ordered_json heldJson(const std::vector<HeldRow>& rows);

// `nocontactctl held [--all] [--json]`: the messages waiting for the person, without their
// text; with `all`, also those let go (readable by id for 30 days).
int runHeld(bool json, bool all, std::ostream& out, std::ostream& err);

// `nocontactctl read ID|CONTACT`: a pause in the terminal like the desktop's (the day count, one
// of the person's reasons, a countdown bar), then the choice - read, later, let go - asked when
// standard input is a terminal (otherwise: read), then each message with its time. Ctrl-C at any
// moment changes nothing (exit kExitInterrupted). An id may name a message let go.
int runRead(const std::string& target, std::ostream& out, std::ostream& err);

// `nocontactctl let-go ID|CONTACT`: lets waiting messages go without reading them.
int runLetGo(const std::string& target, std::ostream& out, std::ostream& err);

}  // namespace nocontact::ctl
