// SPDX-License-Identifier: GPL-3.0-or-later
// Reading golden scenarios (tests/data/golden/*.scenario): a policy, then timed lines of what
// happened, each optionally followed by the expected decision. See tests/data/golden/README.md.
#pragma once

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "policy/time.hpp"

namespace nocontact::policy::golden {

struct Step {
    int line = 0;
    std::string text;  // the line as written, for the diff
    Moment at;
    std::vector<std::string> words;       // after the time, quoted strings kept whole
    std::optional<std::string> expected;  // "-> ..." without the arrow
    int expected_line = 0;
};

struct Scenario {
    std::string policy_yaml;
    std::string policy_name;
    std::vector<Step> steps;
};

inline std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
    return s.substr(i);
}

// Words split on spaces; "a quoted string" is one word, without its quotes.
inline std::vector<std::string> splitWords(const std::string& s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ') {
            ++i;
        } else if (s[i] == '"') {
            std::size_t end = s.find('"', i + 1);
            if (end == std::string::npos) throw std::runtime_error("unterminated quote");
            words.push_back(s.substr(i + 1, end - i - 1));
            i = end + 1;
        } else {
            std::size_t end = std::min(s.find(' ', i), s.size());
            words.push_back(s.substr(i, end - i));
            i = end;
        }
    }
    return words;
}

// "+01:00" -> 60, "-05:00" -> -300.
inline int parseOffset(const std::string& s) {
    auto tod = parseTimeOfDay(s.substr(1));
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !tod) {
        throw std::runtime_error("bad UTC offset '" + s + "'");
    }
    return s[0] == '-' ? -tod->minutes : tod->minutes;
}

// "2026-10-25T02:30+02:00", or without the offset to use the scenario's.
inline Moment parseMoment(const std::string& word, int default_offset) {
    auto local = parseLocalDateTime(word.substr(0, 16));
    if (!local) throw std::runtime_error("bad time '" + word + "'");
    int offset = word.size() > 16 ? parseOffset(word.substr(16)) : default_offset;
    return Moment{SysTime{local->time_since_epoch() - std::chrono::minutes{offset}}, *local};
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Reads a scenario; `dir` is where `policy-file` names are looked up.
inline Scenario parseScenario(const std::string& text, const std::string& dir) {
    Scenario sc;
    std::istringstream in(text);
    std::string raw;
    int number = 0, offset = 0;
    bool in_policy = false;
    while (std::getline(in, raw)) {
        ++number;
        std::string line = trim(raw);
        try {
            if (line == "--- events") {
                in_policy = false;
            } else if (in_policy) {
                sc.policy_yaml += raw + "\n";
            } else if (line.empty() || line.front() == '#') {
                continue;
            } else if (line == "--- policy") {
                in_policy = true;
                sc.policy_name = "inline policy";
            } else if (line.starts_with("policy-file ")) {
                sc.policy_name = line.substr(12);
                sc.policy_yaml = readFile(dir + "/" + sc.policy_name);
            } else if (line.starts_with("offset ")) {
                offset = parseOffset(line.substr(7));
            } else if (line.starts_with("->")) {
                if (sc.steps.empty() || sc.steps.back().expected) {
                    throw std::runtime_error("an expectation needs a line before it");
                }
                sc.steps.back().expected = trim(line.substr(2));
                sc.steps.back().expected_line = number;
            } else {
                auto words = splitWords(line);
                Moment at = parseMoment(words.at(0), offset);
                words.erase(words.begin());
                sc.steps.push_back(Step{number, line, at, std::move(words), {}, 0});
            }
        } catch (const std::exception& e) {
            throw std::runtime_error("line " + std::to_string(number) + ": " + e.what());
        }
    }
    return sc;
}

}  // namespace nocontact::policy::golden
