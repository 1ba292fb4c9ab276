// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <system_error>

namespace nocontact::config {

// Creates `dir` and every missing folder above it, each new one 0700 whatever the umask: they
// hold, or lead to, held messages and the person's policy. Folders that exist keep their mode.
// False, with the reason in `ec`, when one cannot be created.
bool makePrivateFolders(const std::filesystem::path& dir, std::error_code& ec);

}  // namespace nocontact::config
