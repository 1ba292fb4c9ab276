// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/heatmap.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "base/i18n.hpp"

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

int monthOf(std::int64_t day) {
    return std::stoi(policy::formatDate({day}).substr(5, 2));  // "YYYY-MM-DD"
}

int dayOfMonth(std::int64_t day) {
    return std::stoi(policy::formatDate({day}).substr(8, 2));
}

// Each column is a cell two characters wide and a separator; after today's cell, the marker.
constexpr int kColumnWidth = 3;
// The weekday names and a space before the first week.
constexpr int kRowHead = 4;
constexpr const char* kTodayMark = "◂";

// The days shown, the weeks they fall in, and the day the first week starts (a Monday).
struct Span {
    std::int64_t first = 0, last = 0, start = 0, columns = 0;
    std::int64_t today = std::numeric_limits<std::int64_t>::min();  // min: not shown

    std::int64_t weekStart(std::int64_t col) const { return start + col * 7; }
};

// The month a week is named by: the one whose first day it holds; the first week of a block
// names the month it opens in. 0: no name.
int monthLabel(const Span& span, std::int64_t col, bool opens_block) {
    std::int64_t from = std::max(span.first, span.weekStart(col));
    std::int64_t to = std::min(span.last, span.weekStart(col) + 6);
    for (std::int64_t day = from; day <= to; ++day) {
        if (dayOfMonth(day) == 1) return monthOf(day);
    }
    return opens_block ? monthOf(from) : 0;
}

// The month names above weeks [begin, end). A name needs the week after it: when a block's
// first week is followed by a month's first day, only the later name is shown.
std::string monthHeader(const Span& span, std::int64_t begin, std::int64_t end) {
    std::vector<int> labels;
    for (std::int64_t col = begin; col < end; ++col)
        labels.push_back(monthLabel(span, col, col == begin));
    for (std::size_t i = 0; i + 1 < labels.size(); ++i) {
        if (labels[i] != 0 && labels[i + 1] != 0) labels[i] = 0;
    }
    std::string header(kRowHead, ' ');
    for (int month : labels)
        header += month == 0 ? std::string(kColumnWidth, ' ') : cell(kMonths[month - 1]);
    while (!header.empty() && header.back() == ' ')
        header.pop_back();
    return header;
}

std::string weekdayRow(const Span& span, const std::map<std::int64_t, int>& counts, int wd,
                       std::int64_t begin, std::int64_t end, const Style& style) {
    std::string line = style.dim(cell(kWeekdays[wd])) + " ";
    for (std::int64_t col = begin; col < end; ++col) {
        std::int64_t day = span.weekStart(col) + wd;
        bool shown = day >= span.first && day <= span.last;
        line += shown ? style.heat(counts.at(day)) : "  ";
        line += shown && span.today == day ? style.bold(kTodayMark) : " ";
    }
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    return line;
}

std::string legend(const Span& span, const Style& style) {
    std::string out = "    " + style.dim(i18n::tr("none")) + " " + style.heat(0) + style.heat(1) +
                      style.heat(2) + style.heat(4) + style.heat(7) + " " +
                      style.dim(i18n::tr("7 or more"));
    bool today_shown = span.today >= span.first && span.today <= span.last;
    if (today_shown) out += "  " + style.bold(kTodayMark) + " " + style.dim(i18n::tr("today"));
    return out + "\n";
}

}  // namespace

std::string renderHeatMap(const std::vector<DayValue>& days, const Style& style,
                          const HeatMapFrame& frame) {
    if (days.empty()) return {};
    Span span{.first = days.front().day.days, .last = days.back().day.days};
    span.start = span.first - static_cast<int>(policy::weekdayOf({span.first}));
    span.columns = (span.last - span.start) / 7 + 1;
    if (frame.today) span.today = frame.today->days;
    std::map<std::int64_t, int> counts;
    for (const auto& d : days)
        counts[d.day.days] = d.count;
    for (std::int64_t day = span.first; day <= span.last; ++day)
        counts.emplace(day, 0);

    const std::int64_t per_block = std::max(1, (frame.width - kRowHead) / kColumnWidth);
    std::string out;
    for (std::int64_t begin = 0; begin < span.columns; begin += per_block) {
        std::int64_t end = std::min(span.columns, begin + per_block);
        if (begin > 0) out += "\n";
        out += style.dim(monthHeader(span, begin, end)) + "\n";
        for (int wd = 0; wd < 7; ++wd)
            out += weekdayRow(span, counts, wd, begin, end, style) + "\n";
    }
    return out + legend(span, style);
}

int terminalWidth() {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    const char* columns = std::getenv("COLUMNS");
    if (columns != nullptr && std::atoi(columns) > 0) return std::atoi(columns);
    return 80;
}

}  // namespace nocontact::ctl
