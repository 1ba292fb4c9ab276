#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The catalogue as translators and people get it: no sentence is taken for a printf format,
# each shipped translation is complete and keeps every {placeholder}, and the source check
# finds a sentence printed without tr().
# Usage: catalogue_test.sh SOURCE_ROOT
set -uo pipefail
cd "$1"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

if grep -n '^#,.*[^-]c-format' po/nocontact.pot; then
    fail "po/nocontact.pot marks sentences as c-format"
fi
# A sentence with a per cent sign ("{percent}% of …") is what xgettext takes for a format unless
# told: scripts/update-pot marks each sentence no-c-format, so msgfmt --check never reads one as
# printf's. Tried on a tree of one such sentence.
tree=$(mktemp -d)
mkdir -p "$tree/scripts" "$tree/po"
cp scripts/update-pot "$tree/scripts/"
echo 'project(nocontact VERSION 1.0)' >"$tree/CMakeLists.txt"
printf 'void f() { tr("{percent}%% of them, and {n} more"); }\n' >"$tree/percent.cpp"
echo percent.cpp >"$tree/po/POTFILES"
"$tree/scripts/update-pot" && grep -B1 '^msgid "{percent}% of them' "$tree/po/nocontact.pot" |
    grep -qx '#, no-c-format' || fail "scripts/update-pot lets xgettext take {percent}% for a format"
rm -rf "$tree"

shopt -s nullglob
pos=(po/*.po)
[[ ${#pos[@]} -gt 0 ]] || fail "no translation ships"
for po in "${pos[@]}"; do
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || fail "$po: $stats"
    [[ $stats =~ ^[0-9]+\ translated\ messages\.$ ]] || fail "$po is not complete: $stats"
    # Every msgstr keeps the placeholders of its msgid, and names no other.
    python3 - "$po" <<'PY' || fail "$po changes placeholders"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
bad = 0
for entry in text.split("\n\n"):
    if "#, fuzzy" in entry and 'msgid ""\nmsgstr ""' in entry:
        continue
    fields = {}
    key = None
    for line in entry.splitlines():
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            key = m.group(1)
            fields[key] = m.group(2)
        elif line.startswith('"') and key:
            fields[key] += line[1:-1]
    if not fields.get("msgid"):
        continue
    want = set(re.findall(r"\{[a-z_]+\}", fields["msgid"] + fields.get("msgid_plural", "")))
    for k, v in fields.items():
        if k.startswith("msgstr") and v:
            got = set(re.findall(r"\{[a-z_]+\}", v))
            # A singular may say "one" instead of {n}.
            if got - want or (want - got) - {"{n}"}:
                print(f"  {fields['msgid'][:60]!r}: {k} has {sorted(got)}, wants {sorted(want)}")
                bad += 1
sys.exit(1 if bad else 0)
PY
done

planted=$(mktemp --suffix=.cpp)
trap 'rm -f "$planted"' EXIT
printf 'void f(std::ostream& out) {\n    out << "Nothing is waiting for "\n           "you now.\\n";\n}\n' \
    >"$planted"
scripts/check-untranslated "$planted" >/dev/null && fail "check-untranslated let a sentence through"
# The policy reader's messages: a diagnostic glued from pieces, and one chosen with ?:.
planted_dir=$(mktemp -d)
trap 'rm -f "$planted"; rm -rf "$planted_dir"' EXIT
mkdir "$planted_dir/config"
printf 'void f(Reporter& rep) {\n    rep.error(at, quote(key) + " is not a word we "\n                             "know here");\n}\n' \
    >"$planted_dir/config/glued.cpp"
printf 'std::string f(bool near) {\n    return near ? "did you mean" : "this is not a key";\n}\n' \
    >"$planted_dir/config/chosen.cpp"
for f in glued chosen; do
    scripts/check-untranslated "$planted_dir/config/$f.cpp" >/dev/null &&
        fail "check-untranslated let the policy reader's $f sentence through"
done
printf 'void f(Reporter& rep) {\n    rep.error(at, fill(tr("{key} is not a word we know here"), {}));\n}\n' \
    >"$planted_dir/config/marked.cpp"
scripts/check-untranslated "$planted_dir/config/marked.cpp" >/dev/null ||
    fail "check-untranslated finds a sentence that goes through tr()"
scripts/check-untranslated >/dev/null || fail "check-untranslated finds sentences in ctl/, daemon/ or config/"

[[ $failed -eq 0 ]] && echo "catalogue: all checks passed"
exit $failed
