// SPDX-License-Identifier: GPL-3.0-or-later
// What the nocontact GNOME Shell extensions share, whatever GNOME Shell's version: asking
// nocontactd `Decide` (dbus/org.nocontact.Daemon1.xml) with a deadline before a notification is
// shown (shown as usual when nocontactd is absent, slow or says anything else); reading
// notifications into Decide's questions; owning org.nocontact.ShellExtension1; telling
// nocontactd when an app starts. An ES module: GNOME Shell 45–50 import it statically, 43/44
// (legacy imports) with import(). Each extension.js is only the hook into its version's
// notification daemon; nothing here touches GNOME Shell, so this runs (and is tested) under gjs.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

export const DAEMON_NAME = 'org.nocontact.Daemon1';
export const DAEMON_PATH = '/org/nocontact/Daemon1';
export const DAEMON_INTERFACE = 'org.nocontact.Daemon1';
export const OWN_NAME = 'org.nocontact.ShellExtension1';
export const OWN_PATH = '/org/nocontact/ShellExtension1';
// How long a notification waits for nocontactd's answer. nocontactd answers in a few
// milliseconds (a decision and a SQLite write); 300 ms covers a busy machine and is still too
// short for anyone to notice a late banner.
export const DEADLINE_MS = 300;
// NotificationClosed's reason for a held FDO notification: "closed by CloseNotification", what
// the app hears from other servers when nocontactd closes it there.
export const CLOSED_BY_CALL = 3;
// Hint types passed to nocontactd as text, as its monitor reads them (dbus/decode.cpp).
const BASIC_TYPES = 'sbynqiuxtd';
// GTK dictionary keys nocontactd reads, each a string (dbus/decode.cpp).
const GTK_TEXT_KEYS = ['priority', 'category', 'default-action'];
// Where GNOME's notification service (org.gnome.Shell.Notifications, which forwards apps'
// Notify calls to GNOME Shell) names the app's process: 'sender-pid' in 43–45,
// 'x-shell-sender-pid' (with the app's bus name in 'x-shell-sender') from 46 on.
const PID_HINTS = ['x-shell-sender-pid', 'sender-pid'];

const INTERFACE_XML = `<node>
  <interface name="${OWN_NAME}">
    <property name="Version" type="u" access="read"/>
    <property name="ShellVersion" type="s" access="read"/>
    <property name="Uuid" type="s" access="read"/>
  </interface>
</node>`;

function text(variant) {
    return variant instanceof GLib.Variant && variant.get_type_string() === 's'
        ? variant.unpack() : '';
}

/**
 * Basic-type hints as text; image data and other containers carry no sender.
 * @param {Object<string, GLib.Variant>} hints - a Notify call's hints
 * @returns {Object<string, string>}
 */
