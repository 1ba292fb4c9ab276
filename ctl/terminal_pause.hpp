// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

// The pause `nocontactctl read` shows in the terminal, like the desktop's: the day count, one
// of the person's own reasons, a countdown, then three explicit choices. Ctrl-C at any moment
// stops it and changes nothing.
namespace nocontact::ctl {

struct TerminalPauseView {
    std::string contact{};
    std::size_t messages = 1;
    std::int64_t day = -1;  // day N of the person's space from them; -1 without a day one
    std::string reason{};   // one of their reasons; "" when they wrote none
    int seconds = 20;       // the countdown
};

enum class ReadChoice { Read, Later, LetGo };

// What is said before the countdown, one line each (no trailing newline).
std::string pauseIntro(const TerminalPauseView& view);

// The three choices and the question, as shown once the countdown is over.
std::string choicePrompt(std::size_t messages);

// An answer to choicePrompt: "1", "2" or "3", spaces around allowed. nullopt for anything else.
std::optional<ReadChoice> parseChoice(std::string_view answer);

// While alive, Ctrl-C (SIGINT) no longer ends the process: it ends the pause, and wasInterrupted()
// says so. The previous handling comes back on destruction.
class CtrlC {
  public:
    CtrlC();
    ~CtrlC();
    CtrlC(const CtrlC&) = delete;
    CtrlC& operator=(const CtrlC&) = delete;
    static bool wasInterrupted();
};

// The countdown bar, drawn on `err` when `tty`. False when Ctrl-C stopped it.
bool countdown(int seconds, bool tty, std::ostream& err);

// Asks on `err` and reads the answer from standard input, again after an answer that is none of
// the three. nullopt when Ctrl-C was pressed or the input ended: nothing is to change.
std::optional<ReadChoice> askChoice(std::size_t messages, std::ostream& err);

}  // namespace nocontact::ctl
