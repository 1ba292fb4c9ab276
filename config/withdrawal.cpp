// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/withdrawal.hpp"

#include <array>

namespace nocontact::config {

namespace {

// The servers where the placeholder shows less of a kept message than a close alone, as
// measured (BENCHMARKS.md, "Taken back after the reply: what is drawn"):
// - dunst moves a notification closed by CloseNotification into its history (unless a rule
//   says history_ignore); mako puts it in its history (`history=1` by default): on Debian 12's
//   mako 1.7.1, `makoctl restore` brings one closed by CloseNotification back, text and all.
//   The placeholder makes the history keep it instead of the text.
// - KDE Plasma (5.27 under KWin) keeps nothing once closed, but draws the message before any
//   close can reach it: closed at once, the text was drawn for 79 of 80 messages; replaced
//   first, for 28 of 80. The placeholder at least replaces the text.
// Elsewhere a close alone: xfce4-notifyd 0.7 drew the text of about 1 message in 50 either way
// (6 of 280 closed at once, 5 of 280 replaced first), and with the placeholder it put more
// windows on screen for longer (it also writes its log when the message arrives, so a
// placeholder cannot take the text back out of it);
// swaync's CloseNotification takes it out of its control centre too (its source); GNOME Shell
// 42 and later refuse the close.
constexpr std::array<std::string_view, 3> kPlaceholderFirst = {"dunst", "mako", "Plasma"};

}  // namespace

Withdrawal withdrawalFor(std::string_view server_name) {
    if (server_name.empty()) return Withdrawal::ReplaceThenClose;
    for (auto name : kPlaceholderFirst)
        if (server_name == name) return Withdrawal::ReplaceThenClose;
    return Withdrawal::CloseNow;
}

const char* withdrawalName(Withdrawal w) {
    return w == Withdrawal::ReplaceThenClose ? "replace-then-close" : "close-now";
}

std::optional<Withdrawal> withdrawalNamed(std::string_view name) {
    for (auto w : {Withdrawal::ReplaceThenClose, Withdrawal::CloseNow})
        if (name == withdrawalName(w)) return w;
    return std::nullopt;
}

}  // namespace nocontact::config
