// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/day_count.hpp"
#include "policy/event.hpp"
#include "policy/level.hpp"
#include "policy/matcher.hpp"
#include "policy/policy.hpp"
#include "policy/time.hpp"
#include "policy/words.hpp"

namespace nocontact::policy {

// What the daemon should do. Several actions may apply (withhold + pause).
enum class Action {
    Show,            // leave it alone
    Count,           // record it in the journal
    Nudge,           // a gentle note after it ("You don't have to answer tonight.")
    Withhold,        // take the notification away
    Pause,           // a reflective pause with Read it / Later / Let it go
    HoldForDigest,   // keep it until the next digest time, then offer behind a pause
    HoldStrict,      // keep it until the user asks with `nocontactctl read`
    Ring,            // let a call ring
    Silence,         // silence a ringing call
    Reject,          // hang up
    PauseBeforeUse,  // a pause before their app opens (reaching out)
    Freeze,          // freeze the app's unit during that pause
    Notice,          // a kind notice of what happened (e.g. an outgoing call was ended)
};

std::string_view actionName(Action a);

// A temporary change the user asked for. Step-wise changes use `steps`; `to` sets a level.
struct Override {
    enum class Type { Soften, Harden, FinalStraw, Snooze };
    Type type = Type::Soften;
    std::string contact;  // empty for snooze (applies to everyone)
    std::optional<Level> to;
    int steps = 1;
    SysTime start{};
    std::optional<SysTime> until;  // nullopt = until changed again
    std::optional<Date> since;     // final-straw: the new day one
    std::string note;
};

struct Decision {
    std::optional<std::size_t> contact;  // index into the policy's contacts
    std::optional<Level> level;          // the effective level, when a contact is involved
    std::vector<Action> actions;
    WakeAt wake_at;        // when to ask again (schedule edge, expiry, digest)
    std::string why;       // one sentence a person can read
    bool snoozed = false;  // made while nocontact rests: shown whatever the level

    bool has(Action a) const;
    // The most telling action, for one-word summaries ("pause", "hold", "show").
    Action primary() const;
    // The level as the journal keeps it: "snoozed" while nocontact rests (the level in force
    // did not decide), else the level's name, or "" without a contact.
    std::string journalLevel() const;
};

// The effective level of one contact and how it came about.
struct Explained {
    Level level = Level::Pause;
    std::string why;
    WakeAt changes_at;
    bool snoozed = false;
    bool changed = false;  // a change of the person's (soften, harden, final straw) sets it
};

// Decides, for every event, what the daemon does. Pure: the time comes in, the decision and
// the next wake-up go out. Holds only what the user told it (overrides) and what it decided
// (when each app last got a reaching-out pause, for the grace period).
class Engine {
  public:
    explicit Engine(Policy policy);

    // The words the sentences it builds are in (the edge's translation); English until then.
    void useWords(Words words) { words_ = words; }
    const Words& words() const { return words_; }

    const Policy& policy() const { return policy_; }
    const Matcher& matcher() const { return matcher_; }

    // Whether a decision comes with its sentence (Decision::why, Explained::why). The daemon acts
    // on decisions and never reads it, so its monitor does not have it built for every message.
    enum class Say { Why, Nothing };

    Decision handle(const Event& event, const Moment& now, Say say = Say::Why);

    // The contact's level at `now`, with the sentence that explains it (unless Say::Nothing).
    Explained explain(std::size_t contact, const Moment& now, Say say = Say::Why) const;

    // The contact's level at `now` with a snooze set aside: where soften and harden step from.
    Level ownLevel(std::size_t contact, const Moment& now) const;

    // The person's change in force for the contact at `now` (soften, harden, final straw).
    const Override* changeOf(std::size_t contact, const Moment& now) const;

    // Adds a temporary change; a later one for the same contact replaces the earlier.
    void addOverride(Override o);
    // Drops the person's change for `contact` (as the override names them): back to the
    // policy. False when there was none.
    bool removeChange(std::string_view contact);
    // Ends the snooze early. False when none was in force at `now`.
    bool endSnooze(const Moment& now);
    void clearOverrides() { overrides_.clear(); }
    const std::vector<Override>& overrides() const { return overrides_; }

    // Remembers the day one a final straw set for `contact`, apart from the change of level
    // it made: a later soften or harden replaces the change, not the day one. A newer final
    // straw for the same contact replaces it.
    void setFinalStraw(const std::string& contact, FinalStrawDay day);
    const std::map<std::string, FinalStrawDay, std::less<>>& finalStraws() const {
        return final_straws_;
    }

    // The first day of the person's space from the contact (see policy::dayOne).
    std::optional<Date> dayOneOf(std::size_t contact, const Moment& now) const;
    // Day N of that space (1 on day one), or nullopt without a day one: the number the pause,
    // `read`, stats and status all show.
    std::optional<int> dayCount(std::size_t contact, const Moment& now) const;

    // One call from the contact rang (decided once per call, after any source that saw it
    // twice was accounted for): the next call within kRepeatCallWindow is a repeat. Kept apart
    // from handle() because one call is often decided more than once (a phone's own signal
    // and its desktop copy, a call notification re-posted).
    void noteCall(std::size_t contact, const Moment& now);

    // The snooze in force at `now`, if any.
    const Override* activeSnooze(const Moment& now) const;

  private:
    Decision decideIncoming(const Event& e, const Match& m, const Moment& now, Say say) const;
    Decision decideCall(const Event& e, const Match& m, const Moment& now, Say say) const;
    Decision decideReachingOut(const Event& e, const Moment& now);
    // The contact with the highest effective level (the first of equals); contacts not empty.
    std::size_t strictestContact(const Moment& now) const;
    const Override* activeOverride(std::string_view contact, const Moment& now) const;

    Policy policy_;
    Words words_{};
    Matcher matcher_;
    std::vector<Override> overrides_;
    std::map<std::string, SysTime, std::less<>> last_reach_pause_;
    std::map<std::string, SysTime, std::less<>> last_call_;  // contact name -> last ringing call
    std::map<std::string, FinalStrawDay, std::less<>> final_straws_;  // by contact name
};

// A call from the same contact within this time of the previous one is a repeat call
// (Android's "repeat callers" window, DESIGN.md §10).
inline constexpr Seconds kRepeatCallWindow{15 * 60};
// Calls closer together than this are one call seen twice: no one redials that fast.
inline constexpr Seconds kSameCallWithin{2};

}  // namespace nocontact::policy
