// SPDX-License-Identifier: GPL-3.0-or-later
// The GNOME Shell 45-50 extension's hook, installed as a package installs it, against a
// stand-in Main whose notification daemon (shell_standins.js) has the shape of GNOME Shell 45
// (notifications in an object, Source.processNotification) or of 46-50 (a Map,
// Source.addNotification), and a fake nocontactd on the test's own bus: what enable() patches,
// that disable() restores exactly what was there, and that a held notification never reaches
// the source.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Shell from 'gi://Shell';
import System from 'system';

import * as Main from 'resource:///org/gnome/shell/ui/main.js';
import {FakeDaemon, connect} from './fake_daemon.js';
import {assert, assertEqual, run, runFor, test, waitFor} from './harness.js';
import {
    AppSystem, FdoNotificationDaemon, GtkNotificationDaemon, NotificationDaemon, Source, addGtk,
    notify,
} from './shell_standins.js';

const address = GLib.getenv('NOCONTACT_TEST_BUS');
if (!address)
    throw new Error('run me with tests/gjs/run.sh, which gives me a bus of my own');
const dir = `${GLib.getenv('NOCONTACT_GJS_EXTENSIONS')}/nocontact45@nocontact.org`;
const {default: NocontactExtension} =
    await import(Gio.File.new_for_path(`${dir}/extension.js`).get_uri());
const [, metadataBytes] = GLib.file_get_contents(`${dir}/metadata.json`);
const metadata = JSON.parse(new TextDecoder().decode(metadataBytes));
const WAIT_MS = 3000;

// Own properties and their values: what "changed nothing" and "restored exactly" compare.
function snapshot(object) {
    return new Map(Object.getOwnPropertyNames(object).map(name => [name, object[name]]));
}

function sameSnapshot(before, after, what) {
    assertEqual([...after.keys()].sort(), [...before.keys()].sort(), `${what}: own properties`);
    for (const [name, value] of before)
        assert(after.get(name) === value, `${what}.${name} is what it was`);
}

const session = connect(address);
function nameOwner() {
    try {
        return session.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
            'org.freedesktop.DBus', 'GetNameOwner',
            new GLib.Variant('(s)', ['org.nocontact.ShellExtension1']), null,
            Gio.DBusCallFlags.NONE, -1, null).deepUnpack()[0];
    } catch (e) {
        return '';
    }
}

// Runs body(world) with a stand-in GNOME Shell of `shape`, a fake nocontactd answering
// `mode`, and the extension enabled; disabled and torn down after, whatever happens.
function withShell(shape, mode, body) {
    const reached = [];
    const daemon = new NotificationDaemon(shape, reached);
    Main.setNotificationDaemon(daemon);
    const apps = new AppSystem();
    const getDefault = Shell.AppSystem.get_default;
    Shell.AppSystem.get_default = () => apps;
    const nocontactd = mode ? new FakeDaemon(address, mode) : null;
    const extension = new NocontactExtension(metadata);
    try {
        body({daemon, fdo: daemon._fdoNotificationDaemon, gtk: daemon._gtkNotificationDaemon,
            reached, apps, extension, nocontactd});
    } finally {
        extension.disable();
        nocontactd?.close();
        Shell.AppSystem.get_default = getDefault;
        Main.setNotificationDaemon(null);
    }
}

