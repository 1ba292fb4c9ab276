// SPDX-License-Identifier: GPL-3.0-or-later
// A small test runner for the gjs tests: named tests, plain assertions, and waiting on a
// condition with a deadline while the GLib main loop runs (never a bare sleep). Exits 1 when a
// test fails, so ctest sees it.
import GLib from 'gi://GLib';

const tests = [];

export function test(name, body) {
    tests.push({name, body});
}

export class AssertionError extends Error {}

export function assert(condition, what) {
    if (!condition)
        throw new AssertionError(what);
}

export function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e)
        throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}

// Runs the default main context until condition() is true; throws after `ms`.
export function waitFor(condition, ms, what) {
    const context = GLib.MainContext.default();
    const end = GLib.get_monotonic_time() + ms * 1000;
    let timedOut = false;
    const timer = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        timedOut = true;
        return GLib.SOURCE_REMOVE;
    });
    try {
        while (!condition()) {
            if (timedOut || GLib.get_monotonic_time() > end)
                throw new AssertionError(`timed out after ${ms} ms waiting for ${what}`);
            context.iteration(true);
        }
    } finally {
        if (!timedOut)
            GLib.source_remove(timer);
    }
}

// Lets the loop run for `ms`, for checks that something did NOT happen in that time.
export function runFor(ms) {
    let done = false;
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
        done = true;
        return GLib.SOURCE_REMOVE;
    });
    while (!done)
        GLib.MainContext.default().iteration(true);
}

export async function run(title) {
    let failed = 0;
    for (const {name, body} of tests) {
        try {
            await body();
            print(`ok - ${name}`);
        } catch (e) {
            failed++;
            print(`FAIL - ${name}\n    ${e.message}`);
            if (!(e instanceof AssertionError))
                print(e.stack);
        }
    }
    print(`${title}: ${tests.length - failed} of ${tests.length} passed`);
    return failed === 0 ? 0 : 1;
}