export function textHints(hints) {
    const out = {};
    for (const [key, value] of Object.entries(hints ?? {})) {
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

function senderPid(strings) {
    for (const key of PID_HINTS) {
        const pid = Number(strings[key]);
        if (Number.isInteger(pid) && pid > 0 && pid < 2 ** 32)
            return pid;
    }
    return 0;
}

/**
 * Decide's question for org.freedesktop.Notifications.Notify.
 * @param {Array} params - Notify's arguments, as GNOME Shell's NotifyAsync receives them
 * @param {Gio.DBusMethodInvocation} invocation - the call
 * @returns {Object<string, GLib.Variant>}
 */
export function fdoRequest(params, invocation) {
    const [appName, replacesId_, icon, summary, body, actions, hints] = params;
    const strings = textHints(hints);
    return {
        source: new GLib.Variant('s', 'fdo'),
        app_name: new GLib.Variant('s', appName),
        icon: new GLib.Variant('s', icon),
        summary: new GLib.Variant('s', summary),
        body: new GLib.Variant('s', body),
        actions: new GLib.Variant('as', actions),
        hints: new GLib.Variant('a{ss}', strings),
        sender: new GLib.Variant('s', strings['x-shell-sender'] ?? invocation.get_sender() ?? ''),
        sender_pid: new GLib.Variant('u', senderPid(strings)),
    };
}

/**
 * Decide's question for org.gtk.Notifications.AddNotification.
 * @param {Array} params - AddNotification's arguments (app id, id, the a{sv} unpacked one level)
 * @param {Gio.DBusMethodInvocation} invocation - the call
 * @returns {Object<string, GLib.Variant>}
 */
export function gtkRequest(params, invocation) {
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

/**
 * Is `id` a notification `notifications` holds? GNOME Shell keeps FDO notifications in an
 * object keyed by id up to 45, in a Map from 46 on.
 * @param {Map|object} notifications - FdoNotificationDaemon._notifications
 * @param {number} id - a notification id
 * @returns {boolean}
 */
export function hasNotification(notifications, id) {
    if (notifications instanceof Map)
        return notifications.has(id);
    return Boolean(notifications?.[id]);
}

/**
 * The questions and the answers. Calls answer('hold') or answer('show') exactly once per
 * question, within DEADLINE_MS: anything but nocontactd's "hold" in time is "show".
 * @param {Gio.DBusConnection} connection - the session bus
 * @param {number} deadlineMs - how long a question waits
 */
export class Asker {
    constructor(connection, deadlineMs = DEADLINE_MS) {
        this._connection = connection;
        this._deadlineMs = deadlineMs;
        this._cancellable = new Gio.Cancellable();
        this._daemonOwner = null;
        this._daemonPid = 0;
        this._watchId = Gio.bus_watch_name_on_connection(connection, DAEMON_NAME,
            Gio.BusNameWatcherFlags.NONE,
            (c, name_, owner) => this._learnDaemonPid(owner),
            () => {
                this._daemonOwner = null;
                this._daemonPid = 0;
            });
    }

    /** Stops watching; every question still waiting is answered "show" now. */
    destroy() {
        if (this._watchId)
            Gio.bus_unwatch_name(this._watchId);
        this._watchId = 0;
        this._cancellable.cancel();
    }

    // nocontactd's own notifications (its pause, a message the person chose to read) are shown
    // without asking: it posts them with a blocking call, so asking it then would only wait
    // out the deadline. GNOME's notification service names the sender's process.
    _learnDaemonPid(owner) {
        this._daemonPid = 0;
        this._daemonOwner = owner;
        this._connection.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
            'org.freedesktop.DBus', 'GetConnectionUnixProcessID', new GLib.Variant('(s)', [owner]),
            new GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, -1, this._cancellable,
            (c, result) => {
                try {
                    const [pid] = c.call_finish(result).deepUnpack();
                    if (this._daemonOwner === owner)  // not replaced meanwhile
                        this._daemonPid = pid;
                } catch (e) {
                    // Gone already, or stopped meanwhile: every notification is asked about.
                }
            });
    }

    /**
     * @param {Object<string, GLib.Variant>} question - from fdoRequest or gtkRequest
     * @returns {boolean} true for nocontactd's own notifications, never asked about
     */
    fromDaemon(question) {
        const pid = question.sender_pid?.unpack() ?? 0;
        return pid !== 0 && pid === this._daemonPid;
    }

    /**
     * Asked even when nocontactd may not run: without it the bus says so at once
     * (NO_AUTO_START: GNOME never starts nocontactd). A starting nocontactd owns its name first
     * and answers once started: a question asked meanwhile waits, at most until the deadline.
     *
     * @param {Object<string, GLib.Variant>} question - from fdoRequest or gtkRequest
     * @param {function(string)} answer - called with 'hold' or 'show'
     */
    ask(question, answer) {
        // So that nocontactd, answering too late, does not keep what GNOME has shown already.
        question.deadline_usec =
            new GLib.Variant('x', GLib.get_monotonic_time() + this._deadlineMs * 1000);
        this._connection.call(DAEMON_NAME, DAEMON_PATH, DAEMON_INTERFACE, 'Decide',
            new GLib.Variant('(a{sv})', [question]), new GLib.VariantType('(s)'),
            Gio.DBusCallFlags.NO_AUTO_START, this._deadlineMs, this._cancellable,
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
                answer(verdict === 'hold' ? 'hold' : 'show');
            });
    }
}

/**
 * Wraps target[name](params, invocation) on that one object (GDBus looks the method up on it
 * for each call): asks first, then calls the original (show) or hold(target, params,
 * invocation). restore() puts back exactly what was there: an own property again, or none, so
 * that the class's method shows through.
 */
export class Patch {
    constructor(asker, target, name, request, hold) {
        this._target = target;
        this._name = name;
        this._own = Object.prototype.hasOwnProperty.call(target, name);
        this._original = target[name];
        const original = this._original;
        target[name] = function (params, invocation) {
            let question;
            try {
                question = request(params, invocation);
            } catch (e) {
                logError(e, 'nocontact: could not read a notification; it is shown');
                original.call(this, params, invocation);
                return;
            }
            if (asker.fromDaemon(question)) {
                original.call(this, params, invocation);
                return;
            }
            asker.ask(question, verdict => {
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
    }

    restore() {
        if (this._own)
            this._target[this._name] = this._original;
        else
            delete this._target[this._name];
    }
}

/**
 * Tells nocontactd when an app starts, whatever started it (the Shell's app grid, a
 * terminal, another app): Shell.AppSystem's app-state-changed, the same signal in GNOME Shell
 * 43 through 50. An app started by the Shell goes stopped → starting → running, one started
 * any other way stopped → running; either is one start. nocontactd decides whether it is a
 * messaging app; the extension passes every start on (nothing leaves the machine).
 * @param {Gio.DBusConnection} connection - the session bus
 * @param {object} appSystem - Shell.AppSystem.get_default()
 * @param {object} states - Shell.AppState (STOPPED, STARTING, RUNNING)
 */
export class LaunchReporter {
    constructor(connection, appSystem, states) {
        this._connection = connection;
        this._appSystem = appSystem;
        this._states = states;
        this._cancellable = new Gio.Cancellable();
        this._running = new Set((appSystem.get_running?.() ?? []).map(app => app.get_id()));
        this._signalId = appSystem.connect('app-state-changed',
            (system, app) => this._changed(app));
    }

    destroy() {
        if (this._signalId)
            this._appSystem.disconnect(this._signalId);
        this._signalId = 0;
        this._cancellable.cancel();
    }

    _changed(app) {
        const id = app.get_id();
        // "window:N": a window GNOME Shell matched to no desktop file, so to no app anyone
        // could name; nocontactd would find no profile for it.
        if (!id || id.startsWith('window:'))
            return;
        if (app.state === this._states.STOPPED) {
            this._running.delete(id);
            return;
        }
        if (this._running.has(id))
            return;  // starting → running: the same start
        this._running.add(id);
        const pids = app.get_pids?.() ?? [];
        this._connection.call(DAEMON_NAME, DAEMON_PATH, DAEMON_INTERFACE, 'AppStarted',
            new GLib.Variant('(su)', [id, pids[0] ?? 0]), null,
            Gio.DBusCallFlags.NO_AUTO_START, DEADLINE_MS, this._cancellable,
            (c, result) => {
                try {
                    c.call_finish(result);
                } catch (e) {
                    // nocontactd is not running, or an older one: the app opens as usual.
                }
            });
    }
}

/**
 * org.nocontact.ShellExtension1, owned and served while the extension is enabled:
 * nocontactd follows the name, and `nocontactctl status` reads who answers.
 * @param {Gio.DBusConnection} connection - the session bus
 * @param {{version: number, shellVersion: string, uuid: string}} about - what it says
 */
export class Presence {
    constructor(connection, about) {
        this._object = Gio.DBusExportedObject.wrapJSObject(INTERFACE_XML, {
            get Version() { return about.version ?? 0; },
            get ShellVersion() { return about.shellVersion ?? ''; },
            get Uuid() { return about.uuid ?? ''; },
        });
        this._object.export(connection, OWN_PATH);
        this._ownId = Gio.bus_own_name_on_connection(connection, OWN_NAME,
            Gio.BusNameOwnerFlags.NONE, null, null);
    }

    destroy() {
        if (this._ownId)
            Gio.bus_unown_name(this._ownId);
        this._ownId = 0;
        this._object?.unexport();
        this._object = null;
    }
}

/**
 * Everything an enabled extension runs, from the hook's parts.
 * @param {object} parts - what the version's hook found
 * @param {Gio.DBusConnection} parts.connection - the session bus
 * @param {object} parts.fdo - the FdoNotificationDaemon instance
 * @param {object} parts.gtk - the GtkNotificationDaemon instance
 * @param {function(object, Array, Gio.DBusMethodInvocation)} parts.holdFdo - hides a held one
 * @param {function(object, Array, Gio.DBusMethodInvocation)} parts.holdGtk - hides a held one
 * @param {object} [parts.appSystem] - Shell.AppSystem.get_default()
 * @param {object} [parts.appStates] - Shell.AppState
 * @param {object} parts.about - {version, shellVersion, uuid}
 * @returns {{destroy: function()}}
 */
export function start(parts) {
    const parts_ = [];  // each with destroy(), undone in reverse order
    const stop = () => {
        while (parts_.length > 0)
            parts_.pop().destroy();
    };
    try {
        const asker = new Asker(parts.connection, parts.deadlineMs);
        // Destroyed last: every notification still waiting for an answer is shown then.
        parts_.push(asker);
        for (const [target, name, request, hold] of [
            [parts.fdo, 'NotifyAsync', fdoRequest, parts.holdFdo],
            [parts.gtk, 'AddNotificationAsync', gtkRequest, parts.holdGtk],
        ]) {
            const patch = new Patch(asker, target, name, request, hold);
            parts_.push({destroy: () => patch.restore()});
        }
        if (parts.appSystem) {
            try {
                parts_.push(new LaunchReporter(parts.connection, parts.appSystem,
                    parts.appStates));
            } catch (e) {
                // Notifications are still asked about; only app starts go unreported.
                logError(e, 'nocontact: could not follow app starts');
            }
        }
        parts_.push(new Presence(parts.connection, parts.about));
    } catch (e) {
        stop();  // nothing of a half-started extension stays in GNOME Shell
        throw e;
    }
    return {destroy: stop};
}
