#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes a pseudo-translation "xx" from the template: every sentence wrapped in ⟦ ⟧, placeholders
# kept. A test that sees the brackets knows the sentence went through the catalogue.
# Usage: pseudo-locale.sh TEMPLATE.pot OUT.mo
set -euo pipefail
pot=$1
mo=$2
mkdir -p "$(dirname "$mo")"
po=$(mktemp)
trap 'rm -f "$po"' EXIT
msgen "$pot" |
    sed 's/nplurals=INTEGER; plural=EXPRESSION/nplurals=2; plural=(n != 1)/; s/charset=CHARSET/charset=UTF-8/' |
    msgfilter --keep-header -o "$po" sed -e 's/^/⟦/' -e 's/$/⟧/'
msgfmt -o "$mo" "$po"
