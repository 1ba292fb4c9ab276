// SPDX-License-Identifier: GPL-3.0-or-later
// The module both GNOME Shell extensions share (gnome-shell/shared/nocontact.js), against a
// fake nocontactd on a private dbus-daemon: what it asks, and that anything but a "hold" in
// time shows the notification.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

import * as Shared from '../../gnome-shell/shared/nocontact.js';
import {FakeDaemon, connect} from './fake_daemon.js';
import {assert, assertEqual, run, runFor, test, waitFor} from './harness.js';

// The private bus tests/gjs/run.sh started for this test alone (never the ambient one).
const address = GLib.getenv('NOCONTACT_TEST_BUS');
if (!address)
    throw new Error('run me with tests/gjs/run.sh, which gives me a bus of my own');
const shell = connect(address);  // GNOME Shell's connection

const DEADLINE_MS = 200;
// Room on top of the deadline for a loaded machine: the answer must come by then.
const SLACK_MS = 2000;

function fdoParams(hints = {}) {
    return ['Signal', 0, 'signal-desktop', 'Alex', 'are you up?', ['default', 'Open'], {
        'desktop-entry': new GLib.Variant('s', 'signal-desktop'),
        'urgency': new GLib.Variant('y', 1),
        'transient': new GLib.Variant('b', true),
        'image-data': new GLib.Variant('(iiibiiay)', [1, 1, 4, true, 8, 4, [0, 0, 0, 0]]),
        ...hints,
    }];
}
const invocation = {get_sender: () => ':1.7'};

// Asks once; returns the answer, after checking it came exactly once and in time.
function ask(asker, question = Shared.fdoRequest(fdoParams(), invocation)) {
    const answers = [];
    const start = GLib.get_monotonic_time();
    asker.ask(question, a => answers.push(a));
    waitFor(() => answers.length > 0, DEADLINE_MS + SLACK_MS, 'an answer');
    const tookMs = (GLib.get_monotonic_time() - start) / 1000;
    runFor(20);
    assertEqual(answers.length, 1, 'answers to one question');
    return {answer: answers[0], tookMs};
}

function withAsker(body) {
    const asker = new Shared.Asker(shell, DEADLINE_MS);
    try {
        body(asker);
    } finally {
        asker.destroy();
    }
}

test('an FDO notification becomes a question with its hints as text and the app process', () => {
    const q = Shared.fdoRequest(fdoParams({'sender-pid': new GLib.Variant('u', 4242)}),
        invocation);
    assertEqual(q.source.unpack(), 'fdo', 'source');
    assertEqual(q.app_name.unpack(), 'Signal', 'app_name');
    assertEqual(q.summary.unpack(), 'Alex', 'summary');
    assertEqual(q.actions.deepUnpack(), ['default', 'Open'], 'actions');
    assertEqual(q.hints.deepUnpack(), {
        'desktop-entry': 'signal-desktop', 'urgency': '1', 'transient': 'true',
        'sender-pid': '4242',
    }, 'hints (image data left out)');
    assertEqual(q.sender.unpack(), ':1.7', 'sender');
    assertEqual(q.sender_pid.unpack(), 4242, 'sender_pid (GNOME 43-45)');
});

test('from GNOME 46 on, the app process and bus name come in x-shell-sender hints', () => {
    const q = Shared.fdoRequest(fdoParams({
        'x-shell-sender-pid': new GLib.Variant('u', 777),
        'x-shell-sender': new GLib.Variant('s', ':1.99'),
    }), invocation);
    assertEqual(q.sender_pid.unpack(), 777, 'sender_pid');
    assertEqual(q.sender.unpack(), ':1.99', 'sender');
});

test('a GTK notification becomes a question with its default action', () => {
    const q = Shared.gtkRequest(['sm.puri.Chatty', 'm1', {
        title: new GLib.Variant('s', 'Alex'),
        body: new GLib.Variant('s', 'hi'),
        'default-action': new GLib.Variant('s', 'app.open'),
        priority: new GLib.Variant('s', 'high'),
        icon: new GLib.Variant('(sv)', ['themed', new GLib.Variant('as', ['x'])]),
    }], invocation);
    assertEqual(q.app_id.unpack(), 'sm.puri.Chatty', 'app_id');
    assertEqual(q.id.unpack(), 'm1', 'id');
    assertEqual(q.summary.unpack(), 'Alex', 'summary');
    assertEqual(q.actions.deepUnpack(), ['default', 'app.open'], 'actions');
    assertEqual(q.hints.deepUnpack(), {priority: 'high', 'default-action': 'app.open'}, 'hints');
});

