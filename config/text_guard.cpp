// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/text_guard.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "base/i18n.hpp"

namespace nocontact::config {

using i18n::fill;
using i18n::tr;

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is malformed (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return 1;
    std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (len == 0 || b > 0xF4 || i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    }
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F)) return 0;
    if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F)) return 0;
    return len;
}

std::string hexByte(unsigned char b) {
    const char* digits = "0123456789ABCDEF";
    return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

// The 1-based line and column (in characters) of byte `at`, for a message.
Pos positionOf(std::string_view text, std::size_t at) {
    Pos pos;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            pos = {pos.line + 1, 1};
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++pos.column;
        }
    }
    return pos;
}

bool checkEncoding(Reporter& rep, std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x80) {  // most of a policy: skip it without decoding
            ++i;
            continue;
        }
        const std::size_t len = utf8Length(text, i);
        if (len == 0) {
            rep.error(positionOf(text, i),
                      fill(tr("this file is not UTF-8 text (byte {byte}); a policy is a plain "
                              "text file"),
                           {{"byte", hexByte(b)}}));
            return false;
        }
        if (b < 0x20 && b != '\n' && b != '\t' && b != '\r') {
            rep.error(positionOf(text, i),
                      fill(tr("this file contains a control character ({byte}); a policy is a "
                              "plain text file"),
                           {{"byte", hexByte(b)}}));
            return false;
        }
        i += len;
    }
    return true;
}

// Estimates how deep the YAML will nest, line by line, without parsing: open flow brackets
// outside quotes and comments, plus block levels (one per indentation step and per leading
// "- ", "? " or ": " indicator). Where the text is ambiguous it counts the deeper reading, so
// it may refuse an odd file but never lets a deep one through to the parser.
class DepthScanner {
  public:
    explicit DepthScanner(Reporter& rep) : rep_(rep) {}

    bool line(std::string_view s, int number) {
        number_ = number;
        if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
        std::size_t i = 0;
        if (quote_ == 0 && !blockLevels(s, i)) return false;
        return scanRest(s, i);
    }

  private:
    bool blockLevels(std::string_view s, std::size_t& i) {
        i = s.find_first_not_of(' ');
        if (i == std::string_view::npos || s[i] == '#') {
            i = s.size();
            return true;
        }
        const int indent = static_cast<int>(i);
        while (!blocks_.empty() && blocks_.back() >= indent)
            blocks_.pop_back();
        if (!push(indent)) return false;
        while (i < s.size() && isIndicator(s, i)) {
            last_ = s[i];
            i = s.find_first_not_of(' ', i + 1);
            if (i == std::string_view::npos) return true;
            if (s[i] != '#' && !push(static_cast<int>(i))) return false;
        }
        return true;
    }

    static bool isIndicator(std::string_view s, std::size_t i) {
        const char c = s[i];
        return (c == '-' || c == '?' || c == ':') && (i + 1 == s.size() || s[i + 1] == ' ');
    }

    bool push(int column) {
        blocks_.push_back(column);
        return check(column);
    }

    bool check(int column) {
        if (static_cast<int>(blocks_.size()) + flow_ <= kMaxNesting) return true;
        rep_.error({number_, column + 1},
                   fill(tr("this file is nested more than {limit} levels deep; a policy needs "
                           "only a few levels"),
                        {{"limit", std::to_string(kMaxNesting)}}));
        return false;
    }

    bool scanRest(std::string_view s, std::size_t i) {
        for (; i < s.size(); ++i) {
            const char c = s[i];
            if (quote_ != 0) {
                i = skipQuoted(s, i);
                continue;
            }
            const bool after_space = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t';
            if (c == '#' && after_space) break;
            if ((c == '\'' || c == '"') && quoteStarts(s, i)) {
                quote_ = c;
                quote_in_flow_ = flow_ > 0;
            } else if (c == '[' || c == '{') {
                ++flow_;
                if (!check(static_cast<int>(i))) return false;
            } else if ((c == ']' || c == '}') && flow_ > 0) {
                --flow_;
            }
            if (c != ' ' && c != '\t') last_ = c;
        }
        // A quoted scalar only continues on the next line in flow context, where its start
        // was certain; in block context the next line is read as structure (the deeper view).
        if (quote_ != 0 && !quote_in_flow_) quote_ = 0;
        return true;
    }

    // Whether a quote at s[i] certainly opens a quoted scalar (and is not inside plain text).
    bool quoteStarts(std::string_view s, std::size_t i) const {
        const char before = i == 0 ? ' ' : s[i - 1];
        const bool token_start =
            before == ' ' || before == '\t' || before == '[' || before == '{' || before == ',';
        if (!token_start) return false;
        if (flow_ > 0)
            return last_ == '[' || last_ == '{' || last_ == ',' || last_ == '?' || last_ == ':';
        return last_ == 0 || last_ == '-' || last_ == '?' || last_ == ':' ||
               s.find_first_not_of(' ') == i;
    }

    // Moves through a quoted scalar; returns the index of its last character on this line.
    std::size_t skipQuoted(std::string_view s, std::size_t i) {
        if (quote_ == '"' && s[i] == '\\') return i + 1;
        if (s[i] != quote_) return i;
        if (quote_ == '\'' && i + 1 < s.size() && s[i + 1] == '\'') return i + 1;
        quote_ = 0;
        last_ = '"';
        return i;
    }

    Reporter& rep_;
    std::vector<int> blocks_;
    int flow_ = 0;
    int number_ = 1;
    char quote_ = 0;
    bool quote_in_flow_ = false;
    char last_ = 0;  // the last character that was not a space, across lines
};

bool checkNesting(Reporter& rep, std::string_view text) {
    DepthScanner scanner(rep);
    int number = 1;
    for (std::size_t start = 0; start <= text.size(); ++number) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (!scanner.line(text.substr(start, end - start), number)) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

bool checkText(Reporter& rep, std::string_view text) {
    if (text.size() > kMaxFileBytes) {
        rep.error({1, 1}, fill(tr("this file is {size} bytes; a policy can be at most 1 MiB "
                                  "({limit} bytes)"),
                               {{"size", std::to_string(text.size())},
                                {"limit", std::to_string(kMaxFileBytes)}}));
        return false;
    }
    return checkEncoding(rep, text) && checkNesting(rep, text);
}

}  // namespace nocontact::config
