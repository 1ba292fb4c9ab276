// SPDX-License-Identifier: GPL-3.0-or-later
// YAML text -> a small tree, with yaml-cpp's event parser (YAML::Parser and an EventHandler,
// not YAML::Load): the tree keeps only what the schema readers ask of it, every entry of a
// mapping in file order (so the readers see and report duplicate keys, which yaml-cpp accepts
// silently), and an alias as the anchored node itself.
#include "config/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>
#include <unordered_map>

#include "base/i18n.hpp"

namespace nocontact::config {
namespace {

const std::string kNoText;
const std::vector<YamlNode> kNoItems;
const std::vector<std::pair<YamlNode, YamlNode>> kNoEntries;

// Lets yaml-cpp read the text where it is, without a copy.
class TextBuffer : public std::streambuf {
  public:
    explicit TextBuffer(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // only ever read: setg takes char*
        setg(begin, begin, begin + text.size());
    }
};

// Turns yaml-cpp's marks (0-based, columns in bytes) into the 1-based line and column in
// characters that messages give. Marks mostly come in file order, so it walks forward from the
// last one and only steps back to the start of a line when one comes earlier.
class Positions {
  public:
    explicit Positions(std::string_view text) : text_(text) {}

    Pos at(const YAML::Mark& mark) {
        if (mark.is_null() || mark.pos < 0) return {};
        return at(static_cast<std::size_t>(mark.pos), mark.line + 1);
    }

    // The position of byte `offset`, on the 1-based `line` yaml-cpp counted (it counts '\n' as
    // this class does).
    Pos at(std::size_t offset, int line) {
        const std::size_t target = std::min(offset, text_.size());
        if (target < offset_) stepBack(target, line);
        for (; offset_ < target; ++offset_) {
            const auto c = static_cast<unsigned char>(text_[offset_]);
            if (c == '\n') {
                pos_ = {pos_.line + 1, 1};
            } else if ((c & 0xC0) != 0x80) {
                ++pos_.column;
            }
        }
        return pos_;
    }

    // Where an empty node is. yaml-cpp marks it at the token after it, often lines later; a
    // person (and libyaml before) looks just after the indicator before it ("-", "key:").
    Pos emptyAt(const YAML::Mark& next) {
        if (next.is_null() || next.pos < 0) return {};
        const auto at = std::min(static_cast<std::size_t>(next.pos), text_.size());
        if (isWritten(at)) return this->at(next);
        std::size_t end = at;
        int line = next.line + 1;
        while (end > 0 && (text_[end - 1] == ' ' || text_[end - 1] == '\t'))
            --end;
        while (end > 0 && text_[end - 1] == '\n') {  // back to the last line with content
            const std::size_t line_end = end - 1;
            const std::size_t newline =
                line_end == 0 ? std::string_view::npos : text_.rfind('\n', line_end - 1);
            --line;
            end = contentEnd(newline == std::string_view::npos ? 0 : newline + 1, line_end);
        }
        return this->at(end, line);
    }

  private:
    // Whether a null at `at` is written there: a null word, or an anchor or tag before nothing.
    bool isWritten(std::size_t at) const {
        if (at < text_.size() && (text_[at] == '&' || text_[at] == '!')) return true;
        for (std::string_view word : {"~", "null", "Null", "NULL"}) {
            if (text_.substr(at, word.size()) != word) continue;
            const std::size_t after = at + word.size();
            if (after == text_.size() ||
                std::string_view(" \t\r\n,]}:#").find(text_[after]) != std::string_view::npos)
                return true;
        }
        return false;
    }

    // The end of a line's content between `start` and `end`, before any comment and trailing
    // blanks; `start` when it has none.
    std::size_t contentEnd(std::size_t start, std::size_t end) const {
        char quote = 0;
        std::size_t last = start;
        for (std::size_t i = start; i < end; ++i) {
            const char c = text_[i];
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '#' && (i == start || text_[i - 1] == ' ' || text_[i - 1] == '\t')) {
                break;
            } else if (c == '"' || c == '\'') {
                quote = c;
            }
            if (c != ' ' && c != '\t' && c != '\r') last = i + 1;
        }
        return last;
    }

    void stepBack(std::size_t target, int line) {
        const std::size_t newline =
            target == 0 ? std::string_view::npos : text_.rfind('\n', target - 1);
        offset_ = newline == std::string_view::npos ? 0 : newline + 1;
        pos_ = {line, 1};
    }

    std::string_view text_;
    std::size_t offset_ = 0;
    Pos pos_{};
};

// A problem the builder finds that yaml-cpp does not: an alias to an anchor whose node has not
// ended yet (an alias inside its own anchor), which would make the tree a cycle.
struct AliasProblem {
    Pos pos;
    std::string name;
};

std::string aliasMessage(const std::string& name) {
    return i18n::fill(i18n::tr("the alias *{anchor} names no anchor that ends before it"),
                      {{"anchor", name}});
}

std::string notValid(const std::string& why) {
    return i18n::fill(i18n::tr("this is not valid YAML: {why}"), {{"why", why}});
}

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

// Turns yaml-cpp's events into nodes: a stack of open sequences and maps, each new node added
// to the innermost one (a map takes a key, then its value). yaml-cpp has already resolved YAML
// 1.1's nulls (a plain, untagged "", "~", "null", "Null" or "NULL") into OnNull; other tags are
// ignored.
class YamlBuilder final : public YAML::EventHandler {
  public:
    YamlBuilder(YamlDocument& doc, Positions& positions) : doc_(doc), positions_(positions) {}

