// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/phone_loader.hpp"

#include <dlfcn.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#if !defined(NOCONTACT_PHONE_MODULE_DIR) || !defined(NOCONTACT_BUILD_TREE) || \
    !defined(NOCONTACT_LIBDIR)
#error "the build says where nocontact-phone.so is installed and built (CMakeLists.txt)"
#endif

namespace nocontact::policy::phone {
namespace {

namespace fs = std::filesystem;

// `path` is `folder` or below it.
bool isUnder(const fs::path& path, const fs::path& folder) {
    auto rel = path.lexically_relative(folder);
    return !rel.empty() && *rel.begin() != "..";
}

struct Candidates {
    std::vector<fs::path> paths;
    std::string problem;  // why there are none
};

// Where the module may be, in order:
// - NOCONTACT_PHONE_MODULE, an absolute path, and nothing else when it is set (ignored in a
//   program running with more privileges than its caller's);
// - the top of the build tree, for the programs and tests built in it (and only for them);
// - PROGRAM/../LIBDIR/nocontact, for a prefix installed elsewhere than it was configured for;
// - where the package installs it.
Candidates candidates() {
    if (const char* forced = secure_getenv("NOCONTACT_PHONE_MODULE"); forced && *forced) {
        fs::path path(forced);
        if (!path.is_absolute())
            return {{}, "NOCONTACT_PHONE_MODULE must be an absolute path, not " + path.string()};
        return {{path}, {}};
    }
    Candidates out;
    std::error_code ec;
    fs::path program = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path tree = fs::weakly_canonical(NOCONTACT_BUILD_TREE, ec);
        if (!ec && isUnder(program, tree)) out.paths.push_back(tree / kModuleFile);
        out.paths.push_back(program.parent_path().parent_path() / NOCONTACT_LIBDIR / "nocontact" /
                            kModuleFile);
    }
    out.paths.push_back(fs::path(NOCONTACT_PHONE_MODULE_DIR) / kModuleFile);
    return out;
}

// The module at `path`, or null with `why` set.
const Module* open(const fs::path& path, std::string& why) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        why = dlerror();
        return nullptr;
    }
    using Get = const Module* (*)();
    auto get = reinterpret_cast<Get>(dlsym(handle, kModuleSymbol));
    const Module* found = get ? get() : nullptr;
    if (found && found->version == kModuleVersion && std::strcmp(found->abi, kModuleAbi) == 0)
        return found;
    why = path.string() + " belongs to another build of nocontact";
    dlclose(handle);
    return nullptr;
}

std::mutex mutex;
std::atomic<const Module*> loaded{nullptr};
std::string last_trouble;  // under `mutex`

const Module* load(std::string& why) {
    Candidates where = candidates();
    if (where.paths.empty()) {
        why = where.problem;
        return nullptr;
    }
    std::string looked;
    for (const fs::path& path : where.paths) {
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            looked += (looked.empty() ? "" : ", ") + path.string();
            continue;
        }
        if (const Module* found = open(path, why)) return found;
    }
    if (why.empty()) why = "nocontact-phone.so was not found (looked for " + looked + ")";
    return nullptr;
}

}  // namespace

const Module* module() {
    if (const Module* found = loaded.load(std::memory_order_acquire)) return found;
    std::lock_guard lock(mutex);
    if (const Module* found = loaded.load(std::memory_order_relaxed)) return found;
    std::string why;
    const Module* found = load(why);
    if (found) {
        last_trouble.clear();
        loaded.store(found, std::memory_order_release);
        return found;
    }
    if (why != last_trouble)
        std::fprintf(stderr, "nocontact: phone numbers cannot be read: %s\n", why.c_str());
    last_trouble = why;
    return nullptr;
}

std::string trouble() {
    std::lock_guard lock(mutex);
    return last_trouble;
}

}  // namespace nocontact::policy::phone
