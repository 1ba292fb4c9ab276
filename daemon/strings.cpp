// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/strings.hpp"

#include <iterator>

#include "base/i18n.hpp"
#include "daemon/journal/store.hpp"

namespace nocontact::daemon::strings {

using i18n::fill;
using i18n::tr;
using i18n::trn;

namespace {
// A notification body has room for a few lines; the rest is one command away.
constexpr std::size_t kMaxBodyLines = 3;
}  // namespace

namespace {

// The first lines of `diagnostics`, each ending in a newline.
std::string firstLines(const std::string& diagnostics) {
    std::string lines;
    std::size_t count = 0, pos = 0;
    while (pos < diagnostics.size() && count < kMaxBodyLines) {
        auto end = diagnostics.find('\n', pos);
        if (end == std::string::npos) end = diagnostics.size();
        lines += diagnostics.substr(pos, end - pos) + "\n";
        pos = end + 1;
        ++count;
    }
    return lines;
}

}  // namespace

std::string policyRefusedBody(const std::string& diagnostics, bool had_policy) {
    std::string first =
        had_policy ? tr("Nothing changed: the policy you had keeps working.")
                   : tr("nocontact is only watching, keeping nothing, until this is fixed.");
    return first + "\n" + firstLines(diagnostics) + tr("`nocontactctl check` shows every detail.");
}

std::string policyRefusedAtStartBody(const std::string& diagnostics) {
    return std::string(tr("nocontact started with the last policy that worked, and keeps it "
                          "until this is fixed.")) +
           "\n" + firstLines(diagnostics) + tr("`nocontactctl check` shows every detail.");
}

std::string policyFromLastGood(const std::string& file, const std::string& copy) {
    return fill(tr("{file} has errors, so nocontact uses the last policy that worked, kept in "
                   "{copy}, until the file is fixed:"),
                {{"file", file}, {"copy", copy}});
}

std::string recoveredBody(const std::map<std::string, std::size_t>& per_contact) {
    std::string out;
    for (const auto& [contact, n] : per_contact) {
        out += fill(trn("{n} message from {contact} came while nocontact was not running.",
                        "{n} messages from {contact} came while nocontact was not running.", n),
                    {{"n", std::to_string(n)}, {"contact", contact}});
        out += "\n";
    }
    return out + tr("Your notification server kept them out of sight, and they wait for you now, "
                    "like any other.");
}

std::string policyApplied(std::size_t contacts) {
    return fill(trn("Policy applied: {n} contact.", "Policy applied: {n} contacts.", contacts),
                {{"n", std::to_string(contacts)}});
}

std::string noPolicyYet(const std::string& file) {
    return fill(tr("There is no policy at {file} yet, so nocontact is only watching. A "
                   "commented example to start from is in {example}."),
                {{"file", file}, {"example", "/usr/share/doc/nocontact/examples/policy.yaml"}});
}

std::string policyGone(const std::string& file) {
    return fill(tr("The policy file {file} is gone. nocontact keeps using the last good policy "
                   "until a new one is saved there."),
                {{"file", file}});
}

std::string journalInMemoryBody(DiskTrouble why) {
    switch (why) {
        case DiskTrouble::Full:
            return tr(
                "nocontact can't save to its folder right now: the disk is full. It keeps "
                "messages in memory until it can, so please don't restart it until then.");
        case DiskTrouble::ReadOnly:
            return tr(
                "nocontact can't save to its folder right now: the folder is read-only. It "
                "keeps messages in memory until it can, so please don't restart it until "
                "then.");
        case DiskTrouble::Unwritable:
            break;
    }
    return tr(
        "nocontact can't save to its folder right now. It keeps messages in memory "
        "until it can, so please don't restart it until then.");
}

std::string journalSetAsideBody(const std::string& file) {
    return fill(tr("Its journal could not be read, so nocontact kept it aside as {file}, in the "
                   "same folder, and started a new one. Nothing was deleted."),
                {{"file", file}});
}

std::string journalSalvagedBody(bool anything, bool whole, std::size_t waiting) {
    if (!anything) return tr("Nothing in it could still be read.");
    if (waiting == 0) {
        return whole ? tr("Everything in it could still be read and is in the new one; no "
                          "message was waiting in it.")
                     : tr("What could still be read from it is in the new one; no message "
                          "waiting for you was among it.");
    }
    const std::string n = std::to_string(waiting);
    return fill(whole ? trn("Everything in it could still be read and is in the new one, "
                            "including the {n} message waiting for you.",
                            "Everything in it could still be read and is in the new one, "
                            "including the {n} messages waiting for you.",
                            waiting)
                      : trn("What could still be read from it is in the new one, including {n} "
                            "message waiting for you.",
                            "What could still be read from it is in the new one, including {n} "
                            "messages waiting for you.",
                            waiting),
                {{"n", n}});
}

std::string givenBackBody(std::size_t count) {
    return fill(trn("nocontact is stopping and still can't save to its folder, so the {n} "
                    "message it kept is back on screen, as it came.",
                    "nocontact is stopping and still can't save to its folder, so the {n} "
                    "messages it kept are back on screen, as they came.",
                    count),
                {{"n", std::to_string(count)}});
}

std::string shortenedNote(std::uint64_t cut_bytes) {
    constexpr std::uint64_t kKib = 1024;
    const std::uint64_t kib = (cut_bytes + kKib - 1) / kKib;  // 1 KiB at least, never "0 KiB"
    return fill(tr("(This message was longer: the last {size} KiB of it did not fit, and "
                   "nocontact kept the rest.)"),
                {{"size", std::to_string(kib)}});
}

std::string journalBackBody(std::size_t kept) {
    if (kept == 0) return tr("Everything it kept in memory is safe on disk.");
    return fill(trn("The {n} message it kept in memory is safe on disk.",
                    "The {n} messages it kept in memory are safe on disk.", kept),
                {{"n", std::to_string(kept)}});
}

namespace {
// The nudges for any hour, rotated so the same sentence does not wear thin.
constexpr const char* kNudges[] = {
    N_("Nothing here needs an answer right now."),
    N_("It can wait until you're ready."),
    N_("Take a breath. There is time."),
};
// Said only at night, where it is true, and then first in the turn.
constexpr const char* kNightNudge = N_("You don't have to answer tonight.");
// From 20:00 to 04:59 it is "tonight"; in the morning it would not be.
constexpr int kNightFrom = 20;
constexpr int kNightUntil = 5;

bool isNight(int hour) {
    return hour >= kNightFrom || hour < kNightUntil;
}
}  // namespace

std::string pauseTitle(const std::string& contact, std::size_t messages) {
    if (messages <= 1) return fill(tr("{contact} wrote — take a breath"), {{"contact", contact}});
    return fill(trn("{contact} wrote {n} message — take a breath",
                    "{contact} wrote {n} messages — take a breath", messages),
                {{"contact", contact}, {"n", std::to_string(messages)}});
}

std::string pauseDayCount(int day, const std::string& contact, bool markup) {
    std::string days = fill(tr("Day {n}"), {{"n", std::to_string(day)}});
    if (markup) days = "<b>" + days + "</b>";
    return fill(tr("{day} of your space from {contact}."), {{"day", days}, {"contact", contact}});
}

std::string pauseCountdown(int seconds_left, std::size_t messages) {
    const std::string n = std::to_string(seconds_left);
    const auto left = static_cast<unsigned long>(seconds_left);
    if (messages == 1) {
        return fill(trn("You can read it in {n} second.", "You can read it in {n} seconds.", left),
                    {{"n", n}});
    }
    return fill(trn("You can read them in {n} second.", "You can read them in {n} seconds.", left),
                {{"n", n}});
}

std::string pauseReady(std::size_t messages) {
    return messages == 1 ? tr("Read it, keep it for later, or let it go. Each is a fair choice.")
                         : tr("Read them, keep them for later, or let them go. Each is a fair "
                              "choice.");
}

std::string pauseLetGoCommand(const std::string& contact_word) {
    return fill(tr("To let it go now: nocontactctl let-go {contact}"), {{"contact", contact_word}});
}

std::string pauseChoiceCommands(const std::string& contact_word) {
    return fill(tr("When you're ready: nocontactctl read {contact}\n"
                   "To let it go: nocontactctl let-go {contact}\n"
                   "Or leave it for later."),
                {{"contact", contact_word}});
}

std::size_t nudgeCount(int hour) {
    return std::size(kNudges) + (isNight(hour) ? 1 : 0);
}

std::string nudge(std::size_t index, int hour) {
    if (!isNight(hour)) return tr(kNudges[index % std::size(kNudges)]);
    index %= std::size(kNudges) + 1;
    return tr(index == 0 ? kNightNudge : kNudges[index - 1]);
}

std::string reachTitle(const std::string& app) {
    return fill(tr("You're opening {app} — take a breath"), {{"app", app}});
}

std::string reachCountdown(int seconds_left) {
    return fill(trn("You can open it in {n} second.", "You can open it in {n} seconds.",
                    static_cast<unsigned long>(seconds_left)),
                {{"n", std::to_string(seconds_left)}});
}

std::string reachReady() {
    return tr("Open it, or let it go for now. Each is a fair choice.");
}

std::string callingTitle(const std::string& contact) {
    return fill(tr("{contact} is calling — take a breath"), {{"contact", contact}});
}

std::string callingThemTitle(const std::string& contact) {
    return fill(tr("You're calling {contact} — take a breath"), {{"contact", contact}});
}

std::string callCountdown(int seconds_left, bool incoming) {
    if (!incoming) return tr("It is ringing them now. You can hang up at any moment.");
    const auto n = static_cast<unsigned long>(seconds_left);
    return fill(trn("You can answer in {n} second.", "You can answer in {n} seconds.", n),
                {{"n", std::to_string(seconds_left)}});
}

std::string callReady(bool incoming) {
    return incoming ? tr("Answer it, or let it ring. Each is a fair choice.")
                    : tr("Hang up, or let the call go on. Each is a fair choice.");
}

std::string callEndedTitle(const std::string& contact) {
    return fill(tr("The call to {contact} was ended"), {{"contact", contact}});
}

std::string callEndedBody() {
    return tr("Your policy ends calls to them for now.");
}

std::string reachWaiting(const std::string& app) {
    return fill(tr("{app} waits until you choose."), {{"app", app}});
}

std::string unknownContact(const std::string& name) {
    return fill(tr("There is no contact called '{contact}' in your policy."), {{"contact", name}});
}

std::string notALevel(const std::string& text) {
    return fill(tr("'{text}' is not a level: open, gentle, pause, firm or strict."),
                {{"text", text}});
}

std::string unknownChange(const std::string& change) {
    return fill(tr("Unknown change '{change}'."), {{"change", change}});
}

namespace {

const char* refusalSentence(policy::StepRefusal why) {
    switch (why) {
        case policy::StepRefusal::AlreadyOpen:
            return tr(
                "{contact} is at open, the softest level: there is no step down. Nothing "
                "was changed.");
        case policy::StepRefusal::AlreadyStrict:
            return tr(
                "{contact} is at strict, the firmest level: there is no step up. Nothing "
                "was changed.");
        case policy::StepRefusal::SameLevel:
            return tr("{contact} is at {level} already. Nothing was changed.");
        case policy::StepRefusal::NotSofter:
            return tr(
                "{contact} is at {level} now, and {asked} is firmer: soften only goes down "
                "the ladder (harden goes up). Nothing was changed.");
        case policy::StepRefusal::NotHarder:
            break;
    }
    return tr(
        "{contact} is at {level} now, and {asked} is softer: harden only goes up the "
        "ladder (soften goes down). Nothing was changed.");
}

}  // namespace

std::string stepRefused(policy::StepRefusal why, const std::string& contact, policy::Level current,
                        std::optional<policy::Level> asked) {
    return fill(refusalSentence(why),
                {{"contact", contact},
                 {"level", policy::levelName(current)},
                 {"asked", asked ? policy::levelName(*asked) : std::string_view{}}});
}

std::string finalStrawStays(const std::string& contact) {
    return fill(tr("{contact} is strict since the final straw, and reset undoes only soften and "
                   "harden. Nothing was changed."),
                {{"contact", contact}});
}

std::string nothingToReset(const std::string& contact, const std::string& why) {
    return fill(tr("There was no change of yours for {contact} to undo. {why}"),
                {{"contact", contact}, {"why", why}});
}

std::string snoozedUntil(const std::string& local_time) {
    return fill(tr("Snoozed until {time}: nocontact is resting."), {{"time", local_time}});
}

}  // namespace nocontact::daemon::strings
