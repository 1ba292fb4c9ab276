// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace nocontact::daemon {

// Escapes & < > for a notification body the server renders as markup (the spec's subset has
// no attributes in user text, so these three are all it needs).
inline std::string escapeMarkup(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

}  // namespace nocontact::daemon
