// SPDX-License-Identifier: GPL-3.0-or-later
/* exported init */
// nocontact for GNOME Shell 43 and 44 (legacy imports; GNOME 45 and later load ES modules and
// need another file). Before GNOME Shell turns a notification into a banner or a tray entry, it
// asks nocontactd `Decide` (dbus/org.nocontact.Daemon1.xml). "hold": nocontactd has kept the
// message on disk, and it never appears. Anything else — nocontactd not running, an error, no
// answer within DEADLINE_MS — and the notification shows as usual: none is ever lost.
//
// Where it asks: at the two doors notifications come in by, before GNOME Shell builds anything
// the person could see.
//  - FdoNotificationDaemon.NotifyAsync (org.freedesktop.Notifications; on GNOME 43 the separate
//    org.gnome.Shell.Notifications service forwards apps' calls here, with the app's process in
//    the sender-pid hint). Asking here, not in MessageTray.Source.showNotification, matters for
//    a notification that replaces one on screen: NotifyAsync updates its text in place before
//    showNotification runs.
//  - GtkNotificationDaemon.AddNotificationAsync (org.gtk.Notifications: GNotification apps, and
//    sandboxed apps, whose portal notifications xdg-desktop-portal-gnome forwards here).
// While enabled it owns org.nocontact.ShellExtension1, so nocontactd knows it can leave these
// notifications to Decide and close nothing itself.
'use strict';

const { Gio, GLib } = imports.gi;
const Main = imports.ui.main;

const DAEMON_NAME = 'org.nocontact.Daemon1';
const DAEMON_PATH = '/org/nocontact/Daemon1';
const DAEMON_INTERFACE = 'org.nocontact.Daemon1';
const OWN_NAME = 'org.nocontact.ShellExtension1';
// How long a notification waits for nocontactd's answer. nocontactd answers in a few
// milliseconds (a decision and a SQLite write); 300 ms covers a busy machine and is still too
// short for anyone to notice a late banner.
const DEADLINE_MS = 300;
// NotificationClosed's reason for a held FDO notification: "closed by CloseNotification", what
// the app hears from other servers when nocontactd closes it there.
const CLOSED_BY_CALL = 3;
// Hint types passed to nocontactd as text, as its monitor reads them (dbus/decode.cpp).
const BASIC_TYPES = 'sbynqiuxtd';
// GTK dictionary keys nocontactd reads, each a string (dbus/decode.cpp).
const GTK_TEXT_KEYS = ['priority', 'category', 'default-action'];

function text(variant) {
    return variant instanceof GLib.Variant && variant.get_type_string() === 's'
        ? variant.unpack() : '';
}

// Basic-type hints as text; image data and other containers carry no sender.
function textHints(hints) {
    const out = {};
    for (const [key, value] of Object.entries(hints)) {
        if (!(value instanceof GLib.Variant))
            continue;
        const type = value.get_type_string();
        if (type.length !== 1 || !BASIC_TYPES.includes(type))
            continue;
        const v = value.unpack();
        out[key] = type === 'b' ? String(!!v) : String(v);
    }
    return out;
}

function fdoRequest(params, invocation) {
    const [appName, replacesId_, icon, summary, body, actions, hints] = params;
    const strings = textHints(hints);
    const pid = Number(strings['sender-pid']);
    return {
        source: new GLib.Variant('s', 'fdo'),
        app_name: new GLib.Variant('s', appName),
        icon: new GLib.Variant('s', icon),
        summary: new GLib.Variant('s', summary),
        body: new GLib.Variant('s', body),
        actions: new GLib.Variant('as', actions),
        hints: new GLib.Variant('a{ss}', strings),
        sender: new GLib.Variant('s', invocation.get_sender() ?? ''),
        sender_pid: new GLib.Variant('u', pid > 0 && pid < 2 ** 32 ? pid : 0),
    };
}

function gtkRequest(params, invocation) {
    const [appId, notificationId, notification] = params;
    const hints = {};
    for (const key of GTK_TEXT_KEYS) {
        if (text(notification[key]))
            hints[key] = text(notification[key]);
    }
    const defaultAction = hints['default-action'];
    return {
        source: new GLib.Variant('s', 'gtk'),
        app_id: new GLib.Variant('s', appId),
        id: new GLib.Variant('s', notificationId),
        summary: new GLib.Variant('s', text(notification.title)),
        body: new GLib.Variant('s', text(notification.body)),
        actions: new GLib.Variant('as', defaultAction ? ['default', defaultAction] : []),
        hints: new GLib.Variant('a{ss}', hints),
        sender: new GLib.Variant('s', invocation.get_sender() ?? ''),
    };
}

// A held FDO notification: the app gets an id as usual, then hears it was closed — as when
// nocontactd closes it on other servers. One it replaced, already on screen, goes too.
function holdFdo(daemon, params, invocation) {
    const replacesId = params[1];
    const replaced = replacesId !== 0 && Boolean(daemon._notifications[replacesId]);
    const id = replaced ? replacesId : daemon._nextNotificationId++;
    invocation.return_value(new GLib.Variant('(u)', [id]));
    // After the reply, so GNOME's notification service knows the id when the signal comes.
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        if (replaced)
            daemon.CloseNotification(id);
        else
            daemon._emitNotificationClosed(id, CLOSED_BY_CALL);
        return GLib.SOURCE_REMOVE;
    });
}

// A held GTK notification: accepted; one with the same id, already on screen, goes.
function holdGtk(daemon, params, invocation) {
    const [appId, notificationId] = params;
    invocation.return_value(null);
    daemon._sources[appId]?.removeNotification(notificationId);
}

