#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake ModemManager on the "system" bus (DBUS_SYSTEM_BUS_ADDRESS: a test's private bus).

Names, signatures and properties follow ModemManager's own introspection and enums
(github.com/linux-mobile-broadband/ModemManager): introspection/org.freedesktop.ModemManager1
.Modem.Voice.xml, ...Call.xml, ...Modem.Messaging.xml, ...Sms.xml, and include/
ModemManager-enums.h (MMCallState, MMCallDirection, MMCallStateReason, MMSmsState, MMSmsPduType).
Modems are the ObjectManager's objects at /org/freedesktop/ModemManager1; calls and SMS are
exported beside them, announced by their modem's CallAdded / Added, as ModemManager does.

Tests drive it through org.nocontact.Fake at /org/nocontact/Fake (calls and SMS go to the newest
modem), and read what it was asked with Recorded(). Usage: modemmanager.py [--incoming NUMBER]...
[--stored-sms NUMBER]...: calls ringing and SMS received before the name is taken, on the first
modem. Exits 0 on SIGTERM.
"""
import signal
import sys

import dbus
import dbus.lowlevel
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

sys.dont_write_bytecode = True  # nothing written beside the sources when the module is imported
from modemmanager_objects import (  # noqa: E402  (tests/fakes/modemmanager_objects.py)
    CALL, DIALING, INCOMING, INCOMING_NEW, MESSAGING, MM, MM_PATH, OBJECT_MANAGER, OUTGOING,
    OUTGOING_STARTED, PDU_DELIVER, PDU_SUBMIT, PROPERTIES, RECEIVED, RECEIVING, RINGING_IN, SMS,
    STORED, VOICE, Call, Manager, Modem, NotFound, signature)

FAKE, FAKE_PATH = 'org.nocontact.Fake', '/org/nocontact/Fake'


class Fake(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, FAKE_PATH)
        self.bus, self.counters, self.modems = bus, {}, {}
        self.refuse_hangup, self.recorded = False, []
        self.manager = Manager(self)

    def next_path(self, kind):
        self.counters[kind] = self.counters.get(kind, -1) + 1
        return '%s/%s/%d' % (MM_PATH, kind, self.counters[kind])

    def newest(self):
        if not self.modems:
            raise NotFound('No modem')
        return list(self.modems.values())[-1]

    def find(self, path, kind):
        for modem in self.modems.values():
            if path in getattr(modem, kind):
                return getattr(modem, kind)[path]
        raise NotFound('No such object: ' + path)

    def add_modem(self, number=''):
        modem = Modem(self)
        call = modem.add_call(number, INCOMING, RINGING_IN, INCOMING_NEW) if number else None
        self.modems[modem.path] = modem
        self.manager.InterfacesAdded(modem.path, modem.managed())
        return modem, call

    def emit(self, path, iface, member, sig, *args):
        msg = dbus.lowlevel.SignalMessage(path, iface, member)
        if sig:
            msg.append(*args, signature=sig)
        self.bus.send_message(msg)

    @dbus.service.method(FAKE, out_signature='o')
    def AddModem(self):
        return self.add_modem()[0].path

    @dbus.service.method(FAKE, in_signature='s', out_signature='oo')
    def AddModemWithCall(self, number):
        """A modem that appears with a call already ringing (announced by no CallAdded)."""
        modem, call = self.add_modem(number)
        return modem.path, call.path

    @dbus.service.method(FAKE, in_signature='o')
    def RemoveModem(self, path):
        modem = self.modems.pop(path)
        modem.remove()
        self.manager.InterfacesRemoved(path, dbus.Array(modem.props, signature='s'))

    @dbus.service.method(FAKE, in_signature='s', out_signature='o')
    def IncomingCall(self, number):
        return self.newest().add_call(number, INCOMING, RINGING_IN, INCOMING_NEW).path

    @dbus.service.method(FAKE, in_signature='s', out_signature='o')
    def OutgoingCall(self, number):
        return self.newest().add_call(number, OUTGOING, DIALING, OUTGOING_STARTED).path

    @dbus.service.method(FAKE, in_signature='oi')
    def SetCallState(self, path, state):
        self.find(path, 'calls').set_state(state, 0)

    @dbus.service.method(FAKE, in_signature='ssb', out_signature='o')
    def ReceiveSms(self, number, text, multipart):
        """A multipart SMS stays RECEIVING, with its first half, until Complete."""
        if multipart:
            sms = self.newest().add_sms(number, text[:len(text) // 2], RECEIVING, PDU_DELIVER, True)
            sms.full_text = text
        else:
            sms = self.newest().add_sms(number, text, RECEIVED, PDU_DELIVER, True)
        return sms.path

    @dbus.service.method(FAKE, in_signature='o')
    def Complete(self, path):
        sms = self.find(path, 'messages')
        sms.update(SMS, Text=dbus.String(sms.full_text), State=dbus.UInt32(RECEIVED))

    @dbus.service.method(FAKE, in_signature='ss', out_signature='o')
    def SendSms(self, number, text):
        """As an app would: Create (STORED, Added with received=false), then Send."""
        sms = self.newest().add_sms(number, text, STORED, PDU_SUBMIT, False)
        GLib.idle_add(sms.Send)
        return sms.path

    @dbus.service.method(FAKE, in_signature='b')
    def SetRefuseHangup(self, refuse):
        self.refuse_hangup = bool(refuse)

    @dbus.service.method(FAKE, out_signature='a(ss)')
    def Recorded(self):
        return dbus.Array(self.recorded, signature='(ss)')

    @dbus.service.method(FAKE, out_signature='o')
    def Malformed(self):
        """Signals with wrong arguments, then a call whose properties have the wrong types (its
        path is returned), announced by a good CallAdded and changed with a wrong-typed State."""
        m = self.newest()
        self.emit(m.path, VOICE, 'CallAdded', 's', '/not/a/call')
        self.emit(m.path, VOICE, 'CallAdded', '')
        self.emit(m.path, VOICE, 'CallDeleted', 'i', 7)
        self.emit(m.path, MESSAGING, 'Added', 'ss', '/not/an/sms', 'yes')
        self.emit(m.path, MESSAGING, 'Added', 'ob', MM_PATH + '/SMS/999', True)
        self.emit(MM_PATH, OBJECT_MANAGER, 'InterfacesAdded', 'si', 'x', 1)
        self.emit(MM_PATH, OBJECT_MANAGER, 'InterfacesRemoved', 'oi', m.path, 1)
        self.emit(MM_PATH + '/Call/999', PROPERTIES, 'PropertiesChanged', 'i', 1)
        bad = Call(self, m, '', INCOMING, RINGING_IN, INCOMING_NEW)
        bad.props[CALL].update(Number=dbus.Int32(5), State=dbus.String('ringing'),
                               Direction=dbus.Byte(1))
        m.calls[bad.path] = bad
        m.CallAdded(bad.path)
        bad.update(CALL, State=dbus.String('active'))
        return bad.path


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    fake = Fake(bus)
    modem, _ = fake.add_modem()
    args = sys.argv[1:]
    for flag, number in zip(args[::2], args[1::2]):
        if flag == '--incoming':
            modem.add_call(number, INCOMING, RINGING_IN, INCOMING_NEW)
        elif flag == '--stored-sms':
            modem.add_sms(number, 'stored earlier', RECEIVED, PDU_DELIVER, True)
    name = dbus.service.BusName(MM, bus, do_not_queue=True)  # last: all is there when it shows
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, loop.quit)
    loop.run()
    del name
    return 0


if __name__ == '__main__':
    sys.exit(main())
