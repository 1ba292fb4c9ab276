// SPDX-License-Identifier: GPL-3.0-or-later
// Golden scenarios: timed events in, expected decisions out, replayed through the real policy
// loader and engine. A failure prints each differing line as expected and actual.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "config/loader.hpp"
#include "engine_fixtures.hpp"
#include "golden_scenario.hpp"

namespace nocontact::policy::golden {
namespace {

const std::string kGoldenDir = std::string{NOCONTACT_TEST_DATA} + "/golden";

using Fields = std::map<std::string, std::string>;

std::string wakeText(const WakeAt& w) {
    auto local = [](LocalTime t) {
        std::string s = formatLocal(t);
        s[10] = 'T';
        return s;
    };
    std::string out;
    if (w.local) out = local(*w.local);
    if (w.utc)
        out += (out.empty() ? "" : " / ") + local(LocalTime{w.utc->time_since_epoch()}) + "Z";
    return out.empty() ? "none" : out;
}

std::string inQuotes(const std::string& s) {
    return "\"" + s + "\"";
}

// --- turning a step into engine calls ------------------------------------------------------

struct EventWords {
    Kind kind = Kind::Message;
    std::size_t next = 1;  // the word after the kind
};

EventWords kindOf(const std::vector<std::string>& w) {
    auto two = w.size() > 1 ? w[0] + " " + w[1] : w[0];
    if (two == "group message") return {Kind::GroupMessage, 2};
    if (two == "missed call") return {Kind::MissedCall, 2};
    if (w[0] == "message") return {Kind::Message, 1};
    if (w[0] == "call") return {Kind::Call, 1};
    if (w[0] == "other") return {Kind::Other, 1};
    throw std::runtime_error("unknown step '" + w[0] + "'");
}

// message|group message|call|missed call|other  from|to  NAME|hidden|phone P|email E
//   [in "Chat"] [via APP]
Event eventOf(const std::vector<std::string>& w) {
    auto [kind, i] = kindOf(w);
    Event e;
    e.app = "signal";
    e.kind = kind;
    e.direction = w.at(i) == "to" ? Direction::Outgoing : Direction::Incoming;
    const std::string& who = w.at(i + 1);
    i += 2;
    if (who == "phone" || who == "email") {
        auto type = who == "phone" ? Identifier::Type::Phone : Identifier::Type::Email;
        e.identifiers.push_back({type, w.at(i++), {}});
    } else if (who != "hidden") {
        e.sender = who;
    }
    for (; i + 1 < w.size(); i += 2) {
        if (w[i] == "in")
            e.chat = w[i + 1];
        else if (w[i] == "via")
            e.app = w[i + 1];
        else
            throw std::runtime_error("unknown word '" + w[i] + "'");
    }
    return e;
}

// soften|harden NAME [to LEVEL | by N] [for DURATION] [note "..."]; final-straw NAME [note];
// snooze [for DURATION]
Override overrideOf(const std::vector<std::string>& w, const Moment& at) {
    using Type = Override::Type;
    static const std::map<std::string, Type> kTypes = {{"soften", Type::Soften},
                                                       {"harden", Type::Harden},
                                                       {"final-straw", Type::FinalStraw},
                                                       {"snooze", Type::Snooze}};
    Override o;
    o.type = kTypes.at(w[0]);
    o.start = at.utc;
    std::size_t i = 1;
    if (o.type != Type::Snooze) o.contact = w.at(i++);
    if (o.type == Type::FinalStraw) o.since = dateOf(at.local);
    for (; i + 1 < w.size(); i += 2) {
        const std::string& v = w[i + 1];
        if (w[i] == "to")
            o.to = parseLevel(v).value();
        else if (w[i] == "by")
            o.steps = std::stoi(v);
        else if (w[i] == "for")
            o.until = at.utc + parseDuration(v).value();
        else if (w[i] == "note")
            o.note = v;
        else
            throw std::runtime_error("unknown word '" + w[i] + "'");
    }
    return o;
}

Fields decisionFields(const Engine& engine, const Decision& d) {
    std::string actions;
    for (Action a : d.actions)
        actions += (actions.empty() ? "" : " ") + std::string{actionName(a)};
    Fields f{{"", actions},
             {"primary", std::string{actionName(d.primary())}},
             {"wake", wakeText(d.wake_at)},
             {"why", inQuotes(d.why)}};
    f["level"] = d.level ? std::string{levelName(*d.level)} : "none";
    f["contact"] = d.contact ? engine.policy().contacts[*d.contact].name : "none";
    return f;
}

Fields explainFields(const Engine& engine, const std::string& name, const Moment& at) {
    auto index = engine.matcher().byContactName(name);
    if (!index) throw std::runtime_error("no contact named '" + name + "'");
    Explained ex = engine.explain(*index, at);
    auto day = engine.dayCount(*index, at);
    Fields f;
    f["level"] = levelName(ex.level);
    f["why"] = inQuotes(ex.why);
    f["wake"] = wakeText(ex.changes_at);
    f["day"] = day ? std::to_string(*day) : "none";
    f["snoozed"] = ex.snoozed ? "yes" : "no";
    return f;
}

// Runs one step; returns what it produced (empty for overrides).
Fields runStep(Engine& engine, const Step& s) {
    const auto& w = s.words;
    if (w.empty()) throw std::runtime_error("nothing after the time");
    if (w[0] == "soften" || w[0] == "harden" || w[0] == "final-straw" || w[0] == "snooze") {
        engine.addOverride(overrideOf(w, s.at));
        return {};
    }
    if (w[0] == "explain") return explainFields(engine, w.at(1), s.at);
    if (w[0] == "open") {
        Event e = testing::appLaunch(w.at(1));
        if (w.size() > 3 && w[2] == "as") e.sender = w[3];
        return decisionFields(engine, engine.handle(e, s.at));
    }
    const Event event = eventOf(w);
    // Without its sentence (as the daemon asks), a decision is the same decision.
    const Decision quiet = engine.handle(event, s.at, Engine::Say::Nothing);
    Fields said = decisionFields(engine, engine.handle(event, s.at));
    Fields unsaid = decisionFields(engine, quiet);
    EXPECT_TRUE(quiet.why.empty()) << quiet.why;
    unsaid.erase("why");
    Fields rest = said;
    rest.erase("why");
    EXPECT_EQ(rest, unsaid);
    return said;
}

// --- comparing ---------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> splitExpected(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t bar = std::min(text.find(" | ", start), text.size());
        std::string part = trim(text.substr(start, bar - start));
        std::size_t eq = part.find('=');
        bool keyed = eq != std::string::npos && part.find(' ') > eq;
        out.emplace_back(keyed ? part.substr(0, eq) : "", keyed ? part.substr(eq + 1) : part);
        start = bar + 3;
    }
    return out;
}