class Extension {
    constructor() {
        this._patches = [];
        this._cancellable = null;
        this._ownId = 0;
        this._watchId = 0;
        this._daemonOwner = null;
        this._daemonPid = 0;
    }

    enable() {
        // GNOME Shell's two notification servers (js/ui/notificationDaemon.js), and everything
        // of theirs the extension uses, checked here rather than assumed.
        const fdo = Main.notificationDaemon?._fdoNotificationDaemon;
        const gtk = Main.notificationDaemon?._gtkNotificationDaemon;
        if (typeof fdo?.NotifyAsync !== 'function' ||
            typeof fdo.CloseNotification !== 'function' ||
            typeof fdo._emitNotificationClosed !== 'function' ||
            typeof fdo._notifications !== 'object' ||
            typeof fdo._nextNotificationId !== 'number' ||
            typeof gtk?.AddNotificationAsync !== 'function' ||
            typeof gtk._sources !== 'object') {
            // Not the GNOME Shell this was written for: change nothing, own no name, and
            // nocontactd keeps closing notifications itself where the server lets it.
            log('nocontact: this GNOME Shell is not one the extension knows; it does nothing');
            return;
        }
        this._cancellable = new Gio.Cancellable();
        this._patch(fdo, 'NotifyAsync', fdoRequest, holdFdo);
        this._patch(gtk, 'AddNotificationAsync', gtkRequest, holdGtk);
        this._watchId = Gio.bus_watch_name_on_connection(Gio.DBus.session, DAEMON_NAME,
            Gio.BusNameWatcherFlags.NONE,
            (connection, name_, owner) => this._learnDaemonPid(connection, owner),
            () => {
                this._daemonOwner = null;
                this._daemonPid = 0;
            });
        this._ownId = Gio.bus_own_name_on_connection(Gio.DBus.session, OWN_NAME,
            Gio.BusNameOwnerFlags.NONE, null, null);
    }

    // nocontactd's own notifications (its pause, a message the person chose to read) are shown
    // without asking: it posts them with a blocking call, so asking it then would only wait
    // out DEADLINE_MS. GNOME's notification service names the sender's process in sender-pid.
    _learnDaemonPid(connection, owner) {
        this._daemonPid = 0;
        this._daemonOwner = owner;
        connection.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'GetConnectionUnixProcessID', new GLib.Variant('(s)', [owner]),
            new GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, -1, this._cancellable,
            (c, result) => {
                try {
                    const [pid] = c.call_finish(result).deepUnpack();
                    if (this._daemonOwner === owner)  // not replaced meanwhile
                        this._daemonPid = pid;
                } catch (e) {
                    // Gone already, or disabled meanwhile: every notification is asked about.
                }
            });
    }

    _fromDaemon(question) {
        const pid = question.sender_pid?.unpack() ?? 0;
        return pid !== 0 && pid === this._daemonPid;
    }

    disable() {
        if (this._ownId)
            Gio.bus_unown_name(this._ownId);
        if (this._watchId)
            Gio.bus_unwatch_name(this._watchId);
        this._ownId = this._watchId = this._daemonPid = 0;
        this._daemonOwner = null;
        for (const { daemon, name, own, original } of this._patches) {
            if (own)
                daemon[name] = original;
            else
                delete daemon[name];  // the class's method again
        }
        this._patches = [];
        // Every notification still waiting for an answer is shown now.
        this._cancellable?.cancel();
        this._cancellable = null;
    }

    // Wraps daemon[name](params, invocation), on this one object (GDBus looks the method up on
    // it for each call): asks first, then calls the original (show) or hold(daemon, params,
    // invocation).
    _patch(daemon, name, request, hold) {
        const original = daemon[name];
        const own = Object.prototype.hasOwnProperty.call(daemon, name);
        const extension = this;
        daemon[name] = function (params, invocation) {
            let question;
            try {
                question = request(params, invocation);
            } catch (e) {
                logError(e, 'nocontact: could not read a notification; it is shown');
                original.call(this, params, invocation);
                return;
            }
            if (extension._fromDaemon(question)) {
                original.call(this, params, invocation);
                return;
            }
            extension._ask(question, verdict => {
                if (verdict !== 'hold') {
                    original.call(this, params, invocation);
                    return;
                }
                try {
                    hold(this, params, invocation);
                } catch (e) {
                    // nocontactd has kept it; GNOME only failed to tidy up after it.
                    logError(e, 'nocontact: could not finish holding a notification');
                }
            });
        };
        this._patches.push({ daemon, name, own, original });
    }

    // Calls answer('hold') or answer('show') exactly once, within DEADLINE_MS. Asked even when
    // nocontactd may not run: without it the bus says so at once (NO_AUTO_START: GNOME never
    // starts nocontactd), and there is no moment when a starting nocontactd is not asked.
    _ask(question, answer) {
        // So that nocontactd, answering too late, does not keep what GNOME has shown already.
        question.deadline_usec =
            new GLib.Variant('x', GLib.get_monotonic_time() + DEADLINE_MS * 1000);
        Gio.DBus.session.call(DAEMON_NAME, DAEMON_PATH, DAEMON_INTERFACE, 'Decide',
            new GLib.Variant('(a{sv})', [question]), new GLib.VariantType('(s)'),
            Gio.DBusCallFlags.NO_AUTO_START, DEADLINE_MS, this._cancellable,
            (connection, result) => {
                let verdict = 'show';
                try {
                    [verdict] = connection.call_finish(result).deepUnpack();
                } catch (e) {
                    // Not running, an error, too slow, or the extension was disabled: shown.
                    // Only slowness is worth a line in the journal (never the message).
                    if (e.matches?.(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT))
                        log('nocontact: nocontactd did not answer in time; shown as usual');
                }
                answer(verdict);
            });
    }
}

function init() {
    return new Extension();
}
