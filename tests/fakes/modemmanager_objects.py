# SPDX-License-Identifier: GPL-3.0-or-later
"""The objects of the fake ModemManager (tests/fakes/modemmanager.py): its manager, modems, calls
and SMS, with the names, signatures, properties and enums of ModemManager's own introspection
and ModemManager-enums.h (see modemmanager.py)."""
import dbus
import dbus.service
from gi.repository import GLib

MM = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager'
PROPERTIES = 'org.freedesktop.DBus.Properties'
INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable'
MODEM, VOICE, MESSAGING = MM + '.Modem', MM + '.Modem.Voice', MM + '.Modem.Messaging'
CALL, SMS = MM + '.Call', MM + '.Sms'

# MMCallState, MMCallDirection, MMCallStateReason, MMSmsState, MMSmsPduType, MMModemState.
UNKNOWN, DIALING, RINGING_OUT, RINGING_IN, ACTIVE, HELD, WAITING, TERMINATED = range(8)
INCOMING, OUTGOING = 1, 2
OUTGOING_STARTED, INCOMING_NEW, ACCEPTED, REASON_TERMINATED = 1, 2, 3, 4
STORED, RECEIVING, RECEIVED, SENDING, SENT = 1, 2, 3, 4, 5
PDU_DELIVER, PDU_SUBMIT = 1, 2
MODEM_REGISTERED = 8


class Unauthorized(dbus.DBusException):
    _dbus_error_name = MM + '.Error.Core.Unauthorized'


class NotFound(dbus.DBusException):
    _dbus_error_name = MM + '.Error.Core.NotFound'


def signature(value):
    """The D-Bus signature of a typed dbus-python value, for Introspect."""
    if isinstance(value, dbus.Dictionary):
        return 'a{%s}' % value.signature
    if isinstance(value, dbus.Array):
        return 'a' + value.signature
    if isinstance(value, dbus.Struct):
        return '(%s)' % value.signature
    return {dbus.Int32: 'i', dbus.UInt32: 'u', dbus.String: 's', dbus.Boolean: 'b',
            dbus.ObjectPath: 'o', dbus.Byte: 'y'}[type(value)]


class Exported(dbus.service.Object):
    """An object with read-only properties: Get, GetAll, PropertiesChanged, listed in Introspect."""

    def __init__(self, bus, path, props):
        super().__init__(bus, path)
        self.path = path
        self.props = props  # {interface: {name: typed value}}

    def update(self, iface, **values):
        self.props[iface].update(values)
        self.PropertiesChanged(iface, dbus.Dictionary(values, signature='sv'),
                               dbus.Array([], signature='s'))

    def managed(self):
        return dbus.Dictionary({i: dbus.Dictionary(p, signature='sv')
                                for i, p in self.props.items()}, signature='sa{sv}')

    @dbus.service.method(PROPERTIES, in_signature='ss', out_signature='v')
    def Get(self, iface, name):
        if name not in self.props.get(iface, {}):
            raise dbus.DBusException('No such property', name='org.freedesktop.DBus.Error.'
                                     'UnknownProperty')
        return self.props[iface][name]

    @dbus.service.method(PROPERTIES, in_signature='s', out_signature='a{sv}')
    def GetAll(self, iface):
        return dbus.Dictionary(self.props.get(iface, {}), signature='sv')

    @dbus.service.signal(PROPERTIES, signature='sa{sv}as')
    def PropertiesChanged(self, iface, changed, invalidated):
        pass

    @dbus.service.method(INTROSPECTABLE, in_signature='', out_signature='s',
                         path_keyword='object_path', connection_keyword='connection')
    def Introspect(self, object_path, connection):
        xml = dbus.service.Object.Introspect(self, object_path, connection)
        for iface, props in self.props.items():
            lines = ''.join('    <property name="%s" type="%s" access="read"/>\n'
                            % (n, signature(v)) for n, v in props.items())
            xml = xml.replace('<interface name="%s">\n' % iface,
                              '<interface name="%s">\n%s' % (iface, lines))
        return xml


