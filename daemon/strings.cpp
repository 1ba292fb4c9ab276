// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/strings.hpp"

#include <iterator>

namespace nocontact::daemon::strings {

namespace {
// A notification body has room for a few lines; the rest is one command away.
constexpr std::size_t kMaxBodyLines = 3;
}  // namespace

std::string policyRefusedBody(const std::string& diagnostics, bool had_policy) {
    std::string lines;
    std::size_t count = 0, pos = 0;
    while (pos < diagnostics.size() && count < kMaxBodyLines) {
        auto end = diagnostics.find('\n', pos);
        if (end == std::string::npos) end = diagnostics.size();
        lines += diagnostics.substr(pos, end - pos) + "\n";
        pos = end + 1;
        ++count;
    }
    std::string first = had_policy
                            ? "Nothing changed: the policy you had keeps working.\n"
                            : "nocontact is only watching, holding nothing, until this is fixed.\n";
    return first + lines + "`nocontactctl check` shows every detail.";
}

std::string noPolicyYet(const std::string& file) {
    return "There is no policy at " + file +
           " yet, so nocontact is only watching. A commented example to start from is in "
           "/usr/share/doc/nocontact/examples/policy.yaml.";
}

std::string policyGone(const std::string& file) {
    return "The policy file " + file +
           " is gone. nocontact keeps using the last good policy until a new one is saved there.";
}

namespace {
// The pause's nudges, rotated so the same sentence does not wear thin.
constexpr const char* kNudges[] = {
    "You don't have to answer tonight.",
    "Nothing here needs an answer right now.",
    "It can wait until you're ready — and so can you.",
    "Take a breath. You're allowed to take your time.",
};

std::string messagesWord(std::size_t messages) {
    return messages == 1 ? "it" : "them";
}
}  // namespace

std::string pauseTitle(const std::string& contact, std::size_t messages) {
    if (messages <= 1) return contact + " wrote — take a breath";
    return contact + " wrote " + std::to_string(messages) + " messages — take a breath";
}

std::string pauseDayCount(int day, const std::string& contact, bool markup) {
    std::string days = "Day " + std::to_string(day);
    if (markup) days = "<b>" + days + "</b>";
    return days + " of your space from " + contact + ".";
}

std::string pauseCountdown(int seconds_left, std::size_t messages) {
    return "You can read " + messagesWord(messages) + " in " + std::to_string(seconds_left) +
           (seconds_left == 1 ? " second." : " seconds.");
}

std::string pauseReady(std::size_t messages) {
    return "Read " + messagesWord(messages) + ", keep " + messagesWord(messages) +
           " for later, or let " + messagesWord(messages) + " go. Each is a fair choice.";
}

std::string pauseLetGoCommand(const std::string& contact_word) {
    return "To let it go now: nocontactctl let-go " + contact_word;
}

std::string pauseChoiceCommands(const std::string& contact_word) {
    return "When you're ready: nocontactctl read " + contact_word +
           "\nTo let it go: nocontactctl let-go " + contact_word + "\nOr leave it for later.";
}

std::size_t nudgeCount() {
    return std::size(kNudges);
}

std::string nudge(std::size_t index) {
    return kNudges[index % std::size(kNudges)];
}

}  // namespace nocontact::daemon::strings
