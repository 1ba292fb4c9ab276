// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

// The core builds a few sentences people read (why a level is what it is, why a message was
// judged so). It knows no gettext: the edge hands it the lookup as Words, and each sentence is
// looked up through words.tr, so that scripts/update-pot collects it like any other.
namespace nocontact::policy {

// English as it is: the core's words where nobody translates (tests, tools).
const char* untranslated(const char* english);

struct Words {
    const char* (*tr)(const char* english) = &untranslated;
};

// Replaces each {name} in `text` with its value; unknown names stay as they are.
std::string fillIn(std::string_view text,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace nocontact::policy
