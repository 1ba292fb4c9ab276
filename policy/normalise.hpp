// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one door from the pure core to ICU and libphonenumber. Everything else in policy/ uses
// the standard library only.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nocontact::policy {

// A name folded for comparison: Unicode compatibility decomposition, combining marks removed,
// full case folding, runs of white space collapsed to one space, trimmed. "Àlex  MORGAN" and
// "alex morgan" fold alike; "Alexandra" does not fold to "alex".
std::string foldName(std::string_view utf8);

// A number as apps and phones write it, made plain for parsing: a "tel:" prefix and its
// parameters dropped, Unicode spaces (no-break, narrow, thin...) made ASCII spaces, Unicode
// dashes and minus made '-', full-width digits and plus made ASCII, direction marks (Android
// wraps numbers in them) removed, trimmed. toE164 and looksLikePhoneNumber both use it.
std::string plainNumber(std::string_view text);

// The number in E.164 ("+14155550100"), reading numbers without a country code in `region`
// (ISO 3166 alpha-2). nullopt when libphonenumber cannot parse it or it is not a possible number.
std::optional<std::string> toE164(std::string_view number, std::string_view region);

// Whether libphonenumber would accept `number` as a valid (assigned-range) number.
bool isValidNumber(std::string_view e164);

// A number from the policy, read once: its E.164 form and whether it is valid (in an assigned
// range), as toE164 and isValidNumber would say, from one parse. Answers are remembered for the
// next reload (a parse costs tens of microseconds; a policy of thousands of numbers is read
// again on every save): those of the last policy read ahead (rememberPolicyNumbers), and at
// most kRememberedNumbers in all.
struct PolicyNumber {
    std::string e164;
    bool valid = false;
};
std::optional<PolicyNumber> readPolicyNumber(std::string_view number, std::string_view region);
// A bound, whatever is read: a few megabytes at most (keys are short), more numbers than a
// policy of real contacts holds.
inline constexpr std::size_t kRememberedNumbers = 65'536;
// Reads `numbers` as readPolicyNumber does, on up to two threads, so that the reader finds them
// remembered, and forgets the numbers of earlier policies: a policy of a thousand numbers is
// read in half the time on a machine with two cores. libphonenumber's parser is thread-safe.
void rememberPolicyNumbers(const std::vector<std::string_view>& numbers, std::string_view region);
// Makes libphonenumber read its metadata now (a few milliseconds, once per process), so that it
// can happen on another thread while the policy's YAML is parsed.
void prepareNumbers();

// Whether `text` is already in the E.164 form toE164 writes: '+', then 7 to 15 digits, the
// first not 0. Such a number needs no parse to be looked up.
bool isPlainE164(std::string_view text);

// Whether libphonenumber knows the region code ("US", "DE"). The usual codes are known without
// loading libphonenumber (see policy/phone_module.hpp).
bool isKnownRegion(std::string_view region);
// The regions libphonenumber knows, as it says (empty when it cannot be loaded).
std::vector<std::string> phoneRegions();
// Why numbers cannot be read on this computer (libphonenumber's module would not load), or empty.
std::string phoneTrouble();

// A cheap test, without libphonenumber, that a text could be a phone number: only digits,
// spaces and + ( ) - . /, with at least five digits.
bool looksLikePhoneNumber(std::string_view text);

// ASCII lower-casing for e-mail addresses and handles.
std::string lowerAscii(std::string_view s);

}  // namespace nocontact::policy
