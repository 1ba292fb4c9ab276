// SPDX-License-Identifier: GPL-3.0-or-later
// The journal kept in memory while its folder cannot be written: the person is told once when
// it goes there and once when it is back on disk, and Status says where it is.
#include "base/i18n.hpp"
#include "daemon/daemon.hpp"
#include "daemon/daemon_impl.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

namespace {

const char* troubleName(DiskTrouble why) {
    switch (why) {
        case DiskTrouble::Full:
            return "full";
        case DiskTrouble::ReadOnly:
            return "read-only";
        case DiskTrouble::Unwritable:
            break;
    }
    return "unwritable";
}

}  // namespace

void Daemon::watchJournal() {
    if (!impl_->keeper) return;
    impl_->keeper->onJournalPlace(
        [this](const JournalPlace& place) { journalPlaceChanged(place); });
    // In memory from the start (a read-only folder): told now that there is a server to tell.
    if (impl_->keeper->journalPlace().in_memory) journalPlaceChanged(impl_->keeper->journalPlace());
    // An unreadable or damaged journal was set aside, at start or later: nothing was deleted,
    // and the person knows where it is and what the new one holds of it.
    impl_->keeper->onJournalSetAside([this](const JournalSetAside& aside) { tellSetAside(aside); });
    if (const auto& aside = impl_->keeper->journalSetAside()) tellSetAside(*aside);
}

void Daemon::tellSetAside(const JournalSetAside& aside) {
    const Salvaged& saved = aside.saved;
    log::detail(log::Priority::Notice,
                "Kept from the journal set aside: rows, waiting messages, read whole",
                std::to_string(saved.rows) + ", " + std::to_string(saved.waiting) + ", " +
                    (saved.whole ? "yes" : "no"));
    tellUser(i18n::tr(strings::kJournalSetAsideSummary),
             strings::journalSetAsideBody(aside.file.filename().string()) + " " +
                 strings::journalSalvagedBody(saved.rows > 0, saved.whole, saved.waiting));
}

void Daemon::journalPlaceChanged(const JournalPlace& place) {
    // A nearly full disk can take the journal back and refuse the next write: told once in a
    // while, not at every turn.
    constexpr std::int64_t kRetellAfterUs = 10LL * 60 * 1'000'000;
    const std::int64_t now = impl_->clock->monotonicUsec();
    if (place.in_memory) {
        log::detail(log::Priority::Warning,
                    "The journal cannot be saved to its folder; held messages are kept in memory "
                    "until it can. Reason",
                    troubleName(place.why));
        if (impl_->told_memory_us != 0 && now - impl_->told_memory_us < kRetellAfterUs) return;
        impl_->told_memory_us = now;
        impl_->told_memory = true;
        tellUser(i18n::tr(strings::kJournalInMemorySummary),
                 strings::journalInMemoryBody(place.why));
        return;
    }
    log::detail(log::Priority::Notice,
                "The journal is saved to its folder again; messages kept in memory meanwhile",
                std::to_string(place.kept_in_memory));
    if (!impl_->told_memory) return;  // the going went unsaid: so does the coming back
    impl_->told_memory = false;
    tellUser(i18n::tr(strings::kJournalBackSummary),
             strings::journalBackBody(place.kept_in_memory));
}

JournalStatus Daemon::journalStatus() const {
    JournalStatus status;
    if (!impl_->keeper) return status;
    const JournalPlace place = impl_->keeper->journalPlace();
    status.place = place.in_memory ? JournalStatus::Place::Memory : JournalStatus::Place::Disk;
    if (place.in_memory) status.trouble = troubleName(place.why);
    status.kept_in_memory = static_cast<std::uint32_t>(place.kept_in_memory);
    if (const auto& aside = impl_->keeper->journalSetAside())
        status.set_aside = aside->file.string();
    return status;
}

}  // namespace nocontact::daemon