test('hasNotification reads the object of GNOME 43-45 and the Map of 46-50', () => {
    assert(Shared.hasNotification({3: {}}, 3), 'object, present');
    assert(!Shared.hasNotification({3: {}}, 4), 'object, absent');
    assert(Shared.hasNotification(new Map([[3, {}]]), 3), 'Map, present');
    assert(!Shared.hasNotification(new Map(), 3), 'Map, absent');
});

test('nocontactd holding: the answer is hold, and the question carries the deadline', () => {
    const daemon = new FakeDaemon(address, 'hold');
    try {
        withAsker(asker => {
            assertEqual(ask(asker).answer, 'hold', 'answer');
            const q = daemon.questions[0];
            assertEqual(q.summary.unpack(), 'Alex', 'summary nocontactd saw');
            const deadline = q.deadline_usec.unpack();
            assert(deadline > GLib.get_monotonic_time() - SLACK_MS * 1000 &&
                deadline <= GLib.get_monotonic_time() + DEADLINE_MS * 1000,
            `deadline_usec ${deadline} is the monotonic time of the deadline`);
        });
    } finally {
        daemon.close();
    }
});

test('nocontactd showing: the answer is show', () => {
    const daemon = new FakeDaemon(address, 'show');
    try {
        withAsker(asker => assertEqual(ask(asker).answer, 'show', 'answer'));
        assertEqual(daemon.questions.length, 1, 'questions asked');
    } finally {
        daemon.close();
    }
});

test('without nocontactd: shown at once, not after the deadline', () => {
    withAsker(asker => {
        const {answer, tookMs} = ask(asker);
        assertEqual(answer, 'show', 'answer');
        assert(tookMs < DEADLINE_MS, `answered in ${tookMs} ms, before the deadline`);
    });
});

test('nocontactd slower than the deadline: shown at the deadline, its late hold ignored', () => {
    const daemon = new FakeDaemon(address, 'slow', DEADLINE_MS * 3);
    try {
        withAsker(asker => {
            const {answer, tookMs} = ask(asker);
            assertEqual(answer, 'show', 'answer');
            assert(tookMs >= DEADLINE_MS * 0.9, `answered after ${tookMs} ms, at the deadline`);
            runFor(DEADLINE_MS * 3);  // the late reply arrives and changes nothing
        });
    } finally {
        daemon.close();
    }
});

test('a malformed answer (not a string) shows the notification', () => {
    const daemon = new FakeDaemon(address, 'malformed');
    try {
        withAsker(asker => assertEqual(ask(asker).answer, 'show', 'answer'));
        assertEqual(daemon.questions.length, 1, 'questions asked');
    } finally {
        daemon.close();
    }
});

test('an answer that is neither hold nor show shows the notification', () => {
    const daemon = new FakeDaemon(address, 'word');
    try {
        withAsker(asker => assertEqual(ask(asker).answer, 'show', 'answer'));
    } finally {
        daemon.close();
    }
});

test('nocontactd restarting: the new one is asked', () => {
    withAsker(asker => {
        const first = new FakeDaemon(address, 'hold');
        assertEqual(ask(asker).answer, 'hold', 'first nocontactd');
        first.close();
        assertEqual(ask(asker).answer, 'show', 'while none runs');
        const second = new FakeDaemon(address, 'show');
        try {
            assertEqual(ask(asker).answer, 'show', 'second nocontactd');
            assertEqual(second.questions.length, 1, 'questions the second one saw');
            assertEqual(first.questions.length, 1, 'questions the first one saw');
        } finally {
            second.close();
        }
    });
});

test("nocontactd's own notifications are shown without asking it", () => {
    const daemon = new FakeDaemon(address, 'hold');  // in this process: its pid is ours
    try {
        withAsker(asker => {
            const own = Shared.fdoRequest(fdoParams({
                'x-shell-sender-pid': new GLib.Variant('u', new Gio.Credentials().get_unix_pid()),
            }), invocation);
            waitFor(() => asker.fromDaemon(own), SLACK_MS, "the asker learning nocontactd's pid");
            const other = Shared.fdoRequest(fdoParams({'sender-pid': new GLib.Variant('u', 1)}),
                invocation);
            assert(!asker.fromDaemon(other), 'another process is asked about');
        });
    } finally {
        daemon.close();
    }
});

