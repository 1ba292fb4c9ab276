// SPDX-License-Identifier: GPL-3.0-or-later
#include "policy/normalise.hpp"
#include "policy/phone_regions.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace nocontact::policy {
namespace {

TEST(FoldName, IgnoresCase) {
    EXPECT_EQ(foldName("ALEX"), foldName("Alex"));
    EXPECT_EQ(foldName("Alex"), "alex");
}

TEST(FoldName, IgnoresInvisibleFormattingCharacters) {
    // First-strong isolates (as some apps' translations wrap names), a zero-width space, a
    // left-to-right mark, a byte order mark, a word joiner: all invisible, none is the name.
    EXPECT_EQ(foldName("\u2068Alex\u2069"), "alex");
    EXPECT_EQ(foldName("Alex\u200b"), "alex");
    EXPECT_EQ(foldName("Alex\u200e"), "alex");
    EXPECT_EQ(foldName("\ufeffAlex"), "alex");
    EXPECT_EQ(foldName("Al\u2060ex Mor\u00adgan"), "alex morgan");
    EXPECT_EQ(foldName("\u202eAlex\u202c"), "alex");
    // Still whole names: an invisible character does not make "Alexandra" Alex.
    EXPECT_NE(foldName("\u2068Alexandra\u2069"), "alex");
}

TEST(FoldName, IgnoresAccents) {
    EXPECT_EQ(foldName("Àlex"), "alex");
    EXPECT_EQ(foldName("Zoë Ångström"), "zoe angstrom");
}

TEST(FoldName, AppliesFullCaseFolding) {
    EXPECT_EQ(foldName("STRASSE"), foldName("Straße"));
    EXPECT_EQ(foldName("ΣΊΣΥΦΟΣ"), foldName("σίσυφος"));
}

TEST(FoldName, FoldsCompatibilityForms) {
    EXPECT_EQ(foldName("Ａｌｅｘ"), "alex");  // full-width letters
    EXPECT_EQ(foldName("ﬁona"), "fiona");     // the fi ligature
}

TEST(FoldName, FoldsCyrillic) {
    EXPECT_EQ(foldName("АЛЕКСАНДРА"), foldName("александра"));
    EXPECT_EQ(foldName("Ёлка"), foldName("елка"));
    EXPECT_NE(foldName("Александра"), foldName("Alexandra"));
}

TEST(FoldName, CollapsesAndTrimsWhiteSpace) {
    EXPECT_EQ(foldName("  Alex \t  Morgan\n"), "alex morgan");
    EXPECT_EQ(foldName("Àlex\u00a0\u2003Morgan"), "alex morgan");  // no-break and em spaces
    EXPECT_EQ(foldName("   "), "");
}

TEST(FoldName, KeepsLongerNamesApart) {
    EXPECT_NE(foldName("Alexandra"), foldName("Alex"));
    EXPECT_NE(foldName("Alex Morgan"), foldName("Alex"));
}

TEST(ToE164, ReadsNationalNumbersInTheDefaultRegion) {
    for (const char* n :
         {"(415) 555-0100", "415-555-0100", "4155550100", "415.555.0100", "415 555 0100"}) {
        EXPECT_EQ(toE164(n, "US"), "+14155550100") << n;
    }
}

TEST(ToE164, ReadsInternationalNumbersInAnyRegion) {
    for (const char* n :
         {"+1 415 555 0100", "+1 (415) 555-0100", "+14155550100", "+1-415-555-0100"}) {
        EXPECT_EQ(toE164(n, "US"), "+14155550100") << n;
        EXPECT_EQ(toE164(n, "DE"), "+14155550100") << n;
    }
}

TEST(ToE164, ReadsNumbersAsPhonesAndDialersWriteThem) {
    for (const char* n : {"tel:+1-415-555-0100", "TEL:+14155550100;phone-context=example.com",
                          "+1\u00a0415\u00a0555\u00a00100",            // no-break spaces
                          "\u202a+1 415-555-0100\u202c",               // Android's direction marks
                          "+1\u2011415\u2011555\u20110100",            // non-breaking hyphens
                          "\uff0b\uff11 \uff14\uff11\uff15 555 0100",  // full-width
                          "  (415)\u202f555\u20130100  ", "1 (415) 555-0100"}) {
        EXPECT_EQ(toE164(n, "US"), "+14155550100") << n;
        EXPECT_TRUE(looksLikePhoneNumber(n)) << n;
    }
    EXPECT_NE(toE164("0049 30 123456", "US"), "+4930123456");  // 00 is not the way out in the US
    EXPECT_EQ(toE164("0049 30 123456", "DE"), "+4930123456");
    EXPECT_EQ(toE164("011 49 30 123456", "US"), "+4930123456");
}

TEST(ToE164, ReadsDigitsOfAnyScriptAndALocalNumbersContext) {
    // Arabic-Indic and Persian digits, as phones in those locales show them.
    EXPECT_EQ(toE164("\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0660\u0660", "US"),
              "+14155550100");
    EXPECT_EQ(
        toE164("+\u06f1 \u06f4\u06f1\u06f5 \u06f5\u06f5\u06f5 \u06f0\u06f1\u06f0\u06f0", "DE"),
        "+14155550100");
    EXPECT_EQ(toE164("tel:555-0100;phone-context=+1415", "DE"), "+14155550100");
}

TEST(PlainNumber, KeepsOtherTextFromLookingLikeANumber) {
    EXPECT_FALSE(
        looksLikePhoneNumber("\xc0\xb0"
                             "4155550100"));  // an overlong '0'
    EXPECT_FALSE(
        looksLikePhoneNumber("\xed\xa0\x80"
                             "4155550100"));  // a surrogate
    EXPECT_FALSE(looksLikePhoneNumber("4155550100\u00e9"));
    EXPECT_FALSE(
        looksLikePhoneNumber("\xff\xfe"
                             "12345"));  // broken UTF-8
    EXPECT_EQ(plainNumber("\u200e"), "");
    EXPECT_EQ(plainNumber("tel:"), "");
}

TEST(ToE164, UsesTheRegionForNationalNumbers) {
    EXPECT_EQ(toE164("030 123456", "DE"), "+4930123456");
    EXPECT_EQ(toE164("07700 900123", "GB"), "+447700900123");
    EXPECT_NE(toE164("030 123456", "DE"), toE164("030 123456", "US"));
}

TEST(ToE164, RefusesTextThatIsNotANumber) {
    EXPECT_EQ(toE164("Alex Morgan", "US"), std::nullopt);
    EXPECT_EQ(toE164("12", "US"), std::nullopt);
    EXPECT_EQ(toE164("", "US"), std::nullopt);
    EXPECT_EQ(toE164("4155550100", "ZZ"), std::nullopt);  // no region for a national number
}

TEST(IsValidNumber, TellsAssignedRangesFromMadeUpOnes) {
    EXPECT_TRUE(isValidNumber("+14155552671"));
    EXPECT_FALSE(isValidNumber("+10005550100"));  // US area codes never start with 0
    EXPECT_FALSE(isValidNumber("not a number"));
}

TEST(ReadPolicyNumber, SaysWhatToE164AndIsValidNumberSay) {
    for (auto [text, region] : {std::pair{"+1 415 555 2671", "US"},
                                {"(415) 555-2671", "US"},
                                {"+1 000 555 0100", "US"},
                                {"030 123456", "DE"},
                                {"tel:+44-7700-900123", "GB"},
                                {"Alex Morgan", "US"},
                                {"4155550100", "ZZ"},
                                {"12", "US"}}) {
        for (int twice = 0; twice < 2; ++twice) {  // the second answer is the remembered one
            const auto number = readPolicyNumber(text, region);
            const auto e164 = toE164(text, region);
            ASSERT_EQ(number.has_value(), e164.has_value()) << text;
            if (!number) continue;
            EXPECT_EQ(number->e164, *e164) << text;
            EXPECT_EQ(number->valid, isValidNumber(*e164)) << text;
        }
    }
}

TEST(ReadPolicyNumber, RemembersPerRegion) {
    ASSERT_TRUE(readPolicyNumber("030 123456", "DE"));
    EXPECT_EQ(readPolicyNumber("030 123456", "DE")->e164, "+4930123456");
    EXPECT_FALSE(readPolicyNumber("030 123456", "US"));  // as toE164: not a US number
}

TEST(IsPlainE164, AcceptsOnlyWhatToE164Writes) {
    EXPECT_TRUE(isPlainE164("+14155552671"));
    EXPECT_TRUE(isPlainE164(*toE164("+44 20 7946 0958", "GB")));
    EXPECT_FALSE(isPlainE164("+1 415 555 2671"));
    EXPECT_FALSE(isPlainE164("14155552671"));
    EXPECT_FALSE(isPlainE164("+04155552671"));
    EXPECT_FALSE(isPlainE164("+123456"));            // too short for any country
    EXPECT_FALSE(isPlainE164("+1234567890123456"));  // longer than E.164 allows
}

TEST(IsKnownRegion, KnowsCountryCodes) {
    EXPECT_TRUE(isKnownRegion("US"));
    EXPECT_TRUE(isKnownRegion("DE"));
    EXPECT_FALSE(isKnownRegion("XX"));
    EXPECT_FALSE(isKnownRegion("us"));
    EXPECT_FALSE(isKnownRegion(""));
}

// The regions known without loading libphonenumber must all be libphonenumber's own: a policy
// whose region is accepted that way must read its numbers in that region too.
TEST(IsKnownRegion, KnowsWithoutLibphonenumberOnlyWhatLibphonenumberKnows) {
    std::vector<std::string> known = phoneRegions();
    ASSERT_GT(known.size(), 200u) << "libphonenumber (nocontact-phone.so) did not answer";
    std::vector<std::string_view> built_in = builtInRegions();
    ASSERT_TRUE(std::is_sorted(built_in.begin(), built_in.end()));
    for (std::string_view region : built_in)
        EXPECT_TRUE(std::binary_search(known.begin(), known.end(), std::string(region))) << region;
}

TEST(LooksLikePhoneNumber, AcceptsNumberPunctuationOnly) {
    EXPECT_TRUE(looksLikePhoneNumber("+1 (415) 555-0100"));
    EXPECT_TRUE(looksLikePhoneNumber("415.555.0100"));
    EXPECT_TRUE(looksLikePhoneNumber("12345"));
    EXPECT_FALSE(looksLikePhoneNumber("1234"));
    EXPECT_FALSE(looksLikePhoneNumber("Alex 4155550100"));
    EXPECT_FALSE(looksLikePhoneNumber("alex.m@example.com"));
    EXPECT_FALSE(looksLikePhoneNumber(""));
}

TEST(LowerAscii, LowersOnlyAscii) {
    EXPECT_EQ(lowerAscii("Alex.M@Example.COM"), "alex.m@example.com");
    EXPECT_EQ(lowerAscii("ÀB"), "Àb");
}

}  // namespace
}  // namespace nocontact::policy
