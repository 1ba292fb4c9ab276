// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace nocontact::config {

// A 1-based position in a file.
struct Pos {
    int line = 1;
    int column = 1;
};

// Collects the diagnostics of one file. It stops after kMaxDiagnostics errors (warnings past that
// many are counted but not listed, and never stop anything), and it keeps
// a work budget so that alias-heavy files (one node referenced a million times) cannot make the
// loader copy or compile the same thing without end.
class Reporter {
  public:
    // A person can act on a hundred messages; beyond that more only hides the first ones.
    static constexpr std::size_t kMaxDiagnostics = 100;
    // Nodes read, plus the weight of compiled patterns. A 1 MiB policy written out in full has
    // far fewer; only aliases repeating large lists reach it.
    static constexpr std::size_t kWorkBudget = 2'000'000;

    explicit Reporter(std::string file) : file_(std::move(file)) {}

    void error(Pos at, std::string message);
    void warning(Pos at, std::string message);

    // Charges `units` of work; false (and one error) once the budget is spent.
    bool spend(Pos at, std::size_t units = 1);

    // True when reading should stop: too many diagnostics or the budget is spent.
    bool stopped() const { return stopped_; }
    std::size_t errorCount() const { return errors_; }

    // The diagnostics in file order; the "stopping here" note, if any, comes last.
    std::vector<Diagnostic> finish();

  private:
    void add(Diagnostic::Severity severity, Pos at, std::string message);
    void stop(Pos at, std::string message);

    std::string file_;
    std::vector<Diagnostic> diagnostics_;
    std::vector<Diagnostic> tail_;
    std::size_t errors_ = 0;
    std::size_t warnings_ = 0;
    std::size_t work_ = 0;
    bool stopped_ = false;
};

}  // namespace nocontact::config
