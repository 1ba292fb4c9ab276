// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/withdrawal.hpp"

#include <array>

namespace nocontact::config {

namespace {

// The servers known to keep a closed notification, text and all, where a person can bring it
// back: dunst moves a notification closed by CloseNotification into its history (unless a rule
// says history_ignore); mako puts it in its history (`history=1` by default): on Debian 12's
// mako 1.7.1, `makoctl restore` brings one closed by CloseNotification back, text and all.
// The others keep nothing of it once it is closed: KDE Plasma 5.27 keeps its history in memory
// and drops a notification an app closes (measured); swaync's CloseNotification takes it out of
// its control centre too (its source); GNOME Shell 42 and later refuse the close.
// xfce4-notifyd 0.7 writes its log when the message arrives (when its log is on), so a
// placeholder put in its place later cannot take the text back out.
constexpr std::array<std::string_view, 2> kKeepClosedText = {"dunst", "mako"};

}  // namespace

Withdrawal withdrawalFor(std::string_view server_name) {
    if (server_name.empty()) return Withdrawal::ReplaceThenClose;
    for (auto keeps : kKeepClosedText)
        if (server_name == keeps) return Withdrawal::ReplaceThenClose;
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
