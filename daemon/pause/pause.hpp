// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/server_rules.hpp"
#include "daemon/pause/notifier.hpp"

// The reflective pause (DESIGN.md §5): one notification per contact with the day count, one of
// the user's own reasons and a countdown; *Let it go* at once, *Read it* and *Later* after the
// countdown. The presenter only shows and reports: what a choice means for the held messages
// is the caller's business.
namespace nocontact::daemon {

struct PauseRequest {
    std::string contact{};                 // as the policy spells it
    std::optional<int> day_count{};        // day N of no contact; none when the policy has no since
    std::vector<std::string> reasons{};    // the contact's reasons; each new pause takes the next
    std::vector<std::int64_t> held_ids{};  // the held messages this pause stands for
    int seconds = 20;                      // the countdown: the policy's defaults.pause
    std::string app_name{};                // the messaging app; carried back in the PauseChoice
};

// A held message as its app posted it, for *Read it*.
struct RepostMessage {
    std::string app_name, app_icon, summary, body;
    std::string desktop_entry;  // without ".desktop"; empty when the app sent none
};

struct PauseChoice {
    // ClosedWithoutChoice: the server (or the person, without a button) closed it. Nothing was
    // chosen; the messages wait as before.
    enum class Which { ReadIt, Later, LetGo, ClosedWithoutChoice };
    std::string contact;
    std::vector<std::int64_t> held_ids;
    std::string app_name;
    Which which = Which::Later;
};

// One call a second while started: the loop owns the timer, the presenter only counts.
class Ticker {
  public:
    virtual ~Ticker() = default;
    // Calls `on_second` about once a second until stop(); starting again replaces it.
    virtual void start(std::function<void()> on_second) = 0;
    // No more calls. Harmless when not started.
    virtual void stop() = 0;
};

// A Ticker on the thread-default GLib main context (g_timeout_source_new_seconds, which lets
// GLib batch wake-ups: the countdown needs seconds, not milliseconds).
class GlibTicker : public Ticker {
  public:
    GlibTicker() = default;
    ~GlibTicker() override;
    GlibTicker(const GlibTicker&) = delete;
    GlibTicker& operator=(const GlibTicker&) = delete;
    void start(std::function<void()> on_second) override;
    void stop() override;

  private:
    static int fire(void* self);
    unsigned source_id_ = 0;
    std::function<void()> on_second_;
};

// Reaching out (DESIGN.md §4): a pause before a messaging app opens. *Let it go* at once,
// *Open* after the countdown.
struct ReachRequest {
    // What the person reaches for: an app, or a call (the contact calling, or a call to them).
    enum class Kind { App, IncomingCall, OutgoingCall };
    Kind kind = Kind::App;
    std::string unit{};              // the app's systemd unit; for calls, the call's object path
    std::string app{};               // the app as a person knows it ("Signal")
    std::string app_id{};            // its profile ("signal"), for the journal
    std::string contact{};           // the contact whose level asked for the pause
    std::optional<int> day_count{};  // day N of no contact with them
    std::vector<std::string> reasons{};
    int seconds = 20;
    bool frozen = false;  // the app waits, frozen, for the answer
};

struct ReachChoice {
    // LetThrough: no answer could be given (the pause could not be shown, the server has no
    // buttons, or it was closed unanswered again and again); the app opens.
    // For calls: OpenAnyway is Answer / Call anyway; LetGo is Let it ring / Hang up.
    enum class Which { OpenAnyway, LetGo, LetThrough };
    ReachRequest::Kind kind = ReachRequest::Kind::App;
    std::string unit;
    std::string app;
    std::string app_id;
    std::string contact;
    Which which = Which::OpenAnyway;
    bool frozen = false;
};

class PausePresenter {
  public:
    using ReachCallback = std::function<void(const ReachChoice&)>;
    using ChoiceCallback = std::function<void(const PauseChoice&)>;
    // Opens an app from its desktop entry id (without ".desktop"); see launchDesktopEntry().
    using Launcher = std::function<void(const std::string& desktop_entry)>;

    // Takes over `notifier`'s callbacks. `notifier` and `ticker` must outlive the presenter.
    PausePresenter(Notifier& notifier, Ticker& ticker, ChoiceCallback on_choice, Launcher launch);
    ~PausePresenter();
    PausePresenter(const PausePresenter&) = delete;
    PausePresenter& operator=(const PausePresenter&) = delete;