class Call(Exported):
    def __init__(self, fake, modem, number, direction, state, reason):
        super().__init__(fake.bus, fake.next_path('Call'), {CALL: {
            'State': dbus.Int32(state), 'StateReason': dbus.Int32(reason),
            'Direction': dbus.Int32(direction), 'Multiparty': dbus.Boolean(False),
            'Number': dbus.String(number), 'AudioPort': dbus.String(''),
            'AudioFormat': dbus.Dictionary({}, signature='sv')}})
        self.fake, self.modem = fake, modem

    def set_state(self, new, reason):
        old = int(self.props[CALL]['State'])
        self.update(CALL, State=dbus.Int32(new), StateReason=dbus.Int32(reason))
        self.StateChanged(old, new, reason)

    @dbus.service.method(CALL)
    def Start(self):
        self.set_state(DIALING, OUTGOING_STARTED)

    @dbus.service.method(CALL)
    def Accept(self):
        self.fake.recorded.append((self.path, 'Accept'))
        self.set_state(ACTIVE, ACCEPTED)

    @dbus.service.method(CALL)
    def Hangup(self):
        self.fake.recorded.append((self.path, 'Hangup'))
        if self.fake.refuse_hangup:
            raise Unauthorized('Not authorized')
        self.set_state(TERMINATED, REASON_TERMINATED)
        GLib.idle_add(lambda: self.modem.calls.get(self.path) and self.modem.delete_call(self.path))

    @dbus.service.method(CALL, in_signature='s')
    def Deflect(self, number):
        self.set_state(TERMINATED, 9)  # MM_CALL_STATE_REASON_DEFLECTED

    @dbus.service.method(CALL)
    def JoinMultiparty(self):
        self.update(CALL, Multiparty=dbus.Boolean(True))

    @dbus.service.method(CALL)
    def LeaveMultiparty(self):
        self.update(CALL, Multiparty=dbus.Boolean(False))

    @dbus.service.method(CALL, in_signature='s')
    def SendDtmf(self, dtmf):
        pass

    @dbus.service.signal(CALL, signature='s')
    def DtmfReceived(self, dtmf):
        pass

    @dbus.service.signal(CALL, signature='iiu')
    def StateChanged(self, old, new, reason):
        pass


class Sms(Exported):
    def __init__(self, fake, number, text, state, pdu):
        super().__init__(fake.bus, fake.next_path('SMS'), {SMS: {
            'State': dbus.UInt32(state), 'PduType': dbus.UInt32(pdu),
            'Number': dbus.String(number), 'Text': dbus.String(text),
            'Data': dbus.Array([], signature='y'), 'SMSC': dbus.String('+447700900000'),
            'Validity': dbus.Struct((dbus.UInt32(0), dbus.UInt32(0, variant_level=1)),
                                    signature='uv'),
            'Class': dbus.Int32(-1), 'TeleserviceId': dbus.UInt32(0),
            'ServiceCategory': dbus.UInt32(0), 'DeliveryReportRequest': dbus.Boolean(False),
            'MessageReference': dbus.UInt32(0), 'Timestamp': dbus.String('2026-01-01T12:00:00Z'),
            'DischargeTimestamp': dbus.String(''), 'DeliveryState': dbus.UInt32(0x100),
            'Storage': dbus.UInt32(2)}})  # MM_SMS_DELIVERY_STATE_UNKNOWN, MM_SMS_STORAGE_ME

    @dbus.service.method(SMS)
    def Send(self):
        self.update(SMS, State=dbus.UInt32(SENDING))
        GLib.idle_add(lambda: self.update(SMS, State=dbus.UInt32(SENT)))  # None: runs once

    @dbus.service.method(SMS, in_signature='u')
    def Store(self, storage):
        pass


