// SPDX-License-Identifier: GPL-3.0-or-later
// YAML text -> a small tree, with libyaml's event parser: ten times faster than yaml-cpp's
// scanner on a large policy, iterative (no recursion per nesting level), and the tree only keeps
// what the schema readers ask of it.
#include "config/yaml_tree.hpp"

#include <yaml.h>

#include <unordered_map>

#include "config/i18n.hpp"

namespace nocontact::config {
namespace {

const std::string kNoText;
const std::vector<YamlNode> kNoItems;
const std::vector<std::pair<YamlNode, YamlNode>> kNoEntries;

Pos posOfMark(const yaml_mark_t& mark) {
    return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

std::string text(const yaml_char_t* s) {
    return s ? std::string(reinterpret_cast<const char*>(s)) : std::string();
}

// YAML 1.1's null, as yaml-cpp resolved it: plain, untagged, and one of these words.
bool isNullScalar(const yaml_event_t& e) {
    if (e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || e.data.scalar.tag != nullptr)
        return false;
    const std::string_view v(reinterpret_cast<const char*>(e.data.scalar.value),
                             e.data.scalar.length);
    return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

// Owns a libyaml parser and the event being looked at.
class Events {
  public:
    explicit Events(std::string_view input) {
        yaml_parser_initialize(&parser_);
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(input.data()),
                                     input.size());
    }
    ~Events() {
        if (has_event_) yaml_event_delete(&event_);
        yaml_parser_delete(&parser_);
    }
    Events(const Events&) = delete;
    Events& operator=(const Events&) = delete;

    // The next event; nullptr (and error() set) when the text is not valid YAML.
    const yaml_event_t* next() {
        if (has_event_) yaml_event_delete(&event_);
        has_event_ = yaml_parser_parse(&parser_, &event_) != 0;
        return has_event_ ? &event_ : nullptr;
    }

    // Where and why parsing stopped.
    Pos errorPos() const { return posOfMark(parser_.problem_mark); }
    std::string errorText() const {
        std::string out = parser_.problem ? parser_.problem : i18n::tr("it could not be parsed");
        if (parser_.context) out += std::string(" ") + parser_.context;
        return out;
    }

  private:
    yaml_parser_t parser_{};
    yaml_event_t event_{};
    bool has_event_ = false;
};

}  // namespace

bool YamlNode::isNull() const {
    return data_ && data_->kind == YamlKind::Null;
}
bool YamlNode::isScalar() const {
    return data_ && data_->kind == YamlKind::Scalar;
}
bool YamlNode::isSequence() const {
    return data_ && data_->kind == YamlKind::Sequence;
}
bool YamlNode::isMap() const {
    return data_ && data_->kind == YamlKind::Map;
}

const std::string& YamlNode::scalar() const {
    return isScalar() ? data_->scalar : kNoText;
}

const std::vector<YamlNode>& YamlNode::items() const {
    return isSequence() ? data_->items : kNoItems;
}

const std::vector<std::pair<YamlNode, YamlNode>>& YamlNode::entries() const {
    return isMap() ? data_->entries : kNoEntries;
}

std::size_t YamlNode::size() const {
    return items().size() + entries().size();
}

std::optional<Pos> YamlNode::pos() const {
    if (!data_) return std::nullopt;
    return data_->pos;
}

// Turns libyaml's events into nodes: a stack of open sequences and maps, each new node added to
// the innermost one (a map takes a key, then its value).
class YamlBuilder {
  public:
    explicit YamlBuilder(YamlDocument& doc) : doc_(doc) {}

    // Reads events up to the end of the first document. False with `problem_` set on an alias
    // to an unknown anchor (libyaml's own errors are the caller's).
    bool event(const yaml_event_t& e) {
        switch (e.type) {
            case YAML_SCALAR_EVENT:
                return add(scalar(e), text(e.data.scalar.anchor));
            case YAML_SEQUENCE_START_EVENT:
                return open(YamlKind::Sequence, e, text(e.data.sequence_start.anchor));
            case YAML_MAPPING_START_EVENT:
                return open(YamlKind::Map, e, text(e.data.mapping_start.anchor));
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT:
                return close();
            case YAML_ALIAS_EVENT:
                return alias(e);
            case YAML_DOCUMENT_END_EVENT:
                done_ = true;
                return true;
            default:
                return true;
        }
    }