    // Shows a pause for request.contact, or folds the request into the one already open for
    // that contact ("3 messages"). False when the server could not be reached: nothing is open
    // then, and the messages simply stay held. The same holds when the server refuses it later
    // (an asynchronous Notifier): the pause ends, and no choice is reported.
    bool open(const PauseRequest& request);

    // One second has passed: every counting pause counts down and is updated in place.
    void tick();

    // Shows a held message again as it was; clicking it opens its app.
    void repost(const RepostMessage& message);
    // While `when` says so (the notification server's own rules are in force), reposted
    // messages carry config::kRepostMark after the app's name, so no rule hides them.
    void markReposts(std::function<bool()> when) { mark_reposts_ = std::move(when); }

    // A calm word after a message from `contact` was shown (gentle level), fit for the local
    // `hour` (0-23). Low urgency, transient.
    void nudge(const std::string& contact, int hour);

    // Closes the contact's pause without reporting a choice (e.g. read through the CLI).
    void dismiss(const std::string& contact);
    // A message of the contact's pause was decided elsewhere (let go from the command line):
    // the pause no longer stands for it. A pause left with none closes without reporting a
    // choice; otherwise it shows the new count from the next second.
    void withdraw(const std::string& contact, std::int64_t held_id);

    // A new notification server has forgotten what the last one showed: every open pause is
    // posted to it again, as it stands (countdown, buttons).
    void showAgain();
    // The next of request.reasons for request.contact, in turn across every pause for them
    // (the terminal's too); "" when there are none.
    std::string nextReason(const PauseRequest& request);
    // True while a pause for `contact` is showing.
    bool isOpen(const std::string& contact) const;

    // Where answers to reaching-out pauses go.
    void setReachCallback(ReachCallback on_reach) { on_reach_ = std::move(on_reach); }
    // Shows a pause before an app opens (one per unit). If it cannot be shown while the app is
    // frozen, the app is let through at once (a pause, never a trap): reported as OpenAnyway.
    void openReach(const ReachRequest& request);
    // The app's unit went away: its pause closes without an answer.
    void closeReach(const std::string& unit);
    bool isReaching(const std::string& unit) const { return reaches_.count(unit) > 0; }

  private:
    struct Pause {
        Notifier::Handle handle = 0;
        PauseRequest request{};  // held_ids grows as messages fold in
        std::size_t messages = 1;
        std::string reason{};
        int elapsed = 0;
        // Tries left to show it on a server that just took the name (libnotify may still be
        // talking to the one that left for a moment); one a second, after each failure.
        int reshow_tries = 0;
        bool stale = false;  // changed (messages folded in, a failed try) since last shown
    };

    NotificationContent contentOf(const Pause& pause, Notifier::Capabilities caps) const;
    std::string bodyOf(const Pause& pause, Notifier::Capabilities caps) const;
    bool fold(Pause& pause, const PauseRequest& request);
    void show(const std::string& contact, Pause& pause);
    void onAction(Notifier::Handle handle, const std::string& key);
    void onClosed(Notifier::Handle handle);
    void onFailed(Notifier::Handle handle);
    void failed(const std::string& contact);
    void choose(const std::string& contact, PauseChoice::Which which, bool close);
    const std::string* contactOf(Notifier::Handle handle) const;
    void updateTicker();

    struct Reach {
        Notifier::Handle handle = 0;
        ReachRequest request{};
        std::string reason{};
        int elapsed = 0;
        int shown_again = 0;  // times it was closed unanswered and shown again
    };
    NotificationContent reachContent(const Reach& reach, Notifier::Capabilities caps) const;
    bool showReach(Reach& reach, bool fresh);
    bool onReachAction(Notifier::Handle handle, const std::string& key);
    bool onReachClosed(Notifier::Handle handle);
    bool onReachFailed(Notifier::Handle handle);
    void reachFailed(const std::string& unit);
    void answerReach(const std::string& unit, ReachChoice::Which which);
    void tickReaches();

    Notifier& notifier_;
    Ticker& ticker_;
    ChoiceCallback on_choice_;
    Launcher launch_;
    std::function<bool()> mark_reposts_;
    std::map<std::string, Pause> pauses_;               // by contact
    std::map<std::string, std::size_t> reason_turns_;   // by contact
    std::map<Notifier::Handle, std::string> reposted_;  // handle -> desktop entry
    std::map<std::string, Reach> reaches_;              // by unit
    ReachCallback on_reach_;
    std::size_t nudge_turn_ = 0;
    bool ticking_ = false;
};

// The name nocontact's own notifications are posted under; the servers' rules know it.
inline constexpr const char* kPauseAppName = config::kOwnAppName;

}  // namespace nocontact::daemon
