// SPDX-License-Identifier: GPL-3.0-or-later
#include "dbus/app_unit.hpp"

#include <algorithm>

namespace nocontact::dbus {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        std::size_t at = text.find(separator, start);
        parts.push_back(text.substr(start, at - start));
        if (at == std::string_view::npos) break;
        start = at + 1;
    }
    return parts;
}

// Launchers that put their own name before the app's (GNOME Shell, Flatpak, KDE's older ones).
constexpr std::string_view kLaunchers[] = {"gnome", "flatpak", "kde", "plasma", "xfce", "sway"};

bool isLauncher(std::string_view word) {
    return std::find(std::begin(kLaunchers), std::end(kLaunchers), word) != std::end(kLaunchers);
}

}  // namespace

std::string unescapeUnitName(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
            int high = hexValue(text[i + 2]), low = hexValue(text[i + 3]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::optional<AppUnit> parseAppUnit(std::string_view unit) {
    std::string_view name = unit;
    bool scope = false;
    if (name.ends_with(".scope")) {
        scope = true;
        name.remove_suffix(6);
    } else if (name.ends_with(".service")) {
        name.remove_suffix(8);
        if (auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
    } else {
        return std::nullopt;
    }
    if (!name.starts_with("app-")) return std::nullopt;
    auto parts = split(name.substr(4), '-');
    if (scope) {
        if (parts.size() < 2) return std::nullopt;
        parts.pop_back();  // the random part (GNOME and Flatpak put the pid there)
    } else if (parts.size() > 1 && !isLauncher(parts.front())) {
        // app-<id>-<random>.service, as some launchers name services: the id comes first.
        parts.resize(1);
    }
    if (parts.empty() || parts.size() > 2) return std::nullopt;
    AppUnit app{.unit = std::string(unit),
                .launcher = parts.size() == 2 ? unescapeUnitName(parts[0]) : std::string(),
                .desktop_id = unescapeUnitName(parts.back())};
    if (app.desktop_id.empty()) return std::nullopt;
    return app;
}

}  // namespace nocontact::dbus
