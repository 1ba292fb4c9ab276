// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/journal/store.hpp"
#include "daemon/pause/libnotify_notifier.hpp"
#include "daemon/pause/pause.hpp"
#include "daemon/timer.hpp"
#include "dbus/observed.hpp"
#include "policy/engine.hpp"

typedef struct _GDBusConnection _GDBusConnection;

namespace nocontact::daemon {

// Where the journal is kept, as the person is told about it.
struct JournalPlace {
    bool in_memory = false;
    DiskTrouble why = DiskTrouble::Unwritable;  // while in memory
    std::size_t kept_in_memory = 0;             // messages kept in memory since it left the disk
};

// A journal file set aside as unreadable or damaged (at start, or found so while running), and
// what could still be read from it into the journal that took its place.
struct JournalSetAside {
    std::filesystem::path file{};
    Salvaged saved{};
};

// How often the disk is tried again while the journal is in memory: soon enough after space is
// freed or the folder is writable again, and cheap (one open of the file, then a copy when it
// works). No timer runs while the journal is on disk.
inline constexpr std::chrono::seconds kJournalRetry{30};

// How often messages let go long enough ago are forgotten while nocontactd runs for weeks: an
// hour past their 30 days is soon enough, and the purge is one indexed delete.
inline constexpr std::chrono::seconds kPurgeEvery{3600};

// How long a withheld message's event may wait to be written with the events after it (and the
// message, in the keep log meanwhile, to be taken into the journal).
inline constexpr std::chrono::milliseconds kEventsWithin{1000};

// What happens to a message once the engine has decided about it: a withheld message is kept
// in the journal (on disk before anything else happens), a pause is opened when the level asks
// for one, a gentle nudge follows at `gentle`, and the person's choice is carried out and
// recorded. Every decision about a contact is journaled, without text.
class Keeper {
  public:
    // Opens the journal in `state_dir`; when the folder cannot be written (full, read-only), the
    // journal is kept in memory and the disk tried again every `retry`. Throws
    // std::runtime_error with a readable message when the journal cannot be kept at all.
    // Every time it reads or records comes from `clock`; its waits (the retry, the purge) are
    // `timer`'s.
    explicit Keeper(const std::filesystem::path& state_dir,
                    std::chrono::seconds retry = kJournalRetry, const Clock& clock = systemClock(),
                    Timer& timer = loopTimer());
    ~Keeper();
    Keeper(const Keeper&) = delete;
    Keeper& operator=(const Keeper&) = delete;

    // Acts on one decision about `contact` (an index into `engine`'s policy). False when a
    // message to withhold could be kept nowhere, not even in memory (it should then stay on
    // screen). With `show_later`, a nudge or pause is posted from the loop's next turn, after
    // the caller has answered (Decide: GNOME Shell waits for that answer before it shows
    // anything).
    bool keep(const policy::Engine& engine, const dbus::Observed& observed,
              const policy::Event& event, const policy::Decision& decision,
              bool show_later = false);
    // keep() in two steps, for a message kept before it is taken off the screen: store() keeps
    // it, show() posts the nudge or pause it asked for (`later`: from the loop's next turn).
    struct Kept {
        bool ok = false;  // false: a message to withhold could be kept nowhere
        std::function<void()> nudge, pause;
    };
    Kept store(const policy::Engine& engine, const dbus::Observed& observed,
               const policy::Event& event, const policy::Decision& decision);
    void show(Kept& kept, bool later);

    // After a start (a restart, a crash): messages that were waiting behind a pause get their
    // pause again, one per contact, for contacts still at `pause`.
    void reoffer(const policy::Engine& engine);

    // A digest time: every message still waiting (held or "later") is offered again behind a
    // pause, one per contact — except for contacts at `strict`, whose messages only
    // `nocontactctl read` reaches.
    void offerDigest(const policy::Engine& engine);

