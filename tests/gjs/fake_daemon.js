// SPDX-License-Identifier: GPL-3.0-or-later
// A fake nocontactd for the gjs tests: its own connection to the test's private bus, owning
// org.nocontact.Daemon1 and answering Decide as told. Records every question and every
// AppStarted, and can go away as a crashing nocontactd would (its connection closes).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

const NAME = 'org.nocontact.Daemon1';
const PATH = '/org/nocontact/Daemon1';

function xml(decideType) {
    return `<node><interface name="${NAME}">
  <method name="Decide"><arg type="a{sv}" direction="in"/>
    <arg type="${decideType}" direction="out"/></method>
  <method name="AppStarted"><arg type="s" direction="in"/><arg type="u" direction="in"/></method>
</interface></node>`;
}

export function connect(address) {
    return Gio.DBusConnection.new_for_address_sync(address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, null, null);
}

export class FakeDaemon {
    /**
     * @param {string} address - the private bus
     * @param {string} mode - 'hold' | 'show' | 'slow' (answers after `slowMs`) | 'malformed'
     *   (answers an integer) | 'word' (answers a word that is neither)
     * @param {number} slowMs - how late 'slow' answers
     */
    constructor(address, mode, slowMs = 0) {
        this.mode = mode;
        this.questions = [];
        this.started = [];
        this.connection = connect(address);
        const impl = {
            DecideAsync: (params, invocation) => this._decide(params, invocation, slowMs),
            AppStartedAsync: (params, invocation) => {
                this.started.push(params);
                invocation.return_value(null);
            },
        };
        this._object = Gio.DBusExportedObject.wrapJSObject(
            xml(mode === 'malformed' ? 'i' : 's'), impl);
        this._object.export(this.connection, PATH);
        const [reply] = this.connection.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
            'org.freedesktop.DBus', 'RequestName', new GLib.Variant('(su)', [NAME, 4]),
            new GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, -1, null).deepUnpack();
        if (reply !== 1)
            throw new Error(`the fake nocontactd could not own ${NAME} (${reply})`);
    }

    _decide([question], invocation, slowMs) {
        this.questions.push(question);
        const reply = {
            hold: new GLib.Variant('(s)', ['hold']),
            show: new GLib.Variant('(s)', ['show']),
            slow: new GLib.Variant('(s)', ['hold']),
            malformed: new GLib.Variant('(i)', [1]),
            word: new GLib.Variant('(s)', ['perhaps']),
        }[this.mode];
        if (this.mode !== 'slow') {
            invocation.return_value(reply);
            return;
        }
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, slowMs, () => {
            invocation.return_value(reply);
            return GLib.SOURCE_REMOVE;
        });
    }

    // As when nocontactd stops or crashes: its connection, and with it the name, goes.
    close() {
        this._object.unexport();
        this.connection.close_sync(null);
    }
}
