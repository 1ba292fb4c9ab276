// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Every bus name, object path, interface and error name nocontact uses, in one place.

namespace nocontact::dbus::names {

// Our own service (dbus/org.nocontact.Daemon1.xml).
inline constexpr const char* kService = "org.nocontact.Daemon1";
inline constexpr const char* kPath = "/org/nocontact/Daemon1";
inline constexpr const char* kInterface = "org.nocontact.Daemon1";
inline constexpr const char* kErrorAccessDenied = "org.nocontact.Error.AccessDenied";
inline constexpr const char* kErrorFailed = "org.nocontact.Error.Failed";
inline constexpr const char* kErrorNotFound = "org.nocontact.Error.NotFound";
inline constexpr const char* kErrorInvalidArgs = "org.nocontact.Error.InvalidArgs";
// Owned by the nocontact GNOME Shell extension (gnome-shell/) while it is enabled: then GNOME
// Shell asks Decide before showing a notification, and the daemon closes nothing itself.
inline constexpr const char* kShellExtensionService = "org.nocontact.ShellExtension1";
// What the extension says of itself there (gnome-shell/shared/nocontact.js): properties
// Version (u, its metadata's), ShellVersion (s) and Uuid (s).
inline constexpr const char* kShellExtensionPath = "/org/nocontact/ShellExtension1";
inline constexpr const char* kShellExtensionInterface = "org.nocontact.ShellExtension1";

// freedesktop notifications.
inline constexpr const char* kFdoService = "org.freedesktop.Notifications";
inline constexpr const char* kFdoPath = "/org/freedesktop/Notifications";
inline constexpr const char* kFdoInterface = "org.freedesktop.Notifications";

// The notification servers' own interfaces, for their rules (dbus/server_control.hpp, ctl
// setup): dunst's on its notification object, mako's beside it (both under
// org.freedesktop.Notifications), swaync's control centre under a name of its own.
inline constexpr const char* kDunstInterface = "org.dunstproject.cmd0";
inline constexpr const char* kMakoPath = "/fr/emersion/Mako";
inline constexpr const char* kMakoInterface = "fr.emersion.Mako";
inline constexpr const char* kSwayncService = "org.erikreider.swaync.cc";
inline constexpr const char* kSwayncPath = "/org/erikreider/swaync/cc";
inline constexpr const char* kSwayncInterface = "org.erikreider.swaync.cc";

// GTK notifications (GApplication's GNotification on GNOME).
inline constexpr const char* kGtkService = "org.gtk.Notifications";
inline constexpr const char* kGtkPath = "/org/gtk/Notifications";
inline constexpr const char* kGtkInterface = "org.gtk.Notifications";

// The notification portal (sandboxed apps).
inline constexpr const char* kPortalService = "org.freedesktop.portal.Desktop";
inline constexpr const char* kPortalPath = "/org/freedesktop/portal/desktop";
inline constexpr const char* kPortalInterface = "org.freedesktop.portal.Notification";

// The bus itself.
inline constexpr const char* kBusService = "org.freedesktop.DBus";
inline constexpr const char* kBusPath = "/org/freedesktop/DBus";
inline constexpr const char* kBusInterface = "org.freedesktop.DBus";
inline constexpr const char* kMonitoringInterface = "org.freedesktop.DBus.Monitoring";
// Standard interfaces other services implement.
inline constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";
inline constexpr const char* kObjectManagerInterface = "org.freedesktop.DBus.ObjectManager";

// The systemd user manager, for reaching out (apps started in their own units).
inline constexpr const char* kSystemdService = "org.freedesktop.systemd1";
inline constexpr const char* kSystemdPath = "/org/freedesktop/systemd1";
inline constexpr const char* kSystemdManager = "org.freedesktop.systemd1.Manager";

// ModemManager, on the system bus (dbus/modem_watch.*).
inline constexpr const char* kModemManagerService = "org.freedesktop.ModemManager1";
inline constexpr const char* kModemManagerPath = "/org/freedesktop/ModemManager1";
inline constexpr const char* kModemManagerVoice = "org.freedesktop.ModemManager1.Modem.Voice";
inline constexpr const char* kModemManagerMessaging =
    "org.freedesktop.ModemManager1.Modem.Messaging";
inline constexpr const char* kModemManagerCall = "org.freedesktop.ModemManager1.Call";
inline constexpr const char* kModemManagerSms = "org.freedesktop.ModemManager1.Sms";

// KDE Connect's daemon (kdeconnectd), for what paired phones forward: notifications, calls, SMS.
// KDE/kdeconnect-kde core/daemon.h, plugins/{notifications,telephony,sms}.
inline constexpr const char* kKdeConnectService = "org.kde.kdeconnect";
inline constexpr const char* kKdeConnectPath = "/modules/kdeconnect";
inline constexpr const char* kKdeConnectDevicesPath = "/modules/kdeconnect/devices/";
inline constexpr const char* kKdeConnectDaemon = "org.kde.kdeconnect.daemon";
inline constexpr const char* kKdeConnectNotifications = "org.kde.kdeconnect.device.notifications";
inline constexpr const char* kKdeConnectNotification =
    "org.kde.kdeconnect.device.notifications.notification";
inline constexpr const char* kKdeConnectTelephony = "org.kde.kdeconnect.device.telephony";
inline constexpr const char* kKdeConnectConversations = "org.kde.kdeconnect.device.conversations";

// GNOME Calls (dbus/calls_watch.*): the application's id, its ObjectManager and each call's
// interface (GNOME/calls src/calls-dbus-manager.c, src/dbus/org.gnome.Calls.Call.xml).
inline constexpr const char* kCallsService = "org.gnome.Calls";
inline constexpr const char* kCallsPath = "/org/gnome/Calls";
inline constexpr const char* kCallsCallInterface = "org.gnome.Calls.Call";

}  // namespace nocontact::dbus::names
