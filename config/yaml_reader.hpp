// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/reporter.hpp"
#include "config/yaml_tree.hpp"

namespace nocontact::config {

// Small typed readers over YAML nodes that report every problem with its position. They
// never walk a node the schema does not expect, so aliases to large structures cost nothing.

// The 1-based position of a node; `fallback` when it has none (a missing value).
Pos posOf(const YamlNode& node, Pos fallback = {});

// "a list", "a mapping", "'abc'", "nothing": what a node is, for messages, translated.
std::string describe(const YamlNode& node);

// One key and value of a mapping.
struct Entry {
    std::string key;
    YamlNode key_node;
    YamlNode value;

    Pos keyPos() const { return posOf(key_node); }
    // An empty value has no text of its own to point at: use the key.
    Pos valuePos() const { return value.isNull() ? keyPos() : posOf(value, keyPos()); }
};

// The known entries of a mapping, in file order.
class Fields {
  public:
    const Entry* get(std::string_view key) const;
    const std::vector<Entry>& all() const { return entries_; }
    void add(Entry e) { entries_.push_back(std::move(e)); }

  private:
    std::vector<Entry> entries_;
};

// Reads a mapping whose keys must be among `known`. Reports a wrong type, unknown keys (with
// the closest known key) and duplicate keys; `what` names the mapping in messages, already
// translated ("'defaults'", "a sender rule"). Returns nullopt when `node` is not a mapping.
std::optional<Fields> readMap(Reporter& rep, const YamlNode& node, Pos at, const std::string& what,
                              std::initializer_list<std::string_view> known);
// A mapping whose keys are free-form (handle services, `when` fields): only duplicate keys
// and non-scalar keys are errors.
std::optional<Fields> readAnyMap(Reporter& rep, const YamlNode& node, Pos at,
                                 const std::string& what);

// A single value. Reports lists, mappings and empty values as errors.
std::optional<std::string> readScalar(Reporter& rep, const Entry& e);

// A value with its position, from a list.
struct Item {
    std::string text;
    Pos pos;
};

// A list of single values. With `allow_single`, one value stands for a list of one.
std::optional<std::vector<Item>> readList(Reporter& rep, const Entry& e, bool allow_single = false);
// A list of mappings (or other nodes) to be read by the caller.
std::optional<std::vector<YamlNode>> readNodeList(Reporter& rep, const Entry& e);

std::optional<bool> readBool(Reporter& rep, const Entry& e);
std::optional<int> readInt(Reporter& rep, const Entry& e, int low, int high);

// The known word closest to `word`, when it is close enough to be a likely typo.
std::optional<std::string_view> closest(std::string_view word,
                                        std::initializer_list<std::string_view> known);
// 'text' for messages, shortened when long so one odd value cannot flood the output.
std::string quote(std::string_view text);

}  // namespace nocontact::config