for (const shape of ['45', '46-50']) {
    test(`GNOME ${shape}: enable() patches the two methods on the instances, nothing else`, () => {
        withShell(shape, 'show', ({daemon, fdo, gtk, apps, extension}) => {
            const before = [snapshot(daemon), snapshot(fdo), snapshot(gtk)];
            extension.enable();
            const after = [snapshot(daemon), snapshot(fdo), snapshot(gtk)];
            sameSnapshot(before[0], after[0], 'notificationDaemon');
            assert(Object.hasOwn(fdo, 'NotifyAsync'), 'NotifyAsync patched on the instance');
            assert(Object.hasOwn(gtk, 'AddNotificationAsync'),
                'AddNotificationAsync patched on the instance');
            after[1].delete('NotifyAsync');
            after[2].delete('AddNotificationAsync');
            sameSnapshot(before[1], after[1], 'the FDO daemon, apart from NotifyAsync');
            sameSnapshot(before[2], after[2], 'the GTK daemon, apart from AddNotificationAsync');
            assert(apps.handlers.has('app-state-changed'), 'app starts followed');
            waitFor(() => nameOwner() !== '', WAIT_MS, 'org.nocontact.ShellExtension1 owned');
        });
    });

    test(`GNOME ${shape}: disable() restores exactly what was there`, () => {
        withShell(shape, 'show', ({daemon, fdo, gtk, apps, extension}) => {
            const before = [snapshot(daemon), snapshot(fdo), snapshot(gtk)];
            extension.enable();
            extension.disable();
            sameSnapshot(before[0], snapshot(daemon), 'notificationDaemon');
            sameSnapshot(before[1], snapshot(fdo), 'the FDO daemon');
            sameSnapshot(before[2], snapshot(gtk), 'the GTK daemon');
            assert(fdo.NotifyAsync === FdoNotificationDaemon.prototype.NotifyAsync,
                "NotifyAsync is the class's again");
            const gtkClass = GtkNotificationDaemon.prototype;
            assert(gtk.AddNotificationAsync === gtkClass.AddNotificationAsync,
                "AddNotificationAsync is the class's again");
            assertEqual(apps.handlers.size, 0, 'app starts no longer followed');
            waitFor(() => nameOwner() === '', WAIT_MS, 'org.nocontact.ShellExtension1 released');
        });
    });

    test(`GNOME ${shape}: a held FDO notification never reaches a source; the app hears it closed`,
        () => {
        withShell(shape, 'hold', ({fdo, reached, extension, nocontactd}) => {
            extension.enable();
            const invocation = notify(fdo, 'Alex');
            waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
            const [id] = invocation.returned.deepUnpack();
            waitFor(() => fdo.closed.length === 1, WAIT_MS, 'NotificationClosed');
            assertEqual(fdo.closed, [[id, 3]], 'closed, as by CloseNotification');
            assertEqual(reached, [], 'notifications that reached a source');
            assertEqual(nocontactd.questions.length, 1, 'questions nocontactd saw');
            assertEqual(nocontactd.questions[0].sender_pid.unpack(), 4242, 'the app process');
        });
    });

    test(`GNOME ${shape}: a held replacement closes the one it replaces, and shows nothing`, () => {
        withShell(shape, 'hold', ({fdo, reached, extension}) => {
            notify(fdo, 'Alex, before');  // on screen before the extension
            reached.length = 0;
            extension.enable();
            const invocation = notify(fdo, 'Alex, again', 1);
            waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
            assertEqual(invocation.returned.deepUnpack(), [1], 'the id it replaces');
            waitFor(() => fdo.closed.length === 1, WAIT_MS, 'NotificationClosed');
            assertEqual(fdo.closed, [[1, 3]], 'the replaced one closed');
            assertEqual(reached, [], 'notifications that reached a source');
        });
    });

    test(`GNOME ${shape}: a shown FDO notification reaches the source as usual`, () => {
        withShell(shape, 'show', ({fdo, reached, extension}) => {
            extension.enable();
            const invocation = notify(fdo, 'Sam');
            waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
            const way = shape === '45' ? 'processNotification' : 'addNotification';
            assertEqual(reached, [[way, 'Sam']], 'notifications that reached a source');
        });
    });

    test(`GNOME ${shape}: without nocontactd, notifications show as usual`, () => {
        withShell(shape, null, ({fdo, gtk, reached, extension}) => {
            extension.enable();
            const a = notify(fdo, 'Sam');
            const b = addGtk(gtk, 'sm.puri.Chatty', 'm1', 'Sam');
            waitFor(() => a.returned && b.returned !== undefined, WAIT_MS, 'both replies');
            assertEqual(reached.length, 2, 'notifications shown');
        });
    });

    test(`GNOME ${shape}: a held GTK notification never reaches Source.addNotification`, () => {
        withShell(shape, 'hold', ({gtk, reached, extension}) => {
            addGtk(gtk, 'sm.puri.Chatty', 'm1', 'Alex, before');  // before the extension
            reached.length = 0;
            extension.enable();
            const invocation = addGtk(gtk, 'sm.puri.Chatty', 'm1', 'Alex');
            waitFor(() => invocation.returned !== undefined, WAIT_MS, 'the reply');
            assertEqual(invocation.returned, null, 'AddNotification answered');
            assertEqual(reached, [], 'notifications that reached a source');
            assertEqual(gtk._sources['sm.puri.Chatty'].removed, ['m1'],
                'the one with the same id, on screen, removed');
        });
    });

    test(`GNOME ${shape}: disabled while a notification waits, it is shown`, () => {
        withShell(shape, null, ({fdo, reached, extension}) => {
            const slow = new FakeDaemon(address, 'slow', 2000);
            try {
                extension.enable();
                const invocation = notify(fdo, 'Sam');
                waitFor(() => slow.questions.length === 1, WAIT_MS, 'the question');
                extension.disable();
                waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
                assertEqual(reached.length, 1, 'notifications shown');
            } finally {
                slow.close();
            }
        });
    });

    test(`GNOME ${shape}: an app starting is told to nocontactd`, () => {
        withShell(shape, 'show', ({apps, extension, nocontactd}) => {
            extension.enable();
            const app = {state: Shell.AppState.RUNNING, get_id: () => 'signal-desktop.desktop',
                get_pids: () => [99]};
            apps.handlers.get('app-state-changed')(apps, app);
            waitFor(() => nocontactd.started.length === 1, WAIT_MS, 'AppStarted');
            assertEqual(nocontactd.started, [['signal-desktop.desktop', 99]], 'AppStarted');
        });
    });
}

