// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one door from the pure core to ICU and libphonenumber. Everything else in policy/ uses
// the standard library only.

#include <optional>
#include <string>
#include <string_view>

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

// Whether libphonenumber knows the region code ("US", "DE").
bool isKnownRegion(std::string_view region);

// A cheap test, without libphonenumber, that a text could be a phone number: only digits,
// spaces and + ( ) - . /, with at least five digits.
bool looksLikePhoneNumber(std::string_view text);

// ASCII lower-casing for e-mail addresses and handles.
std::string lowerAscii(std::string_view s);

}  // namespace nocontact::policy
