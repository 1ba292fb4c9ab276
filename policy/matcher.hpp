// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/event.hpp"
#include "policy/policy.hpp"
#include "policy/words.hpp"

namespace nocontact::policy {

// Who an event is from, and by what it was recognised (the name 'Alex Morgan').
struct Match {
    enum class By { Name, Number, Email, Handle };
    std::size_t contact = 0;  // index into Policy::contacts
    By by = By::Name;
    std::string value;    // the name as written, the E.164 number, the address or the handle
    std::string service;  // the handle's service
};

// "Recognised by name 'Alex Morgan'.": the sentence the why line ends with, one whole
// sentence per kind of match so that a translation can say each its own way.
std::string recognisedBy(const Match& m, const Words& words = {});

// Finds the contact an event is from, through hash indexes built once per policy: folded
// names, E.164 numbers, lower-case e-mails and service-qualified handles. Cost does not grow
// with the number of contacts.
class Matcher {
  public:
    Matcher() = default;
    explicit Matcher(const Policy& policy);

    std::optional<Match> match(const Event& event) const;
    // The contact with exactly this configured name (for CLI verbs), case-insensitively.
    std::optional<std::size_t> byContactName(std::string_view name) const;

  private:
    std::optional<Match> matchSender(const Event& event) const;
    std::optional<Match> matchIdentifier(const Identifier& id, const std::string& service) const;

    std::string region_;
    std::unordered_map<std::string, std::size_t> names_, phones_, emails_, handles_, contact_names_;
};

}  // namespace nocontact::policy