std::string sortedWords(const std::string& s) {
    auto words = splitWords(s);
    std::ranges::sort(words);
    std::string out;
    for (const auto& w : words)
        out += w + " ";
    return out;
}

// The actual line, written with the keys the expected line asks about, in its order.
std::string actualLine(const std::vector<std::pair<std::string, std::string>>& expected,
                       const Fields& actual, bool& same) {
    std::string line;
    same = true;
    for (const auto& [key, want] : expected) {
        auto it = actual.find(key);
        std::string got = it == actual.end() ? "(nothing)" : it->second;
        same = same && (key.empty() ? sortedWords(got) == sortedWords(want) : got == want);
        line += (line.empty() ? "" : " | ") + (key.empty() ? got : key + "=" + got);
    }
    return line;
}

class AGoldenScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(AGoldenScenario, ReplaysToTheExpectedDecisions) {
    std::string path = kGoldenDir + "/" + GetParam();
    Scenario sc = parseScenario(readFile(path), kGoldenDir);
    auto loaded = config::loadPolicy(sc.policy_yaml, sc.policy_name);
    for (const auto& diag : loaded.diagnostics) {
        if (diag.severity == config::Diagnostic::Severity::Error) ADD_FAILURE() << diag.format();
    }
    ASSERT_TRUE(loaded.ok()) << "the scenario's policy does not load";
    Engine engine(*loaded.policy);
    int checked = 0;
    std::string diff;
    for (const Step& step : sc.steps) {
        Fields actual;
        try {
            actual = runStep(engine, step);
        } catch (const std::exception& e) {
            FAIL() << GetParam() << ":" << step.line << ": cannot run '" << step.text
                   << "': " << e.what();
        }
        if (!step.expected) continue;
        ++checked;
        bool same = false;
        std::string got = actualLine(splitExpected(*step.expected), actual, same);
        if (same) continue;
        diff += GetParam() + ":" + std::to_string(step.line) + ": " + step.text + "\n" +
                "  expected: -> " + *step.expected + "\n" + "  actual:   -> " + got + "\n";
    }
    EXPECT_TRUE(diff.empty()) << diff;
    EXPECT_GT(checked, 0) << "a scenario must check something";
}

std::vector<std::string> scenarioFiles() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kGoldenDir)) {
        if (entry.path().extension() == ".scenario") names.push_back(entry.path().filename());
    }
    std::ranges::sort(names);
    return names;
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = info.param.substr(0, info.param.find('.'));
    std::ranges::replace_if(
        name, [](char c) { return !std::isalnum(c); }, '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, AGoldenScenario, ::testing::ValuesIn(scenarioFiles()),
                         testName);

TEST(GoldenScenarios, AreThereAndCoverTheCasesThatMatter) {
    auto files = scenarioFiles();
    EXPECT_GE(files.size(), 6u);
    EXPECT_NE(std::ranges::find(files, "dst-berlin-autumn.scenario"), files.end());
    EXPECT_NE(std::ranges::find(files, "late-night-across-midnight.scenario"), files.end());
}

}  // namespace
}  // namespace nocontact::policy::golden
