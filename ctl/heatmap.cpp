// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/heatmap.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "config/i18n.hpp"

namespace nocontact::ctl {

namespace {

// TRANSLATORS: the rows and columns of a calendar heat-map: three characters each.
constexpr const char* kWeekdays[] = {N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
                                     N_("Fri"), N_("Sat"), N_("Sun")};
constexpr const char* kMonths[] = {N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"),
                                   N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
                                   N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")};

// A label padded or cut to the three columns a week takes.
std::string cell(const char* label) {
    std::string text = i18n::tr(label);
    // Counted in characters, not bytes: a UTF-8 continuation byte starts no character.
    std::size_t chars = 0, cut = text.size();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (chars == 3) {
            cut = i;
            break;
        }
        ++chars;
    }
    text.resize(cut);
    return text + std::string(3 - std::min<std::size_t>(chars, 3), ' ');
}

int monthOf(policy::Date d) {
    return std::stoi(policy::formatDate(d).substr(5, 2));  // "YYYY-MM-DD"
}

}  // namespace

std::string renderHeatMap(const std::vector<DayValue>& days, const Style& style) {
    if (days.empty()) return {};
    const std::int64_t first = days.front().day.days, last = days.back().day.days;
    std::map<std::int64_t, int> counts;
    for (const auto& d : days)
        counts[d.day.days] = d.count;
    const std::int64_t start = first - static_cast<int>(policy::weekdayOf({first}));
    const std::int64_t columns = (last - start) / 7 + 1;

    // A month is named above the first week whose Monday is in it. A name needs a week of room
    // after it: when the next month starts one week later, only the later name is shown.
    std::vector<int> labels(static_cast<std::size_t>(columns), 0);
    int previous_month = 0;
    for (std::int64_t col = 0; col < columns; ++col) {
        int month = monthOf({start + col * 7});
        if (month != previous_month) labels[static_cast<std::size_t>(col)] = month;
        previous_month = month;
    }
    for (std::size_t col = 0; col + 1 < labels.size(); ++col) {
        if (labels[col] != 0 && labels[col + 1] != 0) labels[col] = 0;
    }
    std::string header = "    ";
    for (int month : labels)
        header += month == 0 ? "   " : cell(kMonths[month - 1]);
    while (!header.empty() && header.back() == ' ')
        header.pop_back();

    std::string out = style.dim(header) + "\n";
    for (int wd = 0; wd < 7; ++wd) {
        std::string line = style.dim(cell(kWeekdays[wd])) + " ";
        for (std::int64_t col = 0; col < columns; ++col) {
            std::int64_t day = start + col * 7 + wd;
            line += (day < first || day > last) ? "  " : style.heat(counts[day]);
            line += ' ';
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + "\n";
    }
    out += "    " + style.dim(i18n::tr("none")) + " " + style.heat(0) + style.heat(1) +
           style.heat(2) + style.heat(4) + style.heat(7) + " " + style.dim(i18n::tr("7 or more")) +
           "\n";
    return out;
}

}  // namespace nocontact::ctl
