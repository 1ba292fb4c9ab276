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

// Bumped whenever the table changes: a module of another build is refused, not trusted.
inline constexpr int kModuleVersion = 1;

struct Module {
    int version;
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

// The file's name: next to the program in a build tree, in the package's library folder when
// installed.
inline constexpr const char* kModuleFile = "nocontact-phone.so";

}  // namespace nocontact::policy::phone
