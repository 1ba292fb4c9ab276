// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "base/i18n.hpp"
#include "policy/level_change.hpp"

// Every sentence nocontactd shows a person, in one place so it can be read as a whole, kept
// calm and kind, and translated (base/i18n.hpp). The constants are the English keys: pass
// them through i18n::tr() where they are shown.
namespace nocontact::daemon {
enum class DiskTrouble : int;  // daemon/journal/store.hpp
}  // namespace nocontact::daemon

namespace nocontact::daemon::strings {

// Put in place of a withheld notification before it is closed, so a server's history (dunst
// keeps closed notifications) holds this and never the message.
inline constexpr const char* kWithheldPlaceholder = N_("nocontact kept a message for you");

inline constexpr const char* kPolicyRefusedSummary =
    N_("Your nocontact policy needs a second look");

// The body of the notification shown when an edited policy has errors.
// `had_policy`: whether an earlier, good policy is still in force.
std::string policyRefusedBody(const std::string& diagnostics, bool had_policy);
// The same when nocontactd started with a broken policy file and uses the last policy that
// worked (a copy kept in its state folder).
std::string policyRefusedAtStartBody(const std::string& diagnostics);
// What the last policy that worked is, and why the file is refused (the diagnostics follow).
std::string policyFromLastGood(const std::string& file, const std::string& copy);

// A policy was read and is in force: "Policy applied: 3 contacts."
std::string policyApplied(std::size_t contacts);

// Said when there is no policy file yet.
std::string noPolicyYet(const std::string& file);

// Said when the policy file disappears while a policy is in use: that policy stays.
std::string policyGone(const std::string& file);

// --- The journal kept in memory while its folder cannot be written, and back on disk.

inline constexpr const char* kJournalInMemorySummary =
    N_("nocontact keeps messages in memory for now");
// Why, and what the person can do: nothing is lost while nocontact runs.
std::string journalInMemoryBody(DiskTrouble why);
inline constexpr const char* kJournalBackSummary = N_("nocontact can save again");
// "The 3 messages it kept in memory are safe on disk."
std::string journalBackBody(std::size_t kept);
inline constexpr const char* kGivenBackSummary = N_("Messages nocontact couldn't save");
inline constexpr const char* kJournalSetAsideSummary = N_("nocontact started a new journal");
// The journal file could not be read (at start, or found damaged later): "…kept it as {file} …".
std::string journalSetAsideBody(const std::string& file);
// What the new journal holds of the one set aside: whether anything could be read, whether all
// of it, and how many messages waiting for the person were among it.
std::string journalSalvagedBody(bool anything, bool whole, std::size_t waiting);
// Stopping while the journal is in memory: "…so the 2 messages it kept are back on
// screen."
std::string givenBackBody(std::size_t count);

// A kept message longer than the decoders keep: "(This message was longer: the last 12 KiB of
// it did not fit, and nocontact kept the rest.)", added to its body wherever it is read.
std::string shortenedNote(std::uint64_t cut_bytes);

// --- Messages the notification server's own rules held while nocontactd was not running.

inline constexpr const char* kRecoveredSummary = N_("Messages kept while nocontact was away");
// "2 messages from Alex came while nocontact was not running. Your notification server kept
// them, and they are kept for you now." One sentence per contact.
std::string recoveredBody(const std::map<std::string, std::size_t>& per_contact);

// --- The reflective pause (DESIGN.md §5). Contact names and reasons arrive already escaped when
// the server renders markup; these functions only add the words around them.

inline constexpr const char* kReadIt = N_("Read it");
inline constexpr const char* kLater = N_("Later");
inline constexpr const char* kLetGo = N_("Let it go");
// Opens the app: of a message read from the pause, or after a pause before the app opens.
inline constexpr const char* kOpenApp = N_("Open");

// The pause's title: "Alex wrote — take a breath", or "Alex wrote 3 messages — take a breath".
std::string pauseTitle(const std::string& contact, std::size_t messages);

// "Day 14 of your space from Alex." With `markup`, the day is bold.
std::string pauseDayCount(int day, const std::string& contact, bool markup);

// The countdown line: "You can read it in 15 seconds." ("them" for several messages).
std::string pauseCountdown(int seconds_left, std::size_t messages);

// Shown when the countdown is over: every choice is a fair one.
std::string pauseReady(std::size_t messages);

// For servers without buttons: how to let it go from a terminal, during the countdown.
std::string pauseLetGoCommand(const std::string& contact_word);

// For servers without buttons: how to read it or let it go, after the countdown.
std::string pauseChoiceCommands(const std::string& contact_word);

// How many gentle nudges there are at `hour` (0-23, local); nudge(i, hour) takes any i and
// wraps around.
std::size_t nudgeCount(int hour);

// One calm sentence after a message from the contact was shown ("Nothing here needs an answer
// right now."). "You don't have to answer tonight." only at night.
std::string nudge(std::size_t index, int hour);

// --- Reaching out: a pause before a messaging app opens.

// "You're opening Signal — take a breath"
std::string reachTitle(const std::string& app);
// The countdown: "You can open it in 12 seconds."
std::string reachCountdown(int seconds_left);
// After the countdown: both ways are fair.
std::string reachReady();
// While the app waits, frozen: "Signal waits until you choose."
std::string reachWaiting(const std::string& app);

// --- Calls: a pause when the contact calls, or before a call to them goes on.

inline constexpr const char* kAnswer = N_("Answer");
inline constexpr const char* kLetItRing = N_("Let it ring");
inline constexpr const char* kCallAnyway = N_("Let it go on");
inline constexpr const char* kHangUp = N_("Hang up");

// "Alex is calling — take a breath"
std::string callingTitle(const std::string& contact);
// "You're calling Alex — take a breath"
std::string callingThemTitle(const std::string& contact);
// The countdown: "You can answer in 5 seconds."; for a call to them, which rings already,
// that hanging up is there at any moment.
std::string callCountdown(int seconds_left, bool incoming);
// After the countdown: both ways are fair.
std::string callReady(bool incoming);
// A call to the contact that nocontact ended at strict.
std::string callEndedTitle(const std::string& contact);
std::string callEndedBody();

// --- Answers to the person's requests (nocontactctl shows them as they are).

std::string unknownContact(const std::string& name);
std::string notALevel(const std::string& text);
std::string unknownChange(const std::string& change);
std::string snoozedUntil(const std::string& local_time);
inline constexpr const char* kSnoozeNeedsDuration = N_("A snooze needs a duration, like 2h.");
inline constexpr const char* kSnoozeTooLong =
    N_("A snooze lasts at most 366 days. Nothing was changed.");
inline constexpr const char* kChangeTooLong =
    N_("A change lasts at most 366 days; without a duration it lasts until you change it. "
       "Nothing was changed.");
inline constexpr const char* kNoteNeedsWords = N_("A note needs some words. Nothing was kept.");
inline constexpr const char* kSnoozeEnded = N_("The snooze is over: nocontact is back.");
inline constexpr const char* kNotSnoozed =
    N_("nocontact was not snoozed, so there was nothing to end.");
// Why a soften or harden of `contact`, at `current`, to `asked` (or one step) is not made.
std::string stepRefused(policy::StepRefusal why, const std::string& contact, policy::Level current,
                        std::optional<policy::Level> asked);
// A reset of a contact the final straw made strict: reset undoes only soften and harden.
std::string finalStrawStays(const std::string& contact);
// A reset with no change of the person's in force; `why` explains the level.
std::string nothingToReset(const std::string& contact, const std::string& why);
inline constexpr const char* kDryRunChangesNothing = N_("In a dry run nothing is changed.");
inline constexpr const char* kDryRunKeepsNothing = N_("In a dry run nothing is kept.");
inline constexpr const char* kJournalUnreadable = N_("The journal cannot be read");
inline constexpr const char* kStatsDays = N_("Statistics cover 1 to 366 days.");
inline constexpr const char* kNoSuchMessage = N_("No message waits under that id.");
inline constexpr const char* kOnlyTheOwner = N_("Only the user who runs nocontact can talk to it.");

}  // namespace nocontact::daemon::strings
