#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake kdeconnectd for tests: owns org.kde.kdeconnect on DBUS_SESSION_BUS_ADDRESS and exports
the objects, interfaces and signatures of KDE Connect (KDE/kdeconnect-kde):
  core/daemon.h                                   /modules/kdeconnect  org.kde.kdeconnect.daemon
  core/device.h                                   .../devices/<id>     org.kde.kdeconnect.device
  plugins/sms/conversationsdbusinterface.h        .../devices/<id>     ...device.conversations
  interfaces/conversationmessage.h (operator<<)   ConversationMessage (isa(s)xiixixa(xsss))
  plugins/notifications/notificationsdbusinterface.h  .../<id>/notifications
  plugins/notifications/notification.h            .../<id>/notifications/<publicId>
  plugins/telephony/telephonyplugin.h             .../<id>/telephony   callReceived(sss)
Tests drive it through org.nocontact.Fake at /org/nocontact/Fake; every call made on the KDE
Connect objects is recorded (Recorded -> a(ss) of path, member). Run with /usr/bin/python3."""
import signal

import dbus
import dbus.lowlevel
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

ROOT = '/modules/kdeconnect'
DAEMON = 'org.kde.kdeconnect.daemon'
DEVICE = 'org.kde.kdeconnect.device'
CONVERSATIONS = 'org.kde.kdeconnect.device.conversations'
NOTIFICATIONS = 'org.kde.kdeconnect.device.notifications'
NOTIFICATION = 'org.kde.kdeconnect.device.notifications.notification'
TELEPHONY = 'org.kde.kdeconnect.device.telephony'
PROPS = 'org.freedesktop.DBus.Properties'
FAKE = 'org.nocontact.Fake'
recorded = []


class Exported(dbus.service.Object):
    """An object that records calls and serves `props` (name -> dbus value) on `iface`."""
    iface, props = None, {}

    def rec(self, member):
        recorded.append((self.__dbus_object_path__, member))

    @dbus.service.method(PROPS, in_signature='ss', out_signature='v')
    def Get(self, iface, name):
        self.rec('Get')
        if iface != self.iface or name not in self.props:
            raise dbus.DBusException('no such property', name='org.freedesktop.DBus.Error.InvalidArgs')
        return self.props[name]

    @dbus.service.method(PROPS, in_signature='s', out_signature='a{sv}')
    def GetAll(self, iface):
        self.rec('GetAll')
        return dbus.Dictionary(self.props if iface == self.iface else {}, signature='sv')

    @dbus.service.method(dbus.INTROSPECTABLE_IFACE, in_signature='', out_signature='s',
                         path_keyword='object_path', connection_keyword='connection')
    def Introspect(self, object_path, connection):
        xml = dbus.service.Object.Introspect(self, object_path, connection)
        props = ''.join('    <property name="%s" type="%s" access="read"/>\n'
                        % (k, sig(v)) for k, v in self.props.items())
        head = '<interface name="%s">\n' % self.iface
        return xml.replace(head, head + props)


def sig(value):
    return {dbus.String: 's', dbus.Boolean: 'b', dbus.Int32: 'i'}.get(type(value), 'v')


class Notification(Exported):
    iface = NOTIFICATION

    def __init__(self, conn, path, app, title, text, ticker):
        super().__init__(conn, path)
        self.props = {'internalId': dbus.String('0|' + app + '|' + path.rsplit('/', 1)[1])}
        for key, value in (('appName', app), ('ticker', ticker), ('title', title),
                           ('text', text), ('iconPath', ''), ('replyId', '')):
            self.props[key] = dbus.String(value)
        for key, value in (('dismissable', True), ('hasIcon', False), ('silent', False)):
            self.props[key] = dbus.Boolean(value)

    @dbus.service.method(NOTIFICATION)
    def dismiss(self):
        self.rec('dismiss')

    @dbus.service.method(NOTIFICATION)
    def reply(self):
        self.rec('reply')

    @dbus.service.method(NOTIFICATION, in_signature='s')
    def sendReply(self, message):
        self.rec('sendReply')

    @dbus.service.method(NOTIFICATION, in_signature='s')
    def sendAction(self, action):
        self.rec('sendAction')


class Notifications(Exported):
    def __init__(self, conn, path):
        super().__init__(conn, path)
        self.items = {}

    @dbus.service.method(NOTIFICATIONS, out_signature='as')
    def activeNotifications(self):
        self.rec('activeNotifications')
        return dbus.Array(self.items.keys(), signature='s')

    @dbus.service.method(NOTIFICATIONS, in_signature='ss')
    def sendReply(self, reply_id, message):
        self.rec('sendReply')

    @dbus.service.signal(NOTIFICATIONS, signature='s')
    def notificationPosted(self, public_id): pass

    @dbus.service.signal(NOTIFICATIONS, signature='s')
    def notificationRemoved(self, public_id): pass

    @dbus.service.signal(NOTIFICATIONS, signature='s')
    def notificationUpdated(self, public_id): pass

    @dbus.service.signal(NOTIFICATIONS, signature='')
    def allNotificationsRemoved(self): pass


class Telephony(Exported):
    @dbus.service.signal(TELEPHONY, signature='sss')
    def callReceived(self, event, number, contact_name): pass


class Device(Exported):
    iface = DEVICE

    def __init__(self, conn, path, name):
        super().__init__(conn, path)
        self.props = {'name': dbus.String(name), 'isReachable': dbus.Boolean(True),
                      'isPaired': dbus.Boolean(True)}
        self.notifications = Notifications(conn, path + '/notifications')
        self.telephony = Telephony(conn, path + '/telephony')

    def remove(self):
        for item in self.notifications.items.values():
            item.remove_from_connection()
        for obj in (self.notifications, self.telephony, self):
            obj.remove_from_connection()

    @dbus.service.method(CONVERSATIONS, out_signature='av')
    def activeConversations(self):
        self.rec('activeConversations')
        return dbus.Array([], signature='v')

    @dbus.service.method(CONVERSATIONS, in_signature='xii')
    def requestConversation(self, conversation_id, start, end):
        self.rec('requestConversation')

    @dbus.service.signal(CONVERSATIONS, signature='v')
    def conversationCreated(self, msg): pass

    @dbus.service.signal(CONVERSATIONS, signature='v')
    def conversationUpdated(self, msg): pass

    @dbus.service.signal(CONVERSATIONS, signature='x')
    def conversationRemoved(self, conversation_id): pass


class Daemon(Exported):
    def __init__(self, conn):
        super().__init__(conn, ROOT)
        self.devices = {}

    @dbus.service.method(DAEMON, in_signature='bb', out_signature='as')
    def devices(self, only_reachable, only_paired):
        self.rec('devices')
        return dbus.Array(self.devices.keys(), signature='s')

    @dbus.service.signal(DAEMON, signature='s')
    def deviceAdded(self, device_id): pass

    @dbus.service.signal(DAEMON, signature='s')
    def deviceRemoved(self, device_id): pass

    @dbus.service.signal(DAEMON, signature='sb')
    def deviceVisibilityChanged(self, device_id, visible): pass

    @dbus.service.signal(DAEMON, signature='')
    def deviceListChanged(self): pass


def message(thread, uid, kind, addresses, body, date, attachments=True):
    """A ConversationMessage as a variant: (isa(s)xiixixa(xsss)), or the old 9 fields."""
    fields = [dbus.Int32(1), dbus.String(body),
              dbus.Array([dbus.Struct((a,), signature='s') for a in addresses], signature='(s)'),
              dbus.Int64(date), dbus.Int32(kind), dbus.Int32(0), dbus.Int64(thread),
              dbus.Int32(uid), dbus.Int64(-1)]
    if attachments:
        fields.append(dbus.Array([], signature='(xsss)'))
    return dbus.Struct(fields, signature='isa(s)xiixix' + ('a(xsss)' if attachments else ''),
                       variant_level=1)


class Control(dbus.service.Object):
    def __init__(self, conn, daemon):
        super().__init__(conn, '/org/nocontact/Fake')
        self.conn, self.daemon = conn, daemon

    def device(self, device_id):
        return self.daemon.devices[device_id]

    def raw(self, path, iface, member, sig, *args):
        msg = dbus.lowlevel.SignalMessage(path, iface, member)
        msg.append(*args, signature=sig)
        self.conn.send_message(msg)

    @dbus.service.method(FAKE, in_signature='ss')
    def AddDevice(self, device_id, name):
        self.daemon.devices[device_id] = Device(self.conn, ROOT + '/devices/' + device_id, name)
        self.daemon.deviceAdded(device_id)

    @dbus.service.method(FAKE, in_signature='s')
    def RemoveDevice(self, device_id):
        self.daemon.devices.pop(device_id).remove()
        self.daemon.deviceRemoved(device_id)

    def post(self, device_id, public_id, app, title, text, ticker, odd=False):
        notifications = self.device(device_id).notifications
        old = notifications.items.pop(public_id, None)
        if old:
            old.remove_from_connection()
        path = notifications.__dbus_object_path__ + '/' + public_id
        item = Notification(self.conn, path, app, title, text, ticker)
        if odd:
            item.props['title'] = dbus.Int32(5)
        notifications.items[public_id] = item
        (notifications.notificationUpdated if old else notifications.notificationPosted)(public_id)

    @dbus.service.method(FAKE, in_signature='ssssss')
    def PostNotification(self, device_id, public_id, app, title, text, ticker):
        self.post(device_id, public_id, app, title, text, ticker)

    @dbus.service.method(FAKE, in_signature='ssssss')
    def UpdateNotification(self, device_id, public_id, app, title, text, ticker):
        self.post(device_id, public_id, app, title, text, ticker)  # known id: notificationUpdated

    @dbus.service.method(FAKE, in_signature='ss')
    def RemoveNotification(self, device_id, public_id):
        notifications = self.device(device_id).notifications
        notifications.items.pop(public_id).remove_from_connection()
        notifications.notificationRemoved(public_id)

    @dbus.service.method(FAKE, in_signature='s')
    def RemoveAllNotifications(self, device_id):
        notifications = self.device(device_id).notifications
        for item in notifications.items.values():
            item.remove_from_connection()
        notifications.items.clear()
        notifications.allNotificationsRemoved()

    @dbus.service.method(FAKE, in_signature='ssss')
    def Ring(self, device_id, event, number, contact_name):
        self.device(device_id).telephony.callReceived(event, number, contact_name)

    @dbus.service.method(FAKE, in_signature='sxiiassx')
    def Sms(self, device_id, thread, uid, kind, addresses, body, date):
        self.device(device_id).conversationUpdated(message(thread, uid, kind, addresses, body, date))

    @dbus.service.method(FAKE, in_signature='sxiiassx')
    def SmsOld(self, device_id, thread, uid, kind, addresses, body, date):
        self.device(device_id).conversationUpdated(
            message(thread, uid, kind, addresses, body, date, attachments=False))

    @dbus.service.method(FAKE, in_signature='sxiiassx')
    def SmsCreated(self, device_id, thread, uid, kind, addresses, body, date):
        self.device(device_id).conversationCreated(message(thread, uid, kind, addresses, body, date))

    @dbus.service.method(FAKE, in_signature='s')
    def Malformed(self, device_id):
        """Signals of the right names with the wrong shapes, then an odd notification: its
        title is an int32 and `ghost` is posted with no object behind it."""
        path = ROOT + '/devices/' + device_id
        self.raw(path + '/telephony', TELEPHONY, 'callReceived', 'i', 7)
        self.raw(path, CONVERSATIONS, 'conversationUpdated', 'v', dbus.String('x', variant_level=1))
        self.raw(path, CONVERSATIONS, 'conversationUpdated', 'v',
                 dbus.Struct((1, 'body'), signature='is', variant_level=1))
        self.raw(path, CONVERSATIONS, 'conversationUpdated', 's', 'x')
        self.raw(path + '/notifications', NOTIFICATIONS, 'notificationPosted', 'i', 3)
        self.raw(ROOT, DAEMON, 'deviceAdded', 'u', 3)
        self.raw(ROOT + '/elsewhere', NOTIFICATIONS, 'notificationPosted', 's', 'x')
        self.device(device_id).notifications.notificationPosted('ghost')
        self.post(device_id, 'odd', 'Odd', 'title', 'text', 'ticker', odd=True)

    @dbus.service.method(FAKE, out_signature='a(ss)')
    def Recorded(self):
        return dbus.Array(recorded, signature='(ss)')


def main():
    DBusGMainLoop(set_as_default=True)
    conn = dbus.SessionBus()
    Control(conn, Daemon(conn))
    # The name last: once it is owned, every object is there.
    name = dbus.service.BusName('org.kde.kdeconnect', conn, do_not_queue=True)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    loop.run()
    del name


if __name__ == '__main__':
    main()
