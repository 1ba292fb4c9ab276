// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/reporter.hpp"

namespace nocontact::config {

struct YamlData;

// One node of a parsed YAML document: a handle into the YamlDocument that owns it, valid while
// that document lives. Aliases are the node their anchor names, not a copy, so a file that
// repeats a list through aliases costs no more memory than the list (the readers' work budget
// bounds the time). A default-made node is "undefined": what a missing key reads as.
class YamlNode {
  public:
    YamlNode() = default;

    bool isDefined() const { return data_ != nullptr; }
    bool isNull() const;
    bool isScalar() const;
    bool isSequence() const;
    bool isMap() const;

    // The scalar's text (empty for other kinds).
    const std::string& scalar() const;
    // Items of a sequence, entries of a map (key, value), in file order; empty otherwise.
    const std::vector<YamlNode>& items() const;
    const std::vector<std::pair<YamlNode, YamlNode>>& entries() const;
    // Items or entries.
    std::size_t size() const;
    // The 1-based position where the node starts; nullopt for an undefined node.
    std::optional<Pos> pos() const;

  private:
    friend class YamlBuilder;
    explicit YamlNode(const YamlData* data) : data_(data) {}
    const YamlData* data_ = nullptr;
};

enum class YamlKind : unsigned char { Null, Scalar, Sequence, Map };

struct YamlData {
    YamlKind kind = YamlKind::Null;
    Pos pos{};
    std::string scalar{};
    std::vector<YamlNode> items{};
    std::vector<std::pair<YamlNode, YamlNode>> entries{};
};

// A parsed document and the nodes it owns.
class YamlDocument {
  public:
    YamlNode root() const { return root_; }

  private:
    friend class YamlBuilder;
    std::deque<YamlData> nodes_;  // a deque: nodes never move while the tree is built
    YamlNode root_{};
};

// Parses the first document of `text` with yaml-cpp (YAML 1.1: a plain "", "~", "null", "Null"
// or "NULL" without a tag is null; tags are ignored; later documents are not read). An empty
// text is one null node. Reports one error ("this is not valid YAML: ...", at the problem's
// position) and returns nullptr when it cannot be parsed. `text` should have passed checkText:
// yaml-cpp recurses once per nesting level, as the readers do.
std::unique_ptr<YamlDocument> parseYaml(Reporter& rep, std::string_view text);

}  // namespace nocontact::config