test('a GNOME Shell of another shape: enable() changes nothing and owns no name', () => {
    withShell('46-50', 'hold', ({daemon, fdo, gtk, extension}) => {
        delete fdo._notifications;  // not the daemon the hook was written for
        const before = [snapshot(daemon), snapshot(fdo), snapshot(gtk)];
        extension.enable();
        sameSnapshot(before[0], snapshot(daemon), 'notificationDaemon');
        sameSnapshot(before[1], snapshot(fdo), 'the FDO daemon');
        sameSnapshot(before[2], snapshot(gtk), 'the GTK daemon');
        runFor(100);
        assertEqual(nameOwner(), '', 'owner of org.nocontact.ShellExtension1');
    });
});

test('enable() twice without disable() (GNOME 48 does so): one hook; disable() restores', () => {
    withShell('46-50', 'hold', ({fdo, gtk, reached, extension, nocontactd}) => {
        extension.enable();
        extension.enable();
        const invocation = notify(fdo, 'Alex');
        waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
        assertEqual(nocontactd.questions.length, 1, 'asked once');
        assertEqual(reached, [], 'notifications that reached a source');
        extension.disable();
        assert(!Object.hasOwn(fdo, 'NotifyAsync'), 'NotifyAsync restored');
        assert(!Object.hasOwn(gtk, 'AddNotificationAsync'), 'AddNotificationAsync restored');
        waitFor(() => nameOwner() === '', WAIT_MS, 'org.nocontact.ShellExtension1 released');
    });
});

test('two objects of it both enabled (GNOME 48 does so): one hook; one disable() restores', () => {
    withShell('46-50', 'hold', ({fdo, gtk, reached, extension, nocontactd}) => {
        const second = new NocontactExtension(metadata);
        extension.enable();
        second.enable();
        const invocation = notify(fdo, 'Alex');
        waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
        assertEqual(nocontactd.questions.length, 1, 'asked once');
        assertEqual(reached, [], 'notifications that reached a source');
        second.disable();
        assert(!Object.hasOwn(fdo, 'NotifyAsync'), 'NotifyAsync restored');
        assert(!Object.hasOwn(gtk, 'AddNotificationAsync'), 'AddNotificationAsync restored');
        waitFor(() => nameOwner() === '', WAIT_MS, 'org.nocontact.ShellExtension1 released');
    });
});

test('an app system that refuses its signal: notifications are still held', () => {
    withShell('46-50', 'hold', ({fdo, reached, apps, extension}) => {
        apps.connect = () => {
            throw new Error('no such signal');
        };
        extension.enable();
        const invocation = notify(fdo, 'Alex');
        waitFor(() => invocation.returned, WAIT_MS, 'the reply to Notify');
        assertEqual(reached, [], 'notifications that reached a source');
        extension.disable();
        assert(!Object.hasOwn(fdo, 'NotifyAsync'), 'restored');
    });
});

test('a start that fails halfway leaves nothing patched behind', () => {
    withShell('46-50', 'hold', ({fdo, gtk, extension}) => {
        const exported = Gio.DBusExportedObject.wrapJSObject;
        Gio.DBusExportedObject.wrapJSObject = () => {
            throw new Error('cannot export');
        };
        try {
            let threw = false;
            try {
                extension.enable();
            } catch (e) {
                threw = true;
            }
            assert(threw, 'enable() says it failed');
            assert(!Object.hasOwn(fdo, 'NotifyAsync'), 'NotifyAsync not left patched');
            assert(!Object.hasOwn(gtk, 'AddNotificationAsync'),
                'AddNotificationAsync not left patched');
        } finally {
            Gio.DBusExportedObject.wrapJSObject = exported;
        }
    });
});

const status = await run('hook_test');
session.close_sync(null);
System.exit(status);