    void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        add(make(YamlKind::Null, positions_.emptyAt(mark)), anchor);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  const std::string& value) override {
        YamlData* d = make(YamlKind::Scalar, mark);
        d->scalar = value;
        add(d, anchor);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value /*style*/) override {
        open(YamlKind::Sequence, mark, anchor);
    }
    void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value /*style*/) override {
        open(YamlKind::Map, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapEnd() override { close(); }
    void OnAnchor(const YAML::Mark& /*mark*/, const std::string& name) override {
        anchor_name_ = name;  // the next node's: yaml-cpp names an anchor just before its node
    }
    // yaml-cpp resolves an alias to the latest anchor of that name, even one still open.
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        const std::string& name = names_[anchor];
        auto found = anchors_.find(name);
        if (found == anchors_.end()) throw AliasProblem{positions_.at(mark), name};
        place(YamlNode(found->second));
    }

    // An empty text has no document: it reads as one null node, as an empty document does.
    void finish() {
        if (!doc_.root_.isDefined()) doc_.root_ = YamlNode(make(YamlKind::Null, Pos{}));
    }

  private:
    struct Open {
        YamlData* data;
        YAML::anchor_t anchor;          // registered when the node ends: no cycles
        std::optional<YamlNode> key{};  // a map's key waiting for its value
    };

    YamlData* make(YamlKind kind, const YAML::Mark& mark) {
        return make(kind, positions_.at(mark));
    }
    YamlData* make(YamlKind kind, Pos pos) {
        YamlData& d = doc_.nodes_.emplace_back();
        d.kind = kind;
        d.pos = pos;
        return &d;
    }

    void open(YamlKind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
        name(anchor);
        stack_.push_back({make(kind, mark), anchor});
    }

    void close() {
        Open top = stack_.back();
        stack_.pop_back();
        remember(top.data, top.anchor);
        place(YamlNode(top.data));
    }

    void add(const YamlData* data, YAML::anchor_t anchor) {
        name(anchor);
        remember(data, anchor);
        place(YamlNode(data));
    }

    void name(YAML::anchor_t anchor) {
        if (anchor != YAML::NullAnchor) names_[anchor] = std::move(anchor_name_);
        anchor_name_.clear();
    }

    // From here on, an alias of this name is this node (a name defined again means the later
    // node, as in libyaml and yaml-cpp alike).
    void remember(const YamlData* data, YAML::anchor_t anchor) {
        if (anchor != YAML::NullAnchor) anchors_[names_[anchor]] = data;
    }

    void place(YamlNode node) {
        if (stack_.empty()) {
            doc_.root_ = node;
            return;
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
    }

    YamlDocument& doc_;
    Positions& positions_;
    std::vector<Open> stack_;
    std::string anchor_name_;
    std::unordered_map<YAML::anchor_t, std::string> names_;
    std::unordered_map<std::string, const YamlData*> anchors_;
};

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// The name of the alias at `at` ("*name"), for yaml-cpp's message that does not give it.
std::string aliasNameAt(std::string_view text, std::size_t at) {
    if (at >= text.size() || text[at] != '*') return {};
    const std::size_t end = text.find_first_of(" \t\r\n,[]{}", at + 1);
    return std::string(text.substr(at + 1, end == std::string_view::npos ? end : end - at - 1));
}

// A tab where a line's content should begin ("\t- x", "  -\tname: x"): yaml-cpp then reports
// what it made of the rest of the line, but the tab is what a person has to change.
std::optional<std::size_t> tabBeforeContent(std::string_view text, std::size_t at) {
    const std::size_t newline = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
    for (std::size_t i = newline == std::string_view::npos ? 0 : newline + 1; i < text.size();
         ++i) {
        const char c = text[i];
        if (c == '\t') return i;
        const char next = i + 1 < text.size() ? text[i + 1] : '\n';
        const bool indicator =
            (c == '-' || c == '?' || c == ':') && (next == ' ' || next == '\t' || next == '\n');
        if (c != ' ' && !indicator) break;
    }
    return std::nullopt;
}

// Where yaml-cpp stopped, in its words or in plainer ones where a person can act on them.
std::pair<Pos, std::string> problem(std::string_view text, Positions& positions,
                                    const YAML::Exception& e) {
    if (e.mark.is_null()) return {Pos{}, notValid(e.msg)};
    const auto at = static_cast<std::size_t>(std::max(e.mark.pos, 0));
    const auto tab =
        at < text.size() && text[at] == '\t' ? std::optional(at) : tabBeforeContent(text, at);
    if (tab) {
        return {positions.at(*tab, e.mark.line + 1),
                i18n::tr("a tab here; YAML lines up with spaces only (please replace the tab with "
                         "spaces)")};
    }
    const Pos pos = positions.at(e.mark);
    if (e.msg.rfind(YAML::ErrorMsg::UNKNOWN_ANCHOR, 0) == 0)
        return {pos, notValid(aliasMessage(aliasNameAt(text, at)))};
    return {pos, notValid(e.msg)};
}

}  // namespace

std::unique_ptr<YamlDocument> parseYaml(Reporter& rep, std::string_view input) {
    // yaml-cpp skips a byte order mark without counting it; so do the positions.
    if (input.substr(0, kByteOrderMark.size()) == kByteOrderMark)
        input.remove_prefix(kByteOrderMark.size());
    auto doc = std::make_unique<YamlDocument>();
    Positions positions(input);
    try {
        TextBuffer buffer(input);
        std::istream stream(&buffer);
        YAML::Parser parser(stream);
        YamlBuilder builder(*doc, positions);
        parser.HandleNextDocument(builder);  // later documents are not read
        builder.finish();
    } catch (const AliasProblem& p) {
        rep.error(p.pos, notValid(aliasMessage(p.name)));
        return nullptr;
    } catch (const YAML::Exception& e) {
        auto [pos, text] = problem(input, positions, e);
        rep.error(pos, text);
        return nullptr;
    }
    return doc;
}

}  // namespace nocontact::config
