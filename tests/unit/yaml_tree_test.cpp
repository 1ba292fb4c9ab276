// SPDX-License-Identifier: GPL-3.0-or-later
// The YAML tree under the schema readers: what is null, what an alias is, where nodes start.
#include <gtest/gtest.h>

#include "config/yaml_tree.hpp"

namespace nocontact::config {
namespace {

struct Parsed {
    std::unique_ptr<YamlDocument> doc;
    std::vector<Diagnostic> diagnostics;
};

Parsed parse(std::string_view text) {
    Reporter rep("t.yaml");
    auto doc = parseYaml(rep, text);
    return {std::move(doc), rep.finish()};
}

YamlNode valueOf(const YamlNode& map, std::string_view key) {
    for (const auto& [k, v] : map.entries()) {
        if (k.scalar() == key) return v;
    }
    return {};
}

TEST(AYamlScalar, IsNullOnlyWhenPlainUntaggedAndANullWord) {
    auto p = parse("a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"~\"\ng: !!str null\nh: nil\n");
    ASSERT_TRUE(p.doc);
    const YamlNode root = p.doc->root();
    for (auto key : {"a", "b", "c", "d"})
        EXPECT_TRUE(valueOf(root, key).isNull()) << key;
    EXPECT_EQ(valueOf(root, "e").scalar(), "null");
    EXPECT_EQ(valueOf(root, "f").scalar(), "~");
    EXPECT_EQ(valueOf(root, "g").scalar(), "null");
    EXPECT_EQ(valueOf(root, "h").scalar(), "nil");
    EXPECT_FALSE(valueOf(root, "missing").isDefined());
}

TEST(AYamlAlias, IsTheAnchoredNodeItself) {
    auto p = parse("x: &list [a, b]\ny: *list\nz: *list\n");
    ASSERT_TRUE(p.doc);
    const YamlNode y = valueOf(p.doc->root(), "y");
    ASSERT_TRUE(y.isSequence());
    EXPECT_EQ(&y.items(), &valueOf(p.doc->root(), "z").items());  // shared, not copied
    EXPECT_EQ(y.items()[1].scalar(), "b");
}

TEST(AYamlAlias, ToNoAnchorOrToItsOwnNodeIsAnError) {
    auto unknown = parse("x: *nowhere\n");
    EXPECT_FALSE(unknown.doc);
    ASSERT_EQ(unknown.diagnostics.size(), 1u);
    EXPECT_EQ(unknown.diagnostics[0].format(),
              "t.yaml:1:4: error: this is not valid YAML: the alias *nowhere names no anchor "
              "that ends before it");
    auto cycle = parse("x: &me [a, *me]\n");
    EXPECT_FALSE(cycle.doc);
}

TEST(AYamlDocument, KeepsPositionsOneBased) {
    auto p = parse("version: 1\ncontacts:\n  - name: Alex\n");
    ASSERT_TRUE(p.doc);
    const YamlNode contacts = valueOf(p.doc->root(), "contacts");
    ASSERT_EQ(contacts.size(), 1u);
    const auto& [key, value] = contacts.items()[0].entries()[0];
    EXPECT_EQ(key.pos()->line, 3);
    EXPECT_EQ(key.pos()->column, 5);
    EXPECT_EQ(value.pos()->column, 11);
    EXPECT_EQ(value.scalar(), "Alex");
}

TEST(AYamlText, ThatIsEmptyIsOneNullNode) {
    for (auto text : {"", "\n\n", "# only a comment\n", "---\n"}) {
        auto p = parse(text);
        ASSERT_TRUE(p.doc) << text;
        EXPECT_TRUE(p.doc->root().isNull()) << text;
    }
}

TEST(AYamlText, WithSeveralDocumentsIsReadUpToTheFirstEnd) {
    auto p = parse("a: 1\n---\nb: 2\n");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(valueOf(p.doc->root(), "a").scalar(), "1");
    EXPECT_FALSE(valueOf(p.doc->root(), "b").isDefined());
}

TEST(AYamlText, ThatIsBrokenGivesOneErrorAtTheProblem) {
    auto p = parse("a: [1, 2\nb: 3\n");
    EXPECT_FALSE(p.doc);
    ASSERT_EQ(p.diagnostics.size(), 1u);
    EXPECT_EQ(p.diagnostics[0].format().rfind("t.yaml:2:2: error: this is not valid YAML: ", 0), 0u)
        << p.diagnostics[0].format();
}

TEST(AYamlText, WithATabBeforeALinesContentSaysSoPlainlyAtTheTab) {
    // yaml-cpp stops later on the line ("illegal map value" at the colon), at what it made of
    // the rest; the tab is what to change.
    auto p = parse("contacts:\n  - name: Alex\n  -\tname: Sam\n");
    EXPECT_FALSE(p.doc);
    ASSERT_EQ(p.diagnostics.size(), 1u);
    EXPECT_EQ(p.diagnostics[0].format(),
              "t.yaml:3:4: error: a tab here; YAML lines up with spaces only (please replace the "
              "tab with spaces)");
    auto indented = parse("contacts:\n\t- name: Alex\n");
    ASSERT_EQ(indented.diagnostics.size(), 1u);
    EXPECT_EQ(indented.diagnostics[0].format().rfind("t.yaml:2:1: error: a tab here;", 0), 0u)
        << indented.diagnostics[0].format();
    auto fine = parse("a:\tb\n");  // a tab between a key and its value is separation, allowed
    ASSERT_TRUE(fine.doc);
    EXPECT_EQ(valueOf(fine.doc->root(), "a").scalar(), "b");
}

TEST(AYamlText, StartingWithAByteOrderMarkReadsAsWithout) {
    auto p = parse(
        "\xEF\xBB\xBF"
        "a: 1\n");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(valueOf(p.doc->root(), "a").scalar(), "1");
    EXPECT_EQ(valueOf(p.doc->root(), "a").pos()->column, 4);
}

TEST(AYamlText, NestedFarDeeperThanAnyGuardAllowsIsAnErrorNotACrash) {
    // checkText refuses this long before; the parser must not overflow its stack either way.
    auto p = parse(std::string(100'000, '['));
    EXPECT_FALSE(p.doc);
    ASSERT_EQ(p.diagnostics.size(), 1u);
}

TEST(AYamlDocument, CountsColumnsInCharactersNotBytes) {
    auto p = parse("ä: {ö: [ü, x]}\n\"Ärger\": [1, *nowhere]\n");
    EXPECT_FALSE(p.doc);
    ASSERT_EQ(p.diagnostics.size(), 1u);
    EXPECT_EQ(p.diagnostics[0].format().rfind("t.yaml:2:14: error:", 0), 0u)
        << p.diagnostics[0].format();
    auto fine = parse("ä: {ö: [ü, x]}\n");
    ASSERT_TRUE(fine.doc);
    const YamlNode list = valueOf(valueOf(fine.doc->root(), "ä"), "ö");
    EXPECT_EQ(list.pos()->column, 8);
    EXPECT_EQ(list.items()[1].pos()->column, 12);
}

TEST(AYamlMap, KeepsADuplicateKeyAsAnotherEntryAtItsOwnPlace) {
    // yaml-cpp accepts duplicate keys silently; the readers report them from the entries.
    auto p = parse("a: 1\nb: 2\na: 3\n");
    ASSERT_TRUE(p.doc);
    const auto& entries = p.doc->root().entries();
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[2].first.scalar(), "a");
    EXPECT_EQ(entries[2].first.pos()->line, 3);
    EXPECT_EQ(entries[2].first.pos()->column, 1);
    EXPECT_EQ(entries[2].second.scalar(), "3");
}

TEST(AnEmptyYamlNode, IsJustAfterTheIndicatorBeforeIt) {
    // yaml-cpp marks an empty item at the next token, a line or more later.
    auto p = parse("list:\n  -\n  - # nothing here\n\n  # a comment\n  - b\n  - ~\n  -");
    ASSERT_TRUE(p.doc);
    const auto& items = valueOf(p.doc->root(), "list").items();
    ASSERT_EQ(items.size(), 5u);
    for (std::size_t i : {0u, 1u, 3u, 4u})
        EXPECT_TRUE(items[i].isNull()) << i;
    EXPECT_EQ(items[0].pos()->line, 2);
    EXPECT_EQ(items[0].pos()->column, 4);
    EXPECT_EQ(items[1].pos()->line, 3);
    EXPECT_EQ(items[1].pos()->column, 4);
    EXPECT_EQ(items[3].pos()->line, 7);  // a null word is where it is written
    EXPECT_EQ(items[3].pos()->column, 5);
    EXPECT_EQ(items[4].pos()->line, 8);
    EXPECT_EQ(items[4].pos()->column, 4);
}

TEST(AYamlAnchor, DefinedTwiceMeansTheLaterOneFromThereOn) {
    auto p = parse("x: &a one\ny: *a\nz: &a two\nw: *a\n");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(valueOf(p.doc->root(), "y").scalar(), "one");
    EXPECT_EQ(valueOf(p.doc->root(), "w").scalar(), "two");
}

TEST(AYamlMergeKey, IsAPlainKeyAsInYamlCpp) {
    auto p = parse("base: &b {x: 1}\nderived:\n  <<: *b\n");
    ASSERT_TRUE(p.doc);
    const YamlNode derived = valueOf(p.doc->root(), "derived");
    ASSERT_EQ(derived.size(), 1u);
    EXPECT_EQ(derived.entries()[0].first.scalar(), "<<");
    EXPECT_TRUE(derived.entries()[0].second.isMap());
}

TEST(AYamlScalar, KeepsFoldedAndLiteralText) {
    auto p = parse("a: |\n  one\n  two\nb: >\n  one\n  two\n");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(valueOf(p.doc->root(), "a").scalar(), "one\ntwo\n");
    EXPECT_EQ(valueOf(p.doc->root(), "b").scalar(), "one two\n");
}

}  // namespace
}  // namespace nocontact::config
