// SPDX-License-Identifier: GPL-3.0-or-later
// nocontact for GNOME Shell 45 to 50 (an ES module; GNOME Shell 43/44 use
// nocontact@nocontact.org). Before GNOME Shell turns a notification into a banner or a tray
// entry, it asks nocontactd `Decide` (dbus/org.nocontact.Daemon1.xml). "hold": nocontactd has
// kept the message on disk, and it never appears. Anything else — nocontactd not running, an
// error, no answer in time — and the notification shows as usual: none is ever lost. The
// asking, the deadline and the rest live in nocontact.js, shared with the GNOME 43/44
// extension; this file is only the hook into GNOME Shell 45–50.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Shell from 'gi://Shell';

import * as Config from 'resource:///org/gnome/shell/misc/config.js';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';
import * as Main from 'resource:///org/gnome/shell/ui/main.js';

import * as Shared from './nocontact.js';

// The hook, checked against js/ui/notificationDaemon.js, js/ui/main.js and
// js/extensions/extension.js of GNOME Shell 45.0, 46.0, 47.0, 48.0, 49.0 and 50.0.
//  - From 45 on the daemon classes are not exported; main.js keeps the one instance,
//    `export let notificationDaemon`, whose constructor makes `_fdoNotificationDaemon` and
//    `_gtkNotificationDaemon` (the same in 45–50).
//  - FdoNotificationDaemon.NotifyAsync(params, invocation) is where Notify arrives, in every
//    version; asked there, before it builds a notification or touches one it replaces (from 46
//    on it builds a MessageTray.Notification and calls Source.addNotification through
//    processNotification; 45 calls Source.processNotification).
//  - FdoNotificationDaemon._notifications: an object keyed by id in 45, a Map from 46 on
//    (Shared.hasNotification reads both). _nextNotificationId, CloseNotification(id) and
//    _emitNotificationClosed(id, reason) are the same in 45–50 (from 46 on CloseNotification
//    destroys the notification, whose destroy handler emits NotificationClosed).
//  - The app's process comes in the 'sender-pid' hint in 45, 'x-shell-sender-pid' from 46 on
//    (js/dbusServices/notifications/notificationDaemon.js); Shared.fdoRequest reads both.
//  - GtkNotificationDaemon.AddNotificationAsync(params, invocation) and its `_sources` object
//    keyed by app id, each source with removeNotification(id): the same in 45–50 (45 passes
//    the unpacked dictionary to source.addNotification, 46–50 build a notification object
//    first; both after the point where it is asked).
//  - Extension (extensions/extension.js): enable()/disable() and this.metadata in 45–50;
//    ExtensionManager (ui/extensionSystem.js) enables and disables asynchronously in all of
//    them (see `running` below).

// A held FDO notification: the app gets an id as usual, then hears it was closed — as when
// nocontactd closes it on other servers. One it replaced, already on screen, goes too.
function holdFdo(daemon, params, invocation) {
    const replacesId = params[1];
    const replaced = replacesId !== 0 && Shared.hasNotification(daemon._notifications, replacesId);
    const id = replaced ? replacesId : daemon._nextNotificationId++;
    invocation.return_value(new GLib.Variant('(u)', [id]));
    // After the reply, so GNOME's notification service knows the id when the signal comes.
    GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
        if (replaced)
            daemon.CloseNotification(id);
        else
            daemon._emitNotificationClosed(id, Shared.CLOSED_BY_CALL);
        return GLib.SOURCE_REMOVE;
    });
}

// A held GTK notification: accepted; one with the same id, already on screen, goes.
function holdGtk(daemon, params, invocation) {
    const [appId, notificationId] = params;
    invocation.return_value(null);
    daemon._sources[appId]?.removeNotification(notificationId);
}

/**
 * GNOME Shell's two notification servers, and everything of theirs the hook uses, checked
 * rather than assumed.
 *
 * @param {object} main - GNOME Shell's main.js
 * @returns {{fdo: object, gtk: object}|null} null when this is not a GNOME Shell the hook
 *   was written for
 */
export function notificationDaemons(main) {
    const fdo = main.notificationDaemon?._fdoNotificationDaemon;
    const gtk = main.notificationDaemon?._gtkNotificationDaemon;
    if (typeof fdo?.NotifyAsync !== 'function' ||
        typeof fdo.CloseNotification !== 'function' ||
        typeof fdo._emitNotificationClosed !== 'function' ||
        typeof fdo._notifications !== 'object' || fdo._notifications === null ||
        typeof fdo._nextNotificationId !== 'number' ||
        typeof gtk?.AddNotificationAsync !== 'function' ||
        typeof gtk._sources !== 'object')
        return null;
    return {fdo, gtk};
}

// What runs while enabled, one for the module rather than one per object: GNOME Shell 48 was
// seen making two objects of this class and enabling both, without disable() in between, when
// two extensions were enabled in quick succession (ExtensionManager's
// _onEnabledExtensionsChanged is async from 44 on, 45-50 included, and a second settings
// change can start before the first has finished, each initialising the extension). The
// second enable() finds it running and leaves it; any disable() GNOME Shell then calls stops
// it.
let running = null;

export default class NocontactExtension extends Extension {
    enable() {
        if (running)
            return;
        const daemons = notificationDaemons(Main);
        if (!daemons) {
            // Change nothing, own no name, and nocontactd keeps closing notifications itself
            // where the server lets it.
            console.log('nocontact: this GNOME Shell is not one the extension knows; ' +
                'it does nothing');
            return;
        }
        running = Shared.start({
            connection: Gio.DBus.session,
            ...daemons,
            holdFdo,
            holdGtk,
            appSystem: Shell.AppSystem.get_default(),
            appStates: Shell.AppState,
            about: {
                version: this.metadata.version,
                shellVersion: Config.PACKAGE_VERSION,
                uuid: this.metadata.uuid,
            },
        });
    }

    disable() {
        running?.destroy();
        running = null;
    }
}
