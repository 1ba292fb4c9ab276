// SPDX-License-Identifier: GPL-3.0-or-later
// nocontact-phone.so: the policy's numbers read by libphonenumber (policy/phone_module.hpp).
#include "policy/phone_module.hpp"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumberutil.h>

namespace nocontact::policy::phone {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// libphonenumber prints parse failures to stderr by default; a daemon that reads untrusted
// text must not, so the util is fetched once with a logger that drops everything.
const PhoneNumberUtil& util() {
    static PhoneNumberUtil* u = [] {
        PhoneNumberUtil* made = PhoneNumberUtil::GetInstance();
        made->SetLogger(new i18n::phonenumbers::NullLogger());  // takes ownership
        return made;
    }();
    return *u;
}

// Parses a plain number in `region` into `pn`; false when libphonenumber cannot, or finds it
// impossible. (An out-parameter: a PhoneNumber copied by value would need protobuf linked in.)
bool parsePossible(const std::string& plain, const std::string& region, PhoneNumber* pn) {
    auto error = util().Parse(plain, region, pn);
    return error == PhoneNumberUtil::NO_PARSING_ERROR && util().IsPossibleNumber(*pn);
}

bool toE164(const std::string& plain, const std::string& region, std::string& e164) {
    PhoneNumber pn;
    if (!parsePossible(plain, region, &pn)) return false;
    util().Format(pn, PhoneNumberUtil::E164, &e164);
    return true;
}

bool isValid(const std::string& e164) {
    PhoneNumber pn;
    auto error = util().Parse(e164, "ZZ", &pn);
    return error == PhoneNumberUtil::NO_PARSING_ERROR && util().IsValidNumber(pn);
}

bool readPolicyNumber(const std::string& plain, const std::string& region, std::string& e164,
                      bool& valid) {
    PhoneNumber pn;
    if (!parsePossible(plain, region, &pn)) return false;
    util().Format(pn, PhoneNumberUtil::E164, &e164);
    valid = (pn.country_code() == util().GetCountryCodeForRegion(region) &&
             util().IsValidNumberForRegion(pn, region)) ||
            util().IsValidNumber(pn);
    return true;
}

void regions(std::set<std::string>& out) {
    util().GetSupportedRegions(&out);
}

const Module kModule{kModuleVersion, kModuleAbi, &toE164, &isValid, &readPolicyNumber, &regions};

}  // namespace
}  // namespace nocontact::policy::phone

extern "C" __attribute__((visibility("default"))) const nocontact::policy::phone::Module*
nocontact_phone_module() {
    return &nocontact::policy::phone::kModule;
}
