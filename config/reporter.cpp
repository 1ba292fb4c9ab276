// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/reporter.hpp"

#include <algorithm>

#include "base/i18n.hpp"

namespace nocontact::config {

using i18n::tr;

std::string Diagnostic::format() const {
    // "error" and "warning" stay as they are, like the position: editors and scripts read
    // FILE:LINE:COL: error: the way compilers write it.
    const char* kind = severity == Severity::Error ? "error" : "warning";
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + kind + ": " +
           message;
}

std::size_t LoadResult::errorCount() const {
    return static_cast<std::size_t>(std::count_if(
        diagnostics.begin(), diagnostics.end(),
        [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::Error; }));
}

bool ProfilesResult::ok() const {
    return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
        return d.severity == Diagnostic::Severity::Error;
    });
}

void Reporter::error(Pos at, std::string message) {
    add(Diagnostic::Severity::Error, at, std::move(message));
}

void Reporter::warning(Pos at, std::string message) {
    add(Diagnostic::Severity::Warning, at, std::move(message));
}

bool Reporter::spend(Pos at, std::size_t units) {
    work_ += units;
    if (work_ > kWorkBudget && !stopped_) {
        stop(at, tr("this file repeats too much through anchors and aliases to be read; "
                    "stopping here"));
    }
    return !stopped_;
}

void Reporter::add(Diagnostic::Severity severity, Pos at, std::string message) {
    if (stopped_) return;
    if (severity == Diagnostic::Severity::Warning) {
        // Warnings never make a good file bad: past the limit they are only no longer listed
        // (a policy of 10,000 contacts without reasons is still a policy).
        if (warnings_ == kMaxDiagnostics) {
            diagnostics_.push_back({severity, file_, at.line, at.column,
                                    tr("more warnings like these are not listed")});
        }
        if (warnings_++ >= kMaxDiagnostics) return;
    } else if (errors_ >= kMaxDiagnostics) {
        stop(at, tr("too many errors; stopping here"));
        return;
    } else {
        ++errors_;
    }
    diagnostics_.push_back({severity, file_, at.line, at.column, std::move(message)});
}

void Reporter::stop(Pos at, std::string message) {
    stopped_ = true;
    ++errors_;
    tail_.push_back({Diagnostic::Severity::Error, file_, at.line, at.column, std::move(message)});
}

std::vector<Diagnostic> Reporter::finish() {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    std::vector<Diagnostic> out = std::move(diagnostics_);
    out.insert(out.end(), tail_.begin(), tail_.end());
    diagnostics_.clear();
    tail_.clear();
    return out;
}

}  // namespace nocontact::config