test('a question still waiting when the extension stops is shown', () => {
    const daemon = new FakeDaemon(address, 'slow', DEADLINE_MS * 2);
    try {
        const asker = new Shared.Asker(shell, DEADLINE_MS);
        const answers = [];
        asker.ask(Shared.fdoRequest(fdoParams(), invocation), a => answers.push(a));
        waitFor(() => daemon.questions.length === 1, SLACK_MS, 'the question to arrive');
        asker.destroy();
        waitFor(() => answers.length > 0, SLACK_MS, 'an answer');
        assertEqual(answers, ['show'], 'answers');
    } finally {
        daemon.close();
    }
});

// Shell.AppSystem's shape: app-state-changed (system, app), app.state, get_id(), get_pids().
class FakeAppSystem {
    constructor(running = []) {
        this.handlers = new Map();
        this.next = 1;
        this.running = running;
    }

    connect(signal, handler) {
        assertEqual(signal, 'app-state-changed', 'signal connected');
        this.handlers.set(this.next, handler);
        return this.next++;
    }

    disconnect(id) {
        this.handlers.delete(id);
    }

    get_running() {
        return this.running;
    }

    emit(id, state, pid = 0) {
        const app = {state, get_id: () => id, get_pids: () => pid ? [pid] : []};
        for (const handler of this.handlers.values())
            handler(this, app);
    }
}
const AppState = {STOPPED: 0, STARTING: 1, RUNNING: 2};

test('an app starting is told to nocontactd once, however it was started', () => {
    const daemon = new FakeDaemon(address, 'show');
    const apps = new FakeAppSystem([{get_id: () => 'org.gnome.Nautilus.desktop'}]);
    const reporter = new Shared.LaunchReporter(shell, apps, AppState);
    try {
        apps.emit('signal-desktop.desktop', AppState.STARTING);  // from the Shell
        apps.emit('signal-desktop.desktop', AppState.RUNNING, 4242);
        apps.emit('org.telegram.desktop.desktop', AppState.RUNNING, 77);  // from a terminal
        apps.emit('org.gnome.Nautilus.desktop', AppState.RUNNING, 5);  // already running
        apps.emit('window:3', AppState.RUNNING, 6);  // a window of no known app
        waitFor(() => daemon.started.length === 2, SLACK_MS, 'two starts');
        apps.emit('signal-desktop.desktop', AppState.STOPPED);
        apps.emit('signal-desktop.desktop', AppState.RUNNING, 4300);  // started again
        waitFor(() => daemon.started.length === 3, SLACK_MS, 'the third start');
        runFor(50);
        assertEqual(daemon.started, [['signal-desktop.desktop', 0],
            ['org.telegram.desktop.desktop', 77], ['signal-desktop.desktop', 4300]], 'starts');
        reporter.destroy();
        assertEqual(apps.handlers.size, 0, 'handlers left connected');
    } finally {
        reporter.destroy();
        daemon.close();
    }
});

test('app starts without nocontactd change nothing', () => {
    const apps = new FakeAppSystem();
    const reporter = new Shared.LaunchReporter(shell, apps, AppState);
    apps.emit('signal-desktop.desktop', AppState.RUNNING, 1);
    runFor(50);
    reporter.destroy();
});

test('the extension owns org.nocontact.ShellExtension1 and says what it is, until stopped', () => {
    const presence = new Shared.Presence(shell, {version: 3, shellVersion: '48.2', uuid: 'u@x'});
    const other = connect(address);
    const owner = () => {
        try {
            return other.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                'org.freedesktop.DBus', 'GetNameOwner', new GLib.Variant('(s)', [Shared.OWN_NAME]),
                null, Gio.DBusCallFlags.NONE, -1, null).deepUnpack()[0];
        } catch (e) {
            return '';
        }
    };
    try {
        waitFor(() => owner() === shell.get_unique_name(), SLACK_MS, 'the name to be owned');
        // Asynchronously: the extension answers from this process's main loop.
        let reply = null;
        other.call(Shared.OWN_NAME, Shared.OWN_PATH, 'org.freedesktop.DBus.Properties', 'GetAll',
            new GLib.Variant('(s)', [Shared.OWN_NAME]), null, Gio.DBusCallFlags.NONE, 2000, null,
            (c, result) => {
                reply = c.call_finish(result);
            });
        waitFor(() => reply !== null, SLACK_MS, 'the properties');
        const [props] = reply.recursiveUnpack();
        assertEqual(props, {Version: 3, ShellVersion: '48.2', Uuid: 'u@x'}, 'properties');
        presence.destroy();
        waitFor(() => owner() === '', SLACK_MS, 'the name to be released');
    } finally {
        presence.destroy();
        other.close_sync(null);
    }
});

const status = await run('shared_test');
shell.close_sync(null);
System.exit(status);
