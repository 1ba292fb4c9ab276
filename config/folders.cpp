// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/folders.hpp"

#include <sys/stat.h>

#include <cerrno>

namespace nocontact::config {

bool makePrivateFolders(const std::filesystem::path& dir, std::error_code& ec) {
    const bool exists = dir.empty() || std::filesystem::is_directory(dir, ec);
    ec.clear();  // "not found" is the usual answer here, not an error
    if (exists) return true;
    const std::filesystem::path parent = dir.parent_path();
    if (parent != dir && !makePrivateFolders(parent, ec)) return false;
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno == EEXIST) return true;  // made meanwhile, by someone else
        ec.assign(errno, std::generic_category());
        return false;
    }
    // mkdir's mode goes through the umask (000 would still give 0700, 0777 would give 0000):
    // exactly 0700, whatever it is.
    if (::chmod(dir.c_str(), 0700) != 0) {
        ec.assign(errno, std::generic_category());
        return false;
    }
    return true;
}

}  // namespace nocontact::config
