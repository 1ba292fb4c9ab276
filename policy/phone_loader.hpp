// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include "policy/phone_module.hpp"

namespace nocontact::policy::phone {

// nocontact-phone.so, loaded the first time it is asked for and kept loaded. Null when it cannot
// be loaded: it is tried again at the next ask (a reinstalled package is found by a reload), and
// why it failed is said once on stderr (the daemon's log) and kept for trouble().
const Module* module();

// Why the last try to load the module failed; empty once it is loaded, or before any try.
std::string trouble();

}  // namespace nocontact::policy::phone
