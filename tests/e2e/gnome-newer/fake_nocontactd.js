// SPDX-License-Identifier: GPL-3.0-or-later
// A stand-in nocontactd for gnome_newer_test.sh, where the real one cannot run (another
// distribution's libraries): Decide holds notifications whose summary names Alex and shows the
// rest; every question and every AppStarted is written to LOG (never the body).
//   gjs -m fake_nocontactd.js LOG
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

const XML = `<node><interface name="org.nocontact.Daemon1">
  <method name="Decide"><arg type="a{sv}" direction="in"/><arg type="s" direction="out"/></method>
  <method name="AppStarted"><arg type="s" direction="in"/><arg type="u" direction="in"/></method>
</interface></node>`;
const log = Gio.File.new_for_path(System.programArgs[0]);

function note(line) {
    const stream = log.append_to(Gio.FileCreateFlags.NONE, null);
    stream.write_all(new TextEncoder().encode(`${line}\n`), null);
    stream.close(null);
}

const object = Gio.DBusExportedObject.wrapJSObject(XML, {
    Decide(question) {
        const summary = question.summary?.unpack() ?? '';
        const verdict = summary.includes('Alex') ? 'hold' : 'show';
        note(`decide ${question.source.unpack()} ${summary} ` +
            `pid=${question.sender_pid?.unpack() ?? 0} -> ${verdict}`);
        return verdict;
    },
    AppStarted(appId, pid) {
        note(`started ${appId} ${pid}`);
    },
});
object.export(Gio.DBus.session, '/org/nocontact/Daemon1');
Gio.bus_own_name_on_connection(Gio.DBus.session, 'org.nocontact.Daemon1',
    Gio.BusNameOwnerFlags.NONE, () => note('owned'), null);
new GLib.MainLoop(null, false).run();
