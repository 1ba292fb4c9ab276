// SPDX-License-Identifier: GPL-3.0-or-later
// Where the Keeper's journal lives: on disk, or in memory while the disk cannot take a write
// (full, read-only), with the disk tried again now and then until the journal is back there.
#include <glib.h>

#include <stdexcept>
#include <utility>

#include "base/i18n.hpp"
#include "daemon/keeper.hpp"
#include "daemon/log.hpp"
#include "daemon/strings.hpp"

namespace nocontact::daemon {

void Keeper::openJournal(const std::filesystem::path& state_dir) {
    auto now = clock_.now().utc;
    auto opened = JournalStore::open(state_dir, now);
    if (!opened.store && opened.error && cannotWrite(*opened.error)) {
        log::detail(log::Priority::Warning,
                    "The journal cannot be written; it is kept in memory until it can",
                    opened.error->message);
        opened = JournalStore::openInMemory(state_dir, *opened.error);
    }
    if (!opened.store) {
        throw std::runtime_error("the journal in " + state_dir.string() + " cannot be opened: " +
                                 opened.error.value_or(StoreError{}).message);
    }
    if (opened.moved_aside) {
        set_aside_ = JournalSetAside{*opened.moved_aside, opened.salvaged};
        log::detail(log::Priority::Warning,
                    "The journal could not be read whole; it was kept aside and a new one started "
                    "with what could still be read",
                    opened.moved_aside->string());
    }
    store_ = std::move(opened.store);
    store_->useClock(clock_);
    store_->onMovedToMemory([this] { journalMoved(); });
    store_->onSetAside(
        [this](const auto& file, const Salvaged& saved) { journalDamaged(file, saved); });
    // Copying the log into the file can take milliseconds (and an fsync): not inside the commit
    // that sits between a message reaching the screen and its withholding call.
    store_->onCheckpointDue([this] {
        present(
            [this] {
                if (!store_->checkpoint())
                    log::write(log::Priority::Warning, "The journal could not be checkpointed");
            },
            true);
    });
    if (store_->inMemory()) journalMoved();
}

JournalPlace Keeper::journalPlace() const {
    return {.in_memory = store_->inMemory(),
            .why = store_->trouble(),
            .kept_in_memory = store_->heldInMemory()};
}

void Keeper::journalMoved() {
    last_try_us_ = clock_.monotonicUsec();
    last_refusal_.clear();
    if (!retry_timer_) retryLater();
    // From the loop's next turn: this runs inside the write that failed, before the withholding
    // call of the message being kept (and before that write is done again in memory).
    if (on_journal_) present([this] { on_journal_(journalPlace()); }, true);
}

void Keeper::journalDamaged(const std::optional<std::filesystem::path>& file,
                            const Salvaged& saved) {
    if (!file) {
        log::write(log::Priority::Error,
                   "The journal is damaged and could not be kept aside; it goes on in memory");
        return;
    }
    log::detail(log::Priority::Error,
                "The journal is damaged; it was kept aside and a new one started with what could "
                "still be read",
                file->string());
    set_aside_ = JournalSetAside{*file, saved};
    // From the loop's next turn: this runs inside the call that found the damage, before the
    // withholding call of the message being kept.
    if (on_set_aside_) present([this] { on_set_aside_(*set_aside_); }, true);
}

void Keeper::tryDiskSoon() {
    const std::int64_t since = clock_.monotonicUsec() - last_try_us_;
    if (since < std::chrono::microseconds(retry_).count()) return;
    last_try_us_ = clock_.monotonicUsec();  // one try, however many messages come meanwhile
    present([this] { tryDisk(); }, true);
}

void Keeper::retryLater() {
    retry_timer_ = timer_.after(retry_, [this] {
        retry_timer_ = 0;
        tryDisk();
        if (store_->inMemory() && !retry_timer_) retryLater();  // until the journal is on disk
    });
}

void Keeper::tryDisk() {
    if (!store_->inMemory()) return;
    last_try_us_ = clock_.monotonicUsec();
    const std::size_t kept = store_->heldInMemory();
    Status back = store_->backToDisk(clock_.now().utc);
    if (!back) {
        // Said once per reason: the person was told already, the log need not repeat it.
        const std::string& why = back.error.value_or(StoreError{}).message;
        if (why != last_refusal_) {
            last_refusal_ = why;
            log::detail(log::Priority::Info, "The journal still cannot go back to disk", why);
        }
        return;
    }
    timer_.cancel(std::exchange(retry_timer_, 0));
    if (on_journal_) on_journal_({.in_memory = false, .kept_in_memory = kept});
}

void Keeper::leaveMemory() {
    if (!store_->inMemory()) return;
    const std::size_t kept = store_->heldInMemory();
    if (store_->backToDisk(clock_.now().utc)) {
        log::write(log::Priority::Notice, "The journal went back to disk as nocontactd stopped");
        return;
    }
    giveBackUnsaved(kept);
}

// Stopping with messages that exist nowhere but in memory: rather than lose them, they go back
// on screen as they came (the server keeps them in its history), and the person is told why.
void Keeper::giveBackUnsaved(std::size_t kept) {
    auto waiting = store_->waitingOnlyInMemory();
    const std::size_t back = waiting ? waiting.value->size() : 0;
    if (waiting) {
        for (const HeldMessage& m : *waiting.value)
            pause_->repost({m.app_name, m.app_icon, m.summary, m.body, m.desktop_entry});
    }
    log::detail(log::Priority::Warning,
                "nocontactd stopped while its journal was in memory and the disk still could not "
                "take it; messages kept since then, and of them given back to the screen (the "
                "others wait in the keep log for the next start, or were read or let go)",
                std::to_string(kept) + ", " + std::to_string(back));
    if (back == 0) return;
    NotificationContent notice{.app_name = kPauseAppName,
                               .summary = i18n::tr(strings::kGivenBackSummary),
                               .body = strings::givenBackBody(back)};
    notifier_.post(notice);
}

JournalStore& Keeper::journal() {
    recordPending();
    return *store_;
}

void Keeper::recordSoon(EventRow row) {
    pending_.push_back(std::move(row));
    if (pending_timer_) return;
    pending_timer_ = g_timeout_add(
        static_cast<guint>(kEventsWithin.count()),
        [](gpointer self) -> gboolean {
            auto* keeper = static_cast<Keeper*>(self);
            keeper->pending_timer_ = 0;
            keeper->recordPending();
            return G_SOURCE_REMOVE;
        },
        this);
}

void Keeper::recordPending() {
    if (pending_.empty()) return;
    std::vector<EventRow> rows = std::move(pending_);
    pending_.clear();
    if (!store_->recordEvents(rows))
        log::write(log::Priority::Warning, "The journal did not take an event");
}

}  // namespace nocontact::daemon
