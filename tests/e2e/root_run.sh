#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command inside another distribution's root (e.g. Debian 13, made with debootstrap), as
# the end-to-end tests of newer GNOME Shell and dunst do. Needs root.
#   root_run.sh ROOT [NAME=VALUE...] COMMAND [ARG...]
# The command starts with a clean environment (PATH, HOME=/root, LANG=C.UTF-8 and the NAME=VALUE
# given). It runs in mount, process and network namespaces of its own: /proc, /sys and /dev are
# mounted there for it alone, so another run in the same root (a build, say) keeps its own
# mounts; when the command ends, however it ends, every process it left is killed and the mounts
# vanish with the namespace; and an X server's abstract socket (@/tmp/.X11-unix/X90) cannot
# clash with one of the machine's, whose /tmp the root does not see.
set -euo pipefail
[[ $(id -u) -eq 0 ]] || { echo "root_run.sh needs root (chroot, mounts)" >&2; exit 2; }
root=$(realpath "$1")
shift
[[ -x $root/usr/bin/env ]] || { echo "root_run.sh: $root is not a distribution's root" >&2; exit 2; }
# --kill-child: were unshare itself killed (a timeout), the namespace's first process and with
# it every other one goes too.
# shellcheck disable=SC2016  # expanded by the inner shell
exec unshare --mount --propagation private --pid --fork --kill-child --net -- /bin/bash -c '
    set -e
    root=$1
    shift
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    mkdir -p "$root/tmp/.X11-unix"
    chmod 1777 "$root/tmp" "$root/tmp/.X11-unix"
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
' root_run "$root" "$@"