class Modem(Exported):
    def __init__(self, fake):
        path = fake.next_path('Modem')
        super().__init__(fake.bus, path, {
            MODEM: {'State': dbus.Int32(MODEM_REGISTERED), 'Manufacturer': dbus.String('nocontact'),
                    'Model': dbus.String('fake'), 'EquipmentIdentifier': dbus.String(path[-1])},
            VOICE: {'Calls': dbus.Array([], signature='o'), 'EmergencyOnly': dbus.Boolean(False)},
            MESSAGING: {'Messages': dbus.Array([], signature='o'),
                        'SupportedStorages': dbus.Array([2], signature='u'),
                        'DefaultStorage': dbus.UInt32(2)}})
        self.fake, self.calls, self.messages = fake, {}, {}

    def add_call(self, number, direction, state, reason):
        call = Call(self.fake, self, number, direction, state, reason)
        self.calls[call.path] = call
        self.update(VOICE, Calls=dbus.Array(self.calls, signature='o'))
        self.CallAdded(call.path)
        return call

    def delete_call(self, path):
        call = self.calls.pop(path, None)
        if call is None:
            raise NotFound('No such call')
        call.remove_from_connection()
        self.update(VOICE, Calls=dbus.Array(self.calls, signature='o'))
        self.CallDeleted(path)

    def add_sms(self, number, text, state, pdu, received):
        sms = Sms(self.fake, number, text, state, pdu)
        self.messages[sms.path] = sms
        self.update(MESSAGING, Messages=dbus.Array(self.messages, signature='o'))
        self.Added(sms.path, received)
        return sms

    def remove(self):
        for obj in list(self.calls.values()) + list(self.messages.values()) + [self]:
            obj.remove_from_connection()

    @dbus.service.method(VOICE, out_signature='ao')
    def ListCalls(self):
        return dbus.Array(self.calls, signature='o')

    @dbus.service.method(VOICE, in_signature='o')
    def DeleteCall(self, path):
        self.delete_call(path)

    @dbus.service.method(VOICE, in_signature='a{sv}', out_signature='o')
    def CreateCall(self, properties):
        return self.add_call(str(properties.get('number', properties.get('Number', ''))),
                             OUTGOING, UNKNOWN, 0).path

    @dbus.service.method(VOICE)
    def HangupAll(self):
        for call in list(self.calls.values()):
            call.Hangup()

    @dbus.service.method(VOICE)
    def Transfer(self):
        pass

    @dbus.service.method(VOICE, in_signature='b')
    def CallWaitingSetup(self, enable):
        pass

    @dbus.service.method(VOICE, out_signature='b')
    def CallWaitingQuery(self):
        return False

    @dbus.service.signal(VOICE, signature='o')
    def CallAdded(self, path):
        pass

    @dbus.service.signal(VOICE, signature='o')
    def CallDeleted(self, path):
        pass

    @dbus.service.method(MESSAGING, out_signature='ao')
    def List(self):
        return dbus.Array(self.messages, signature='o')

    @dbus.service.method(MESSAGING, in_signature='o')
    def Delete(self, path):
        if self.messages.pop(path, None) is None:
            raise NotFound('No such SMS')
        self.update(MESSAGING, Messages=dbus.Array(self.messages, signature='o'))
        self.Deleted(path)

    @dbus.service.method(MESSAGING, in_signature='a{sv}', out_signature='o')
    def Create(self, properties):
        return self.add_sms(str(properties.get('number', '')), str(properties.get('text', '')),
                            STORED, PDU_SUBMIT, False).path

    @dbus.service.signal(MESSAGING, signature='ob')
    def Added(self, path, received):
        pass

    @dbus.service.signal(MESSAGING, signature='o')
    def Deleted(self, path):
        pass


class Manager(Exported):
    def __init__(self, fake):
        super().__init__(fake.bus, MM_PATH, {MM: {'Version': dbus.String('1.20.4')}})
        self.fake = fake

    @dbus.service.method(MM)
    def ScanDevices(self):
        pass

    @dbus.service.method(OBJECT_MANAGER, out_signature='a{oa{sa{sv}}}')
    def GetManagedObjects(self):
        return dbus.Dictionary({p: m.managed() for p, m in self.fake.modems.items()},
                               signature='oa{sa{sv}}')

    @dbus.service.signal(OBJECT_MANAGER, signature='oa{sa{sv}}')
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(OBJECT_MANAGER, signature='oas')
    def InterfacesRemoved(self, path, interfaces):
        pass
