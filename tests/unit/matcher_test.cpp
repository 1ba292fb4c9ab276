// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/matcher.hpp"

#include <gtest/gtest.h>

namespace nocontact::policy {
namespace {

Policy policyWithAlex() {
    Policy p;
    p.defaults.region = "US";
    Contact alex;
    alex.name = "Alex";
    alex.names = {"Alex Morgan", "Àlex"};
    alex.phones = {"+14155550100"};
    alex.emails = {"alex.m@example.com"};
    alex.handles = {{"telegram", {"@alexm"}}, {"matrix", {"@alex:matrix.org"}}};
    Contact robin;
    robin.name = "Robin";
    robin.names = {"Robin Park"};
    robin.phones = {"+4930123456"};
    p.contacts = {alex, robin};
    return p;
}

Event from(std::string sender, std::string service = "") {
    Event e;
    e.sender = std::move(sender);
    e.service = std::move(service);
    return e;
}

class TheMatcher : public ::testing::Test {
  protected:
    Matcher matcher_{policyWithAlex()};

    std::optional<std::size_t> who(const Event& e) const {
        auto m = matcher_.match(e);
        return m ? std::optional<std::size_t>(m->contact) : std::nullopt;
    }
};

TEST_F(TheMatcher, MatchesWholeNamesIgnoringCaseAccentsAndSpacing) {
    EXPECT_EQ(who(from("Alex Morgan")), 0u);
    EXPECT_EQ(who(from("ALEX   MORGAN")), 0u);
    EXPECT_EQ(who(from("alex")), 0u);  // "Àlex" is one of the names
    EXPECT_EQ(who(from("Robin Park")), 1u);
    EXPECT_EQ(recognisedBy(*matcher_.match(from("Alex Morgan"))),
              "Recognised by name 'Alex Morgan'.");
}

TEST_F(TheMatcher, DoesNotMatchLongerOrDifferentNames) {
    EXPECT_EQ(who(from("Alexandra")), std::nullopt);
    EXPECT_EQ(who(from("Alex Morganson")), std::nullopt);
    EXPECT_EQ(who(from("Sam Rivera")), std::nullopt);
    EXPECT_EQ(who(from("")), std::nullopt);
}

TEST_F(TheMatcher, NeverMatchesANameMentionedInAMessage) {
    Event e = from("Sam Rivera");
    e.chat = "Family Chat";
    e.text = "did Alex text you? Alex Morgan said so";
    EXPECT_EQ(who(e), std::nullopt);
    EXPECT_EQ(who(from("Sam Rivera: did Alex text you?")), std::nullopt);
}

TEST_F(TheMatcher, MatchesNumbersInAnyFormat) {
    for (const char* n : {"(415) 555-0100", "415-555-0100", "+1 415 555 0100", "4155550100",
                          "+1 (415) 555-0100", "+14155550100"}) {
        EXPECT_EQ(who(from(n)), 0u) << n;
    }
    EXPECT_EQ(recognisedBy(*matcher_.match(from("(415) 555-0100"))),
              "Recognised by number +14155550100.");
    EXPECT_EQ(who(from("+49 30 123456")), 1u);
    EXPECT_EQ(who(from("(415) 555-0199")), std::nullopt);
}

TEST_F(TheMatcher, MatchesNumbersCarriedAsIdentifiers) {
    Event e = from("Unknown");
    e.identifiers = {{Identifier::Type::Phone, "415.555.0100", {}}};
    EXPECT_EQ(who(e), 0u);
}

TEST_F(TheMatcher, MatchesEmailAddressesIgnoringCase) {
    EXPECT_EQ(who(from("Alex.M@Example.com")), 0u);
    EXPECT_EQ(recognisedBy(*matcher_.match(from("Alex.M@Example.com"))),
              "Recognised by e-mail alex.m@example.com.");
    Event e = from("");
    e.identifiers = {{Identifier::Type::Email, "ALEX.M@EXAMPLE.COM", {}}};
    EXPECT_EQ(who(e), 0u);
    EXPECT_EQ(who(from("alex.n@example.com")), std::nullopt);
}

TEST_F(TheMatcher, MatchesHandlesOnlyWithinTheirService) {
    EXPECT_EQ(who(from("@alex:matrix.org", "matrix")), 0u);
    EXPECT_EQ(recognisedBy(*matcher_.match(from("@alex:matrix.org", "matrix"))),
              "Recognised by matrix handle @alex:matrix.org.");
    EXPECT_EQ(who(from("@AlexM", "telegram")), 0u);
    EXPECT_EQ(who(from("@alexm", "matrix")), std::nullopt);
    EXPECT_EQ(who(from("@alexm")), std::nullopt);

    Event e = from("Alex M.", "signal");
    e.identifiers = {{Identifier::Type::Handle, "alexm", "telegram"}};
    EXPECT_EQ(who(e), 0u);
}

TEST_F(TheMatcher, FindsContactsByTheirConfiguredNameIgnoringCase) {
    EXPECT_EQ(matcher_.byContactName("alex"), 0u);
    EXPECT_EQ(matcher_.byContactName("ROBIN"), 1u);
    EXPECT_EQ(matcher_.byContactName("Alex Morgan"), std::nullopt);
}

TEST(AnEmptyMatcher, MatchesNobody) {
    Matcher m;
    EXPECT_EQ(m.match(from("Alex Morgan")), std::nullopt);
    EXPECT_EQ(m.byContactName("Alex"), std::nullopt);
}

}  // namespace
}  // namespace nocontact::policy
