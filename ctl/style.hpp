// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdio>
#include <string>

namespace nocontact::ctl {

// Colours for a person reading a terminal, and nothing for a pipe, a file or NO_COLOR
// (https://no-color.org). Calm colours only: nothing here is an alarm.
class Style {
  public:
    // Colour when `stream` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
    static Style forStream(std::FILE* stream);
    static Style plain() { return Style(false); }
    static Style coloured() { return Style(true); }

    bool colour() const { return colour_; }
    std::string bold(const std::string& text) const { return wrap("1", text); }
    std::string dim(const std::string& text) const { return wrap("2", text); }
    // A strictness level in its own calm colour.
    std::string level(const std::string& level) const { return this->level(level, level); }
    // `text` in the colour of `level`.
    std::string level(const std::string& level, const std::string& text) const;
    // One heat-map cell for `count` events in a day: two characters wide.
    std::string heat(int count) const;

  private:
    explicit Style(bool colour) : colour_(colour) {}
    std::string wrap(const char* sgr, const std::string& text) const;
    bool colour_;
};

}  // namespace nocontact::ctl