    // Temporary changes, kept so they survive a restart.
    void saveOverride(const policy::Override& change);
    // Forgets the person's change for `contact`; "" forgets the snooze.
    void removeOverride(const std::string& contact);
    std::vector<policy::Override> overrides();
    // The day one of a final straw, kept so it survives a later change of level and a restart.
    void saveFinalStraw(const std::string& contact, const policy::FinalStrawDay& day);
    std::vector<std::pair<std::string, policy::FinalStrawDay>> finalStraws();
    void addNote(const std::string& contact, const std::string& text);
    // The person's change (`change`: soften, harden, final-straw, snooze, reset, snooze-end),
    // as a fact in the journal, with when it ends (none: until they change it) and the note
    // they gave with it, in the same row so the two are never told apart. `at` is the moment
    // the end was counted from, so the journal's duration is exactly the one asked for.
    void recordChange(policy::SysTime at, const std::string& contact, const std::string& change,
                      const std::string& level, std::optional<policy::SysTime> until = {},
                      const std::string& note = {});
    // The person reaching for a messaging app (`unit`, of profile `app_id`, `app` as a person
    // knows it): journaled as an outgoing event, then a nudge or a pause before it opens, as
    // `decision` asks. `frozen`: the app waits, frozen, for the answer.
    void reach(const policy::Engine& engine, const std::string& unit, const std::string& app_id,
               const std::string& app, const policy::Decision& decision, bool frozen);
    // A call from or to the contact (`source`: gnome_calls, modemmanager, kdeconnect; `call`:
    // its object path): journaled with `action` (what was done), then a nudge, or a pause with
    // Answer / Let it ring (the contact calling) or Call anyway / Hang up (a call to them), as
    // `decision` asks. The answers come back through onReachAnswer with the call's kind.
    void call(const policy::Engine& engine, const std::string& source, const std::string& call,
              const policy::Event& event, const policy::Decision& decision,
              const std::string& action);
    // Something from or to the contact that only goes into the journal (an SMS, a phone's
    // notification with no desktop copy): `action` is what nocontact did about it.
    void record(const policy::Engine& engine, const std::string& source, const policy::Event& event,
                const policy::Decision& decision, const std::string& action);
    // The same for `contact` by name, later (e.g. once a hangup was answered), as `kind`
    // (empty: the event's own kind).
    void record(const std::string& contact, const std::string& source, const policy::Event& event,
                const std::string& level, const std::string& action, const std::string& kind = "");
    // Something nocontact could not do for `contact` (`what`: "hangup-refused"), journaled
    // once as a notice so the person can see why.
    void notice(const std::string& contact, const std::string& source, const std::string& what);
    // Where the answers to those pauses go (after they are journaled): the daemon thaws or
    // stops the app.
    void onReachAnswer(std::function<void(const ReachChoice&)> on_answer) {
        on_reach_answer_ = std::move(on_answer);
    }
    // The app went away before an answer.
    void reachGone(const std::string& unit) { pause_->closeReach(unit); }
    // The journal itself, for the person's questions about it (stats, journal, export).
    // (Events kept for a moment are written first: the journal read is complete.)
    JournalStore& journal();
    // Where the journal is kept now.
    JournalPlace journalPlace() const;
    // The last unreadable or damaged journal file set aside (a new one was started), if any.
    const std::optional<JournalSetAside>& journalSetAside() const { return set_aside_; }
    // Called, from the loop's next turn, each time a damaged journal file is set aside while
    // running.
    void onJournalSetAside(std::function<void(const JournalSetAside&)> told) {
        on_set_aside_ = std::move(told);
    }
    // Called each time the journal moves to memory or back to disk (keeper_journal.cpp).
    void onJournalPlace(std::function<void(const JournalPlace&)> told) {
        on_journal_ = std::move(told);
    }

    // A contact's message the server's own rules hid although nobody holds it now (its level
    // went down, a snooze began): shown as its app posted it, at once.
    void showAsItCame(const dbus::Observed& observed);
    // See PausePresenter::markReposts.
    void markReposts(std::function<bool()> when) { pause_->markReposts(std::move(when)); }

