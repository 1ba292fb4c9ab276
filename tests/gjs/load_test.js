// SPDX-License-Identifier: GPL-3.0-or-later
// Every file of the GNOME Shell extensions, as installed, loads the way GNOME Shell loads it:
// the 45-50 folder's files as ES modules (against stand-ins of the GNOME Shell modules they
// import), the 43/44 extension.js as a legacy script; each metadata.json names its versions.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';
import {assert, assertEqual, run, test} from './harness.js';

const extensions = GLib.getenv('NOCONTACT_GJS_EXTENSIONS');

function files(uuid) {
    const dir = Gio.File.new_for_path(`${extensions}/${uuid}`);
    const names = [];
    const children = dir.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NONE, null);
    for (let info = children.next_file(null); info; info = children.next_file(null))
        names.push(info.get_name());
    return names.sort();
}

function read(uuid, name) {
    const [, bytes] = GLib.file_get_contents(`${extensions}/${uuid}/${name}`);
    return new TextDecoder().decode(bytes);
}

test('the GNOME 45-50 folder holds the hook, the shared module and metadata', () => {
    assertEqual(files('nocontact45@nocontact.org'),
        ['extension.js', 'metadata.json', 'nocontact.js'], 'files');
});

test('every .js file of the GNOME 45-50 extension loads as an ES module', async () => {
    for (const name of files('nocontact45@nocontact.org').filter(n => n.endsWith('.js'))) {
        const uri = Gio.File.new_for_path(`${extensions}/nocontact45@nocontact.org/${name}`)
            .get_uri();
        // eslint-disable-next-line no-await-in-loop
        const module = await import(uri);
        assert(Object.keys(module).length > 0, `${name} exports something`);
    }
});

test("extension.js's default export is an Extension GNOME Shell can make and enable", async () => {
    const uri = Gio.File.new_for_path(`${extensions}/nocontact45@nocontact.org/extension.js`)
        .get_uri();
    const {default: NocontactExtension} = await import(uri);
    assert(NocontactExtension.prototype instanceof Extension, 'extends Extension');
    const metadata = JSON.parse(read('nocontact45@nocontact.org', 'metadata.json'));
    const extension = new NocontactExtension(metadata);
    assertEqual(typeof extension.enable, 'function', 'enable');
    assertEqual(typeof extension.disable, 'function', 'disable');
});

test('the GNOME 45-50 metadata names 45 to 50 and its own folder', () => {
    const metadata = JSON.parse(read('nocontact45@nocontact.org', 'metadata.json'));
    assertEqual(metadata.uuid, 'nocontact45@nocontact.org', 'uuid');
    assertEqual(metadata['shell-version'], ['45', '46', '47', '48', '49', '50'], 'versions');
});

test('the GNOME 43/44 extension is a legacy script, with the shared module beside it', () => {
    assertEqual(files('nocontact@nocontact.org'),
        ['extension.js', 'metadata.json', 'nocontact.js'], 'files');
    const source = read('nocontact@nocontact.org', 'extension.js');
    // Parsed as a script (not run: it needs GNOME Shell's legacy imports). A stray `import`
    // or `export` statement would be a syntax error here, as in GNOME Shell 43.
    // eslint-disable-next-line no-new-func
    new Function(source);
    const metadata = JSON.parse(read('nocontact@nocontact.org', 'metadata.json'));
    assertEqual(metadata.uuid, 'nocontact@nocontact.org', 'uuid');
    assertEqual(metadata['shell-version'], ['43', '44'], 'versions');
});

System.exit(await run('load_test'));
