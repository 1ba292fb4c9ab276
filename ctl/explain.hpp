// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>

#include "policy/engine.hpp"
#include "policy/profile.hpp"
#include "policy/time.hpp"

namespace nocontact::ctl {

// Judges notifications the way the daemon would, for people asking "why was this held?" and
// for the corpus tests. Reads JSON lines (the fixtures' format) and writes one JSON line each:
// {"id","app","sender","contact","level","action","why"} (plus "kind" and "actions").
class Explainer {
  public:
    enum class Format { Json, Text };

    Explainer(policy::Policy policy, policy::Profiles profiles);

    // One verdict line for one input line; a malformed line gets {"id":null,"error":…}.
    std::string explainLine(std::string_view line, const policy::Moment& now, bool& ok,
                            Format format = Format::Json);
    // Every line of `in`; returns the number of malformed lines.
    int run(std::istream& in, std::ostream& out, const policy::Moment& now,
            Format format = Format::Json);

    const policy::Profiles& profiles() const { return profiles_; }
    policy::Engine& engine() { return engine_; }

  private:
    policy::Profiles profiles_;
    policy::Engine engine_;
};

}  // namespace nocontact::ctl