    // Messages still waiting for the person (held or "later").
    std::size_t waiting() const;
    // Every kept message (waiting first, then let go), oldest first within each.
    std::vector<HeldMessage> kept() const;
    // Hands a message back and clears its text: one waiting, or let go within kLetGoKeepDays
    // ("should you change your mind"); nullopt when there is none such under `id`.
    std::optional<HeldMessage> read(std::int64_t id);
    // Forgets the messages let go more than kLetGoKeepDays ago, their text overwritten. Runs at
    // start, every kPurgeEvery, and before let-go messages are listed or read, so none is
    // handed out a moment past its time.
    void purge();
    // Lets a waiting message go; false when none waits under `id`.
    bool letGo(std::int64_t id);
    // Keeps a waiting message for the next digest, as the pause's Later does; its pause no
    // longer offers it. False when none waits under `id`.
    bool keepForLater(std::int64_t id);
    // The next of the contact's reasons, in turn with the desktop pauses (PausePresenter).
    std::string nextReason(const std::string& contact, const std::vector<std::string>& reasons) {
        return pause_->nextReason({.contact = contact, .reasons = reasons});
    }
    // The unique bus name our own notifications (pauses, re-posted messages) come from.
    std::string ownBusName() const;
    // The notification server changed: ask it for its capabilities again; with `restarted`
    // (another server took the name), the open pauses are shown on it again, from the loop's
    // next turn.
    void serverChanged(bool restarted);

  private:
    // purge() now, and again every kPurgeEvery.
    void purgeNowAndLater();
    void openJournal(const std::filesystem::path& state_dir);
    // The journal went to memory: the disk is tried again from now on, and the daemon told.
    void journalMoved();
    // The journal file was found damaged and set aside (`file`: nullopt when it could not be).
    void journalDamaged(const std::optional<std::filesystem::path>& file, const Salvaged& saved);
    void tryDisk();
    // Tries the disk again after `retry_`, and again after each try that fails.
    void retryLater();
    // On the way out: one last try to take the journal home; the log says when it cannot.
    void leaveMemory();
    void giveBackUnsaved(std::size_t kept);
    // A message was kept in memory: the disk is tried from the loop's next turn, unless it was
    // tried less than a retry interval ago.
    void tryDiskSoon();
    void onChoice(const PauseChoice& choice);
    // The pause before an app or a call: the contact's day count and reasons, and the
    // countdown (twice the policy's pause at firm and strict).
    ReachRequest reachRequest(const policy::Engine& engine, const policy::Decision& decision,
                              const policy::Moment& now) const;
    // Opens one pause per contact for `states` messages of contacts whose level `offer` allows.
    void offer(const policy::Engine& engine, std::vector<HeldState> states,
               const std::function<bool(policy::Level)>& allowed);
    // Shows a waiting message again as it came; false when none waits under `id`.
    bool readIt(std::int64_t id);
    // Runs `show` now, or from the loop's next idle turn when `later`.
    void present(std::function<void()> show, bool later);
    // A withheld message's event (without text), written within kEventsWithin together with the
    // others of that moment: only the message must be on disk before it leaves the screen, and
    // one commit for a burst is cheaper than one each. The message goes along from the keep log
    // (JournalStore::holdMessage). A crash in between loses the event, never the message.
    void recordSoon(EventRow row);
    void recordPending();

    // GIO's shared session connection, which libnotify uses: held for our whole life, so it
    // stays the one our own notifications come from (and can be told apart).
    _GDBusConnection* bus_ = nullptr;
    std::unique_ptr<JournalStore> store_;
    LibnotifyNotifier notifier_;
    GlibTicker ticker_;
    std::unique_ptr<PausePresenter> pause_;
    std::function<void(const ReachChoice&)> on_reach_answer_;
    std::vector<std::function<void()>> to_show_;  // for the next idle turn (present)
    unsigned idle_ = 0;                           // that turn's GLib source, 0 when none
    std::chrono::seconds retry_;
    const Clock& clock_;
    Timer& timer_;
    Timer::Id retry_timer_ = 0;      // trying the disk again, only while in memory
    Timer::Id purge_timer_ = 0;      // forgetting let-go messages every kPurgeEvery
    std::vector<EventRow> pending_;  // recordSoon()'s events, not yet written
    unsigned pending_timer_ = 0;     // writing them
    std::int64_t last_try_us_ = 0;   // clock_.monotonicUsec() of the last try
    std::string last_refusal_;       // said once: why the disk refused the last time
    std::function<void(const JournalPlace&)> on_journal_;
    std::optional<JournalSetAside> set_aside_;
    std::function<void(const JournalSetAside&)> on_set_aside_;
};

}  // namespace nocontact::daemon
