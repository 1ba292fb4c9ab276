// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/i18n.hpp"

#include <libintl.h>

#include <clocale>
#include <cstdlib>

#include "build_info.hpp"
#include "policy/words.hpp"

namespace nocontact::i18n {

void init() {
    // LC_MESSAGES chooses the language; the catalogue's text comes as UTF-8 whatever LC_CTYPE
    // says, and LC_CTYPE stays "C" so case mapping in the policy reader stays ASCII (in a
    // Turkish locale toupper('i') is not 'I').
    std::setlocale(LC_MESSAGES, "");
    const char* dir = std::getenv("NOCONTACT_LOCALE_DIR");
    bindtextdomain(kDomain, dir != nullptr && *dir != '\0' ? dir : NOCONTACT_LOCALE_DIR);
    bind_textdomain_codeset(kDomain, "UTF-8");
}

const char* tr(const char* english) {
    return dgettext(kDomain, english);
}

const char* trn(const char* one, const char* many, unsigned long n) {
    return dngettext(kDomain, one, many, n);
}

std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    return policy::fillIn(text, values);
}

}  // namespace nocontact::i18n
