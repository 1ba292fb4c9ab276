// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/style.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace nocontact::ctl {

Style Style::forStream(std::FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    bool colour = isatty(fileno(stream)) && (no_colour == nullptr || *no_colour == '\0') &&
                  !(term != nullptr && std::strcmp(term, "dumb") == 0);
    return Style(colour);
}

std::string Style::wrap(const char* sgr, const std::string& text) const {
    if (!colour_) return text;
    return std::string("\033[") + sgr + "m" + text + "\033[0m";
}

std::string Style::level(const std::string& level, const std::string& text) const {
    // Cool hues that deepen up the ladder; none of them red.
    const char* sgr = level == "open"     ? "32"
                      : level == "gentle" ? "36"
                      : level == "pause"  ? "34"
                      : level == "firm"   ? "35"
                      : level == "strict" ? "1;35"
                                          : "0";
    return wrap(sgr, text);
}

std::string Style::heat(int count) const {
    // Four steps: 1, 2-3, 4-6, 7 and more. In colour, blue backgrounds (256-colour palette);
    // without, shading characters that read the same in any font.
    int step = count <= 0 ? 0 : count == 1 ? 1 : count <= 3 ? 2 : count <= 6 ? 3 : 4;
    if (!colour_) {
        static const char* const kShades[] = {"· ", "░░", "▒▒", "▓▓", "██"};
        return kShades[step];
    }
    if (step == 0) return "\033[2m· \033[0m";
    static const char* const kBlues[] = {"", "153", "111", "69", "27"};
    return std::string("\033[48;5;") + kBlues[step] + "m  \033[0m";
}

}  // namespace nocontact::ctl
