// SPDX-License-Identifier: GPL-3.0-or-later
// The sentences the core builds are in the words the edge gives it: each piece is looked up,
// so a translation sees every one (here a pseudo-translation marks each with brackets).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine_fixtures.hpp"
#include "policy/words.hpp"

namespace nocontact::policy {
namespace {

using namespace testing;

const char* bracketed(const char* english) {
    static std::map<std::string, std::string> made;
    auto [it, _] = made.try_emplace(english, std::string("[") + english + "]");
    return it->second.c_str();
}

Policy firmWithLateNights() {
    Policy p = policyWith(alex(Level::Firm));
    p.schedules.push_back(lateNight());
    return p;
}

TEST(TheCoresSentences, AreEachLookedUpInTheWordsGiven) {
    Engine engine(firmWithLateNights());
    engine.useWords({.tr = &bracketed});
    Explained ex = engine.explain(0, momentAt("2026-11-27T23:10"));
    EXPECT_EQ(ex.why,
              "[Alex: [firm (policy)]][, raised to strict by 'late night' until [tomorrow 06:00]].")
        << "each piece looked up, its placeholders filled after";
}

TEST(TheCoresSentences, FillTheTranslationsPlaceholders) {
    Engine engine(firmWithLateNights());
    engine.useWords({.tr = &bracketed});
    Decision d = engine.handle(eventFrom("Someone Else"), momentAt("2026-11-27T12:00"));
    EXPECT_EQ(d.why, "[Not from anyone in your policy.]");
}

// A translation that knows one sentence, the way a translator's catalogue has it.
const char* germanRecognised(const char* english) {
    return std::string_view(english) == "Recognised by name '{name}'."
               ? "Erkannt am Namen '{name}'."
               : english;
}

TEST(TheCoresSentences, SayWhatAContactWasRecognisedByAsOneSentence) {
    Engine engine(firmWithLateNights());
    engine.useWords({.tr = &germanRecognised});
    Decision d = engine.handle(eventFrom("Alex Morgan"), momentAt("2026-11-27T12:00"));
    EXPECT_TRUE(d.why.ends_with(" Erkannt am Namen 'Alex Morgan'.")) << d.why;
}

TEST(TheCoresSentences, AreEnglishWithoutWords) {
    EXPECT_EQ(fillIn("{a} and {b}, {c}", {{"a", "one"}, {"b", "two"}}), "one and two, {c}");
    Engine engine(firmWithLateNights());
    EXPECT_EQ(engine.explain(0, momentAt("2026-11-27T23:10")).why,
              "Alex: firm (policy), raised to strict by 'late night' until tomorrow 06:00.");
}

}  // namespace
}  // namespace nocontact::policy
