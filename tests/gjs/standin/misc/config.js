// SPDX-License-Identifier: GPL-3.0-or-later
// Stand-in for resource:///org/gnome/shell/misc/config.js (GNOME Shell 45-50).
export const PACKAGE_VERSION = '48.0';
