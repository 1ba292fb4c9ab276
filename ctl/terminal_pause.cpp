// SPDX-License-Identifier: GPL-3.0-or-later
#include "ctl/terminal_pause.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>

#include "base/i18n.hpp"

namespace nocontact::ctl {

namespace {

using i18n::fill;
using i18n::tr;
using i18n::trn;

volatile sig_atomic_t interrupted = 0;
void onInterrupt(int) {
    interrupted = 1;
}

struct sigaction previous {};

// One line from standard input, without its newline; nullopt at the end of the input or when
// Ctrl-C interrupted the read (no SA_RESTART: read() returns at once).
std::optional<std::string> readLine() {
    std::string line;
    char c = 0;
    while (!interrupted) {
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return line.empty() ? std::nullopt : std::optional(line);
        if (c == '\n') return line;
        line += c;
    }
    return std::nullopt;
}

}  // namespace

std::string pauseIntro(const TerminalPauseView& view) {
    std::string text;
    if (view.day >= 1) {
        text += fill(tr("{day} of your space from {contact}."),
                     {{"day", fill(tr("Day {n}"), {{"n", std::to_string(view.day)}})},
                      {"contact", view.contact}}) +
                "\n";
    }
    if (!view.reason.empty()) text += "  " + view.reason + "\n";
    const auto n = static_cast<unsigned long>(view.messages);
    text += fill(trn("Take a breath. {n} message from {contact} can wait a moment longer.",
                     "Take a breath. {n} messages from {contact} can wait a moment longer.", n),
                 {{"n", std::to_string(n)}, {"contact", view.contact}});
    text += "\n";
    text += tr("Ctrl-C stops here, and nothing changes.");
    return text;
}

std::string choicePrompt(std::size_t messages) {
    const bool one = messages == 1;
    return fill(
        tr("  1  {read}\n"
           "  2  {later}: {later_how}\n"
           "  3  {let_go}: {let_go_how}\n"
           "Each is a fair choice. 1, 2 or 3? "),
        {{"read", tr("Read it")},
         {"later", tr("Later")},
         {"later_how", one ? tr("it keeps waiting for you") : tr("they keep waiting for you")},
         {"let_go", tr("Let it go")},
         {"let_go_how", tr("kept for 30 days, should you change your mind")}});
}

std::optional<ReadChoice> parseChoice(std::string_view answer) {
    const auto first = answer.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return std::nullopt;
    answer = answer.substr(first, answer.find_last_not_of(" \t\r") - first + 1);
    if (answer == "1") return ReadChoice::Read;
    if (answer == "2") return ReadChoice::Later;
    if (answer == "3") return ReadChoice::LetGo;
    return std::nullopt;
}

CtrlC::CtrlC() {
    interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;  // no SA_RESTART: a sleep or a read ends at once
    sigaction(SIGINT, &sa, &previous);
}

CtrlC::~CtrlC() {
    sigaction(SIGINT, &previous, nullptr);
}

bool CtrlC::wasInterrupted() {
    return interrupted != 0;
}

bool countdown(int seconds, bool tty, std::ostream& err) {
    constexpr int kTicksPerSecond = 10;  // smooth enough for a bar, cheap enough to idle
    constexpr int kBarWidth = 30;
    for (int tick = 0; tick <= seconds * kTicksPerSecond && !interrupted; ++tick) {
        if (tty) {
            int filled = seconds == 0 ? kBarWidth : tick * kBarWidth / (seconds * kTicksPerSecond);
            int left = seconds - tick / kTicksPerSecond;
            err << "\r  [" << std::string(filled, '#') << std::string(kBarWidth - filled, ' ')
                << "] " << left << " s " << std::flush;
        }
        timespec ts{0, 1000000000L / kTicksPerSecond};
        if (tick < seconds * kTicksPerSecond) nanosleep(&ts, nullptr);
    }
    if (tty) err << "\n";
    return !interrupted;
}

std::optional<ReadChoice> askChoice(std::size_t messages, std::ostream& err) {
    err << choicePrompt(messages) << std::flush;
    while (auto line = readLine()) {
        if (auto choice = parseChoice(*line)) return choice;
        err << tr("Please answer 1, 2 or 3 (Ctrl-C: nothing changes). ") << std::flush;
    }
    err << "\n";
    return std::nullopt;
}

}  // namespace nocontact::ctl
