// SPDX-License-Identifier: GPL-3.0-or-later
// Stand-in for resource:///org/gnome/shell/extensions/extension.js of GNOME Shell 45-50, as
// far as the extension uses it: a base class taking the metadata, with enable() and disable().
export class Extension {
    constructor(metadata) {
        if (!metadata)
            throw new Error(`${this.constructor.name} did not pass metadata to parent`);
        this.metadata = metadata;
    }

    get uuid() {
        return this.metadata.uuid;
    }

    enable() {
    }

    disable() {
    }
}
