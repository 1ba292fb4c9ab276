#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake GNOME Calls for tests: owns org.gnome.Calls on DBUS_SESSION_BUS_ADDRESS.

What it copies from GNOME/calls:
- src/calls-dbus-manager.c: calls are exported as /org/gnome/Calls/Call/1, /Call/2, ... (N
  starts at 1 and only grows) by a GDBusObjectManagerServer at /org/gnome/Calls:
  GetManagedObjects -> a{oa{sa{sv}}}, InterfacesAdded(o, a{sa{sv}}), InterfacesRemoved(o, as).
- src/dbus/org.gnome.Calls.Call.xml: methods Accept, Hangup, SendDtmf(s), Silence; read-only
  properties Inbound b, State u, Id s, DisplayName s, ImagePath s, Protocol s, Encrypted b,
  CanDtmf b, Hints a{sv}; changes come as PropertiesChanged (GDBus skeletons).
  State: 0 Unknown, 1 Active, 2 Held, 3 Dialing, 4 Alerting, 5 Incoming, 6 Waiting,
  7 Disconnected (4 and 6 deprecated, unused by current releases).
- Hangup/End: the call goes Disconnected, then is unexported (InterfacesRemoved).

The control interface org.nocontact.Fake at /org/nocontact/Fake drives it (see Control).
Prints "ready" on stdout once the name is owned; exits 0 on SIGTERM (1 when the bus goes).
"""
import re
import signal
import sys

import dbus
import dbus.lowlevel
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

CALL = "org.gnome.Calls.Call"
PROPS = "org.freedesktop.DBus.Properties"
MANAGER = "org.freedesktop.DBus.ObjectManager"
FAKE = "org.nocontact.Fake"
ROOT = "/org/gnome/Calls"
ACTIVE, DIALING, INCOMING, WAITING, DISCONNECTED = 1, 3, 5, 6, 7

CALL_XML = """<interface name="org.gnome.Calls.Call">
  <method name="Accept"/><method name="Hangup"/>
  <method name="SendDtmf"><arg name="tone" type="s" direction="in"/></method>
  <method name="Silence"/>
  <property name="Inbound" type="b" access="read"/>
  <property name="State" type="u" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="DisplayName" type="s" access="read"/>
  <property name="ImagePath" type="s" access="read"/>
  <property name="Protocol" type="s" access="read"/>
  <property name="Encrypted" type="b" access="read"/>
  <property name="CanDtmf" type="b" access="read"/>
  <property name="Hints" type="a{sv}" access="read"/>
