// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// The port through which nocontactd shows its own notifications (the pause, a re-posted message,
// a nudge). The daemon talks to it; LibnotifyNotifier implements it on libnotify, and tests put a
// fake in its place. An implementation may be asynchronous: post() and update() may return
// before the server has answered, and report a failure later through the FailedCallback.
namespace nocontact::daemon {

// The freedesktop urgency levels, as the "urgency" hint carries them.
enum class Urgency : std::uint8_t { Low = 0, Normal = 1, Critical = 2 };

// Why a notification went away, as NotificationClosed says (spec 1.2).
enum class CloseReason : std::uint8_t { Expired = 1, Dismissed = 2, ByCall = 3, Undefined = 4 };

struct NotificationAction {
    std::string key;    // "default" is the click on the notification itself
    std::string label;  // what the button says
    bool operator==(const NotificationAction&) const = default;
};

// Everything one notification says. The body is sent as it is: markup, if any, is the
// caller's business (see Notifier::Capabilities::body_markup).
struct NotificationContent {
    std::string app_name{};
    std::string app_icon{};
    std::string summary{};
    std::string body{};
    std::vector<NotificationAction> actions{};
    std::optional<int> value{};  // the "value" hint: progress 0..100
    bool transient = false;      // the "transient" hint: not kept in the server's history
    // Expire timeout 0 and the "resident" hint: it stays until it is answered or closed, where
    // the server allows (some servers still time everything out, or drop it after an action).
    bool until_closed = false;
    Urgency urgency = Urgency::Normal;
    std::string desktop_entry{};  // the "desktop-entry" hint, without ".desktop"; empty: none
    std::string category{};       // the "category" hint; empty: none
};

class Notifier {
  public:
    // Our own handle for a notification, stable across updates; 0 is never a valid one.
    using Handle = std::uint64_t;
    using ActionCallback = std::function<void(Handle, const std::string& action_key)>;
    using ClosedCallback = std::function<void(Handle, CloseReason)>;
    using FailedCallback = std::function<void(Handle)>;

    // What the notification server can do (GetCapabilities).
    struct Capabilities {
        bool actions = false;      // "actions": buttons are shown
        bool body_markup = false;  // "body-markup": <b>, <i> are rendered, & < > must be escaped
    };

    virtual ~Notifier() = default;

    // The server's capabilities; an implementation may cache them.
    virtual Capabilities capabilities() = 0;

    // Shows a new notification. Returns its handle, or 0 if the server could not be reached.
    virtual Handle post(const NotificationContent& content) = 0;

    // Replaces what `handle` shows, in place (same server id); a handle whose post failed is
    // posted again. False if it is gone (closed) or failed.
    virtual bool update(Handle handle, const NotificationContent& content) = 0;

    // Closes `handle` and forgets it. Its ClosedCallback is not called for this.
    virtual void close(Handle handle) = 0;

    // Where button presses, closes and failures are reported, once per notifier. A notification
    // is forgotten after its ClosedCallback ran. The FailedCallback says the server did not take
    // a post or an update (it is unreachable, or gave up waiting); the handle stays valid until
    // closed.
    virtual void setCallbacks(ActionCallback on_action, ClosedCallback on_closed,
                              FailedCallback on_failed) = 0;
};

}  // namespace nocontact::daemon
