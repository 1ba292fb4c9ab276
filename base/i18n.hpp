// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

// Translation, gettext-style: every sentence a person reads goes through tr() or trn() with its
// English text as the key, so `scripts/update-pot` can collect them into po/nocontact.pot and a
// translator's po/LANG.po is used at run time (installed as LANG/LC_MESSAGES/nocontact.mo).
// Placeholders are named ({contact}), so a translation may put them in any order.
namespace nocontact::i18n {

inline constexpr const char* kDomain = "nocontact";

// Binds the catalogue: messages follow LC_MESSAGES/LANGUAGE, nothing else about the locale
// changes (numbers, regular expressions and the core stay as they are). Call once, first thing.
// NOCONTACT_LOCALE_DIR overrides where catalogues are looked for (tests, an uninstalled build).
void init();

// The translation of `english`, or `english` itself.
const char* tr(const char* english);

// The form for `n`: `one` or `many` in English; a translation may have more forms.
const char* trn(const char* one, const char* many, unsigned long n);

// Replaces each {name} in `text` with its value; unknown names stay as they are.
std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace nocontact::i18n

// Marks a string for the catalogue where it is defined and translated later (a table of
// labels, say): N_("Read it") is just "Read it"; tr() it where it is shown.
#define N_(text) text