</interface>"""
TYPES = {"Inbound": dbus.Boolean, "State": dbus.UInt32, "Id": dbus.String,
         "DisplayName": dbus.String, "ImagePath": dbus.String, "Protocol": dbus.String,
         "Encrypted": dbus.Boolean, "CanDtmf": dbus.Boolean}


class Call(dbus.service.Object):
    def __init__(self, fake, path, inbound, state, number, name):
        self.fake, self.path = fake, path
        self.props = {"Inbound": dbus.Boolean(inbound), "State": dbus.UInt32(state),
                      "Id": dbus.String(number), "DisplayName": dbus.String(name),
                      "ImagePath": dbus.String(""), "Protocol": dbus.String("tel"),
                      "Encrypted": dbus.Boolean(False), "CanDtmf": dbus.Boolean(True),
                      "Hints": dbus.Dictionary({"ui-active": dbus.Boolean(True)},
                                               signature="sv")}
        super().__init__(fake.bus, path)

    def set(self, name, value):
        self.props[name] = value
        self.PropertiesChanged(CALL, {name: value}, dbus.Array([], signature="s"))

    @dbus.service.method(CALL)
    def Accept(self):
        self.fake.recorded.append((self.path, "Accept"))
        if self.props["State"] == INCOMING:
            self.set("State", dbus.UInt32(ACTIVE))

    @dbus.service.method(CALL)
    def Hangup(self):
        self.fake.recorded.append((self.path, "Hangup"))
        GLib.idle_add(self.fake.end, self.path)  # the reply first, as GDBus sends it

    @dbus.service.method(CALL, in_signature="s")
    def SendDtmf(self, tone):
        self.fake.recorded.append((self.path, "SendDtmf"))

    @dbus.service.method(CALL)
    def Silence(self):
        self.fake.recorded.append((self.path, "Silence"))

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, name):
        if iface != CALL or name not in self.props:
            raise dbus.exceptions.DBusException("No such property " + name,
                                                name="org.freedesktop.DBus.Error.InvalidArgs")
        return self.props[name]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return self.props if iface == CALL else {}

    @dbus.service.method(PROPS, in_signature="ssv")
    def Set(self, iface, name, value):
        raise dbus.exceptions.DBusException("Property " + name + " is read-only",
                                            name="org.freedesktop.DBus.Error.PropertyReadOnly")

    @dbus.service.signal(PROPS, signature="sa{sv}as")
    def PropertiesChanged(self, iface, changed, invalidated):
        pass

    @dbus.service.method(dbus.INTROSPECTABLE_IFACE, out_signature="s")
    def Introspect(self):
        """dbus-python's own, with the interface's properties (it knows only methods)."""
        own = dbus.service.Object.Introspect(self, self.path, self.fake.bus)
        return re.sub(r'<interface name="org\.gnome\.Calls\.Call">.*?</interface>',
                      lambda _: CALL_XML, own, flags=re.S)


class Manager(dbus.service.Object):
    def __init__(self, fake):
        self.fake = fake
        super().__init__(fake.bus, ROOT)

    @dbus.service.method(MANAGER, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {path: {CALL: call.props} for path, call in self.fake.calls.items()}

    @dbus.service.signal(MANAGER, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(MANAGER, signature="oas")
    def InterfacesRemoved(self, path, interfaces):
        pass


class Control(dbus.service.Object):
    """org.nocontact.Fake: makes calls happen and tells what was asked of them."""

    def __init__(self, fake):
        self.fake = fake
        super().__init__(fake.bus, "/org/nocontact/Fake")

    @dbus.service.method(FAKE, in_signature="ss", out_signature="o")
    def Incoming(self, number, name):
        return self.fake.add(True, INCOMING, number, name)

    @dbus.service.method(FAKE, in_signature="ss", out_signature="o")
    def Outgoing(self, number, name):
        return self.fake.add(False, DIALING, number, name)

    @dbus.service.method(FAKE, in_signature="ss", out_signature="o")
    def Waiting(self, number, name):
        """A second incoming call while one is active, as releases that used 6 (WAITING)."""
        return self.fake.add(True, WAITING, number, name)

    @dbus.service.method(FAKE, in_signature="ou")
    def SetState(self, path, state):
        self.fake.calls[path].set("State", dbus.UInt32(state))

    @dbus.service.method(FAKE, in_signature="osv")
    def SetProperty(self, path, name, value):
        """Any property, with its real type (e.g. DisplayName once the contact is found)."""
        self.fake.calls[path].set(name, TYPES.get(name, lambda v: v)(value))

    @dbus.service.method(FAKE, in_signature="o")
    def End(self, path):
        self.fake.end(path)

    @dbus.service.method(FAKE, out_signature="a(ss)")
    def Recorded(self):
        return dbus.Array(self.fake.recorded, signature="(ss)")

    @dbus.service.method(FAKE, in_signature="o")
    def EmitMalformed(self, path):
        """Signals a broken Calls could send, about `path`: wrong signatures, wrong types."""
        wrong = dbus.Dictionary({"State": dbus.String("ringing"), "Inbound": dbus.String("yes"),
                                 "Id": dbus.Int32(5), "DisplayName": dbus.Boolean(True)},
                                signature="sv")
        self.fake.emit(ROOT, MANAGER, "InterfacesAdded", "oa{sa{sv}}", path, {CALL: wrong})
        self.fake.emit(ROOT, MANAGER, "InterfacesAdded", "sas", path, [CALL])
        self.fake.emit(ROOT, MANAGER, "InterfacesAdded", "o", path)
        self.fake.emit(ROOT, MANAGER, "InterfacesAdded", "oa{ss}", path, {CALL: "x"})
        self.fake.emit(ROOT, MANAGER, "InterfacesRemoved", "os", path, CALL)
        self.fake.emit(ROOT, MANAGER, "InterfacesRemoved", "", )
        self.fake.emit(path, PROPS, "PropertiesChanged", "sa{sv}as", CALL, wrong, [])
        self.fake.emit(path, PROPS, "PropertiesChanged", "sa{ss}as", CALL, {"State": "7"}, [])
        self.fake.emit(path, PROPS, "PropertiesChanged", "su", CALL, 7)
        self.fake.emit(path, PROPS, "PropertiesChanged", "s", CALL)


class Fake:
    def __init__(self, bus):
        self.bus, self.calls, self.recorded, self.next = bus, {}, [], 1
        self.manager, self.control = Manager(self), Control(self)

    def add(self, inbound, state, number, name):
        path = "%s/Call/%d" % (ROOT, self.next)
        self.next += 1
        call = self.calls[path] = Call(self, path, inbound, state, number, name)
        self.manager.InterfacesAdded(path, {CALL: call.props})
        return dbus.ObjectPath(path)

    def end(self, path):
        call = self.calls.pop(path, None)
        if call:
            call.set("State", dbus.UInt32(DISCONNECTED))
            call.remove_from_connection()
            self.manager.InterfacesRemoved(path, [CALL])
        return False

    def emit(self, path, iface, member, signature, *args):
        message = dbus.lowlevel.SignalMessage(path, iface, member)
        if signature:
            message.append(*args, signature=signature)
        self.bus.send_message(message)


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    fake = Fake(bus)
    name = dbus.service.BusName("org.gnome.Calls", bus, do_not_queue=True)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, loop.quit)
    print("ready", flush=True)
    loop.run()
    del name, fake


if __name__ == "__main__":
    sys.exit(main())
