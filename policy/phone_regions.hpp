// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>
#include <vector>

namespace nocontact::policy {

// Whether `region` is one of the regions libphonenumber 8.12 knows, answered without loading it
// (policy/phone_module.hpp). normalise_test checks that libphonenumber knows every one.
bool isBuiltInRegion(std::string_view region);
// All of them, sorted.
std::vector<std::string_view> builtInRegions();

}  // namespace nocontact::policy
