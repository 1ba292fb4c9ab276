// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/words.hpp"

namespace nocontact::policy {

const char* untranslated(const char* english) {
    return english;
}

std::string fillIn(std::string_view text,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    std::string out;
    out.reserve(text.size() + 32);
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t open = text.find('{', pos);
        if (open == std::string_view::npos) break;
        std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) break;
        out.append(text.substr(pos, open - pos));
        std::string_view name = text.substr(open + 1, close - open - 1);
        bool found = false;
        for (const auto& [key, value] : values) {
            if (key == name) {
                out.append(value);
                found = true;
                break;
            }
        }
        if (!found) out.append(text.substr(open, close - open + 1));
        pos = close + 1;
    }
    out.append(text.substr(pos));
    return out;
}

}  // namespace nocontact::policy
