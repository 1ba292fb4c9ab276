// SPDX-License-Identifier: GPL-3.0-or-later
// Stand-ins of what the GNOME Shell 45-50 extension's hook reaches in GNOME Shell, for
// hook_test.js: the notification daemon (js/ui/notificationDaemon.js) in the shape of GNOME
// Shell 45 or 46-50, Shell.AppSystem, and the D-Bus invocations apps' calls come in as.
import GLib from 'gi://GLib';

// `reached` records every notification that got as far as a source: what must never happen
// to a held one.
export class Source {
    constructor(reached) {
        this.reached = reached;
        this.removed = [];
    }

    processNotification(notification) {  // GNOME 45's way in
        this.reached.push(['processNotification', notification.summary]);
    }

    addNotification(notification) {  // GNOME 46-50's, and GTK sources' in 45-50
        this.reached.push(['addNotification', notification.summary ?? notification.title]);
    }

    removeNotification(id) {
        this.removed.push(id);
    }
}

export class FdoNotificationDaemon {
    constructor(shape, reached) {
        this._shape = shape;
        this._notifications = shape === '45' ? {} : new Map();
        this._nextNotificationId = 1;
        this._source = new Source(reached);
        this.closed = [];
    }

    _has(id) {
        return this._shape === '45' ? id in this._notifications : this._notifications.has(id);
    }

    NotifyAsync(params, invocation) {
        const [, replacesId, , summary] = params;
        const id = replacesId !== 0 && this._has(replacesId)
            ? replacesId : this._nextNotificationId++;
        if (this._shape === '45') {
            this._notifications[id] = {summary};
            this._source.processNotification({summary});
        } else {
            this._notifications.set(id, {summary});
            this._source.addNotification({summary});
        }
        invocation.return_value(new GLib.Variant('(u)', [id]));
    }

    CloseNotification(id) {
        if (!this._has(id))
            return;
        if (this._shape === '45')
            delete this._notifications[id];
        else
            this._notifications.delete(id);
        this._emitNotificationClosed(id, 3);
    }

    _emitNotificationClosed(id, reason) {
        this.closed.push([id, reason]);
    }
}

export class GtkNotificationDaemon {
    constructor(reached) {
        this._sources = {};
        this._reached = reached;
    }

    AddNotificationAsync(params, invocation) {
        const [appId, , notification] = params;
        this._sources[appId] ??= new Source(this._reached);
        this._sources[appId].addNotification({title: notification.title.unpack()});
        invocation.return_value(null);
    }
}

export class NotificationDaemon {
    constructor(shape, reached) {
        this._fdoNotificationDaemon = new FdoNotificationDaemon(shape, reached);
        this._gtkNotificationDaemon = new GtkNotificationDaemon(reached);
    }
}

// Shell.AppSystem's shape, as far as the extension uses it.
export class AppSystem {
    constructor() {
        this.handlers = new Map();
    }

    connect(signal, handler) {
        this.handlers.set(signal, handler);
        return 1;
    }

    disconnect() {
        this.handlers.clear();
    }

    get_running() {
        return [];
    }
}

class Invocation {
    get_sender() {
        return ':1.42';
    }

    return_value(value) {
        this.returned = value;
    }
}

export function notify(fdo, summary, replacesId = 0) {
    const invocation = new Invocation();
    fdo.NotifyAsync(['Signal', replacesId, '', summary, 'are you up?', [], {
        'x-shell-sender-pid': new GLib.Variant('u', 4242),
    }], invocation);
    return invocation;
}

export function addGtk(gtk, appId, id, title) {
    const invocation = new Invocation();
    gtk.AddNotificationAsync([appId, id, {title: new GLib.Variant('s', title)}], invocation);
    return invocation;
}
