// SPDX-License-Identifier: GPL-3.0-or-later
// Stand-in for resource:///org/gnome/shell/ui/main.js of GNOME Shell 45-50, as far as the
// extension uses it: `export let notificationDaemon`, set once GNOME Shell has started. Tests
// set it to a notification daemon of the shape they check.
export let notificationDaemon = null;

export function setNotificationDaemon(daemon) {
    notificationDaemon = daemon;
}
