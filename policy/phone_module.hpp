// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The door between policy/normalise.cpp and libphonenumber. libphonenumber, with protobuf and
// ICU's i18n library under it, is about 3 MB of a process's memory as soon as it is loaded, and
// a policy of names never asks it anything; so it lives in a module of its own
// (nocontact-phone.so, built from policy/phone_module.cpp) that normalise.cpp loads the first
// time a number or a region is read. Both are built from one tree, so the table may speak C++.

#include <set>
#include <string>

namespace nocontact::policy::phone {

// Bumped whenever the table changes.
inline constexpr int kModuleVersion = 2;

#define NOCONTACT_PHONE_TEXT2(x) #x
#define NOCONTACT_PHONE_TEXT(x) NOCONTACT_PHONE_TEXT2(x)
#ifdef _GLIBCXX_DEBUG
#define NOCONTACT_PHONE_DEBUG " debug"
#else
#define NOCONTACT_PHONE_DEBUG ""
#endif
// What the table's std::string and std::set need to mean the same on both sides: the same
// compiler and the same standard library ABI. A module whose text differs is refused.
inline constexpr const char* kModuleAbi =
    "compiler " __VERSION__ " cxx11-abi " NOCONTACT_PHONE_TEXT(_GLIBCXX_USE_CXX11_ABI)
        NOCONTACT_PHONE_DEBUG;

struct Module {
    int version;      // first, and `abi` second, in every version
    const char* abi;  // kModuleAbi as the module was built
    // `plain` in `region` as E.164 when libphonenumber finds it a possible number.
    bool (*toE164)(const std::string& plain, const std::string& region, std::string& e164);
    // Whether an E.164 number is in an assigned range.
    bool (*isValid)(const std::string& e164);
    // One parse for a policy's number: its E.164 form, and whether it is assigned (checked in
    // `region` first, which spares a search through every region that shares its code).
    bool (*readPolicyNumber)(const std::string& plain, const std::string& region, std::string& e164,
                             bool& valid);
    // The two-letter regions libphonenumber knows.
    void (*regions)(std::set<std::string>& out);
};

// What the module exports, by this name, with C linkage so dlsym finds it.
inline constexpr const char* kModuleSymbol = "nocontact_phone_module";

// The file's name: at the top of a build tree, in the package's library folder when installed
// (policy/phone_loader.cpp finds it).
inline constexpr const char* kModuleFile = "nocontact-phone.so";

}  // namespace nocontact::policy::phone