    bool done() const { return done_; }
    // An empty text has no document: it reads as one null node, as an empty document does.
    void finish() {
        if (!doc_.root_.isDefined()) doc_.root_ = YamlNode(make(YamlKind::Null, {}));
    }
    const std::optional<std::pair<Pos, std::string>>& problem() const { return problem_; }

  private:
    struct Open {
        YamlData* data;
        std::string anchor;             // registered when the node is complete: no cycles
        std::optional<YamlNode> key{};  // a map's key waiting for its value
    };

    YamlData* make(YamlKind kind, Pos pos) {
        YamlData& d = doc_.nodes_.emplace_back();
        d.kind = kind;
        d.pos = pos;
        return &d;
    }

    YamlData* scalar(const yaml_event_t& e) {
        const bool null = isNullScalar(e);
        YamlData* d = make(null ? YamlKind::Null : YamlKind::Scalar, posOfMark(e.start_mark));
        if (!null)
            d->scalar.assign(reinterpret_cast<const char*>(e.data.scalar.value),
                             e.data.scalar.length);
        return d;
    }

    bool open(YamlKind kind, const yaml_event_t& e, std::string anchor) {
        stack_.push_back({make(kind, posOfMark(e.start_mark)), std::move(anchor)});
        return true;
    }

    bool close() {
        Open top = std::move(stack_.back());
        stack_.pop_back();
        return add(top.data, top.anchor);
    }

    bool alias(const yaml_event_t& e) {
        auto found = anchors_.find(text(e.data.alias.anchor));
        if (found == anchors_.end()) {
            problem_.emplace(posOfMark(e.start_mark),
                             i18n::fill(i18n::tr("the alias *{anchor} names no anchor that ends "
                                                 "before it"),
                                        {{"anchor", text(e.data.alias.anchor)}}));
            return false;
        }
        return place(YamlNode(found->second));
    }

    bool add(const YamlData* data, const std::string& anchor) {
        if (!anchor.empty()) anchors_[anchor] = data;
        return place(YamlNode(data));
    }

    bool place(YamlNode node) {
        if (stack_.empty()) {
            doc_.root_ = node;
            return true;
        }
        Open& top = stack_.back();
        if (top.data->kind == YamlKind::Sequence) {
            top.data->items.push_back(node);
        } else if (!top.key) {
            top.key = node;
        } else {
            top.data->entries.emplace_back(*top.key, node);
            top.key.reset();
        }
        return true;
    }

    YamlDocument& doc_;
    std::vector<Open> stack_;
    std::unordered_map<std::string, const YamlData*> anchors_;
    std::optional<std::pair<Pos, std::string>> problem_;
    bool done_ = false;
};

namespace {

// The character at a 1-based line and column (counted in characters, as libyaml does).
char charAt(std::string_view text, Pos at) {
    std::size_t i = 0;
    for (int line = 1; line < at.line && i < text.size(); ++line) {
        i = text.find('\n', i);
        if (i == std::string_view::npos) return '\0';
        ++i;
    }
    for (int column = 1; column < at.column && i < text.size(); ++column) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
            ++i;
    }
    return i < text.size() ? text[i] : '\0';
}

// libyaml's words, or plainer ones where a person can act on them.
std::string problemText(std::string_view text, Pos at, const std::string& libyaml) {
    if (charAt(text, at) == '\t') {
        return i18n::tr(
            "a tab here; YAML lines up with spaces only (please replace the tab with spaces)");
    }
    return i18n::fill(i18n::tr("this is not valid YAML: {why}"), {{"why", libyaml}});
}

}  // namespace

std::unique_ptr<YamlDocument> parseYaml(Reporter& rep, std::string_view input) {
    auto doc = std::make_unique<YamlDocument>();
    Events events(input);
    YamlBuilder builder(*doc);
    while (!builder.done()) {
        const yaml_event_t* e = events.next();
        if (!e) {
            rep.error(events.errorPos(), problemText(input, events.errorPos(), events.errorText()));
            return nullptr;
        }
        if (!builder.event(*e)) {
            rep.error(builder.problem()->first,
                      i18n::fill(i18n::tr("this is not valid YAML: {why}"),
                                 {{"why", builder.problem()->second}}));
            return nullptr;
        }
        if (e->type == YAML_STREAM_END_EVENT) break;  // an empty text: no document at all
    }
    builder.finish();
    return doc;
}

}  // namespace nocontact::config
