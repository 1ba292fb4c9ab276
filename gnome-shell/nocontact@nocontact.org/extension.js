// SPDX-License-Identifier: GPL-3.0-or-later
/* exported init */
// nocontact for GNOME Shell 43 and 44 (legacy imports; GNOME 45 and later load ES modules and
// use nocontact45@nocontact.org). Before GNOME Shell turns a notification into a banner or a
// tray entry, it asks nocontactd `Decide` (dbus/org.nocontact.Daemon1.xml). "hold": nocontactd
// has kept the message on disk, and it never appears. Anything else — nocontactd not running,
// an error, no answer in time — and the notification shows as usual: none is ever lost. The
// asking, the deadline and the rest live in nocontact.js, shared with the GNOME 45–50
// extension; this file is only the hook into GNOME Shell 43/44.
//
// Where it asks: at the two doors notifications come in by, before GNOME Shell builds anything
// the person could see.
//  - FdoNotificationDaemon.NotifyAsync (org.freedesktop.Notifications; the separate
//    org.gnome.Shell.Notifications service forwards apps' calls here, with the app's process in
//    the sender-pid hint). Asking here, not in MessageTray.Source.showNotification, matters for
//    a notification that replaces one on screen: NotifyAsync updates its text in place before
//    showNotification runs.
//  - GtkNotificationDaemon.AddNotificationAsync (org.gtk.Notifications: GNotification apps, and
//    sandboxed apps, whose portal notifications xdg-desktop-portal-gnome forwards here).
// Checked against js/ui/notificationDaemon.js and js/ui/main.js of GNOME Shell 43.0 and 44.0,
// which agree on everything used here: both daemons are fields of Main.notificationDaemon
// (`var notificationDaemon`), FdoNotificationDaemon has NotifyAsync, CloseNotification,
// _emitNotificationClosed, _nextNotificationId and its notifications in an object keyed by id,
// and GtkNotificationDaemon has AddNotificationAsync and its app sources (each with
// removeNotification) in an object keyed by app id. The app's process comes in the
// 'sender-pid' hint in both.
'use strict';

const { Gio, GLib, Shell } = imports.gi;
const Config = imports.misc.config;
const ExtensionUtils = imports.misc.extensionUtils;
const Main = imports.ui.main;

// A held FDO notification: the app gets an id as usual, then hears it was closed — as when
// nocontactd closes it on other servers. One it replaced, already on screen, goes too.
function holdFdo(shared, daemon, params, invocation) {
    const replacesId = params[1];
    const replaced = replacesId !== 0 && shared.hasNotification(daemon._notifications, replacesId);
    const id = replaced ? replacesId : daemon._nextNotificationId++;
    invocation.return_value(new GLib.Variant('(u)', [id]));
    // After the reply, so GNOME's notification service knows the id when the signal comes.
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        if (replaced)
            daemon.CloseNotification(id);
        else
            daemon._emitNotificationClosed(id, shared.CLOSED_BY_CALL);
        return GLib.SOURCE_REMOVE;
    });
}

// A held GTK notification: accepted; one with the same id, already on screen, goes.
function holdGtk(daemon, params, invocation) {
    const [appId, notificationId] = params;
    invocation.return_value(null);
    daemon._sources[appId]?.removeNotification(notificationId);
}

// GNOME Shell's two notification servers, and everything of theirs the hook uses, checked
// rather than assumed; null when this is not a GNOME Shell the hook was written for.
function notificationDaemons() {
    const fdo = Main.notificationDaemon?._fdoNotificationDaemon;
    const gtk = Main.notificationDaemon?._gtkNotificationDaemon;
    if (typeof fdo?.NotifyAsync !== 'function' ||
        typeof fdo.CloseNotification !== 'function' ||
        typeof fdo._emitNotificationClosed !== 'function' ||
        typeof fdo._notifications !== 'object' ||
        typeof fdo._nextNotificationId !== 'number' ||
        typeof gtk?.AddNotificationAsync !== 'function' ||
        typeof gtk._sources !== 'object')
        return null;
    return { fdo, gtk };
}

// What runs while enabled, and how many times enable() or disable() was called, kept for the
// file rather than per object: GNOME Shell 44 enables extensions asynchronously
// (ExtensionManager._callExtensionEnable), and GNOME Shell 48 was seen, with two extensions
// enabled in the same instant, making two objects of one extension and enabling both.
let running = null;
let generation = 0;  // a late import() finds it changed: disabled (or enabled again) meanwhile

class Extension {
    constructor(me) {
        this._me = me;
    }

    enable() {
        if (running)
            return;
        const daemons = notificationDaemons();
        if (!daemons) {
            // Change nothing, own no name, and nocontactd keeps closing notifications itself
            // where the server lets it.
            log('nocontact: this GNOME Shell is not one the extension knows; it does nothing');
            return;
        }
        const enabled = ++generation;
        // The shared module is an ES module; legacy code reaches it only through import(),
        // which resolves on a later turn of the loop. Until then notifications show as usual.
        import(this._me.dir.get_child('nocontact.js').get_uri()).then(shared => {
            if (enabled !== generation || running)
                return;
            running = shared.start({
                connection: Gio.DBus.session,
                ...daemons,
                holdFdo: (...args) => holdFdo(shared, ...args),
                holdGtk,
                appSystem: Shell.AppSystem.get_default(),
                appStates: Shell.AppState,
                about: {
                    version: this._me.metadata.version,
                    shellVersion: Config.PACKAGE_VERSION,
                    uuid: this._me.metadata.uuid,
                },
            });
        }).catch(e => logError(e, 'nocontact: could not start; notifications show as usual'));
    }

    disable() {
        generation++;
        running?.destroy();
        running = null;
    }
}

function init() {
    return new Extension(ExtensionUtils.getCurrentExtension());
}
