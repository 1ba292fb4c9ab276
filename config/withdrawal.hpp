// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How nocontactd takes a kept message back from a notification server that has already
// answered its Notify (no server rule held it before it was drawn): the way that shows the
// least on that server. Pure: what GetServerInformation said in, the way out. README's table
// "How a message is taken back" says the same per server.

#include <optional>
#include <string>
#include <string_view>

namespace nocontact::config {

enum class Withdrawal {
    // Notify with replaces_id (the placeholder in the message's place), then
    // CloseNotification: for servers that keep closed notifications with their text in a
    // history a person can open again (dunst's history, mako's `makoctl restore`): the history
    // keeps the placeholder instead of the text; and for KDE Plasma, which draws nearly every
    // message before any close can reach it (measured): the placeholder at least replaces the
    // text, where a close alone leaves it on screen until Plasma takes the window away.
    ReplaceThenClose,
    // CloseNotification at once, nothing put in the message's place: for servers that keep
    // nothing once closed (swaync, GNOME Shell), those whose keeping a replacement cannot undo
    // and that draw no more of the text without it (xfce4-notifyd logs the text when it
    // arrives; measured), and servers nocontact does not know. There the placeholder would
    // only be one more thing drawn.
    CloseNow,
};

// The way for a server as GetServerInformation names it ("dunst", "mako", "Plasma",
// "xfce4-notifyd", "SwayNotificationCenter", "gnome-shell", ...). The name alone decides: no
// version of these servers changes what it keeps (see withdrawal.cpp). An empty name is a
// server that has not said yet (its answer is on its way): the replacement then, so that no
// history keeps the text in the meantime.
Withdrawal withdrawalFor(std::string_view server_name);

// "replace-then-close" or "close-now", as Status says it.
const char* withdrawalName(Withdrawal w);

// The way named as withdrawalName names it; nothing for any other word.
std::optional<Withdrawal> withdrawalNamed(std::string_view name);

}  // namespace nocontact::config
