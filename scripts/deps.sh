# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by scripts/demo and scripts/test: installs the Debian 12 packages nocontact needs,
# only those that are missing, so running it twice changes nothing.

NOCONTACT_PACKAGES=(
    cmake ninja-build g++ pkg-config git
    libyaml-cpp-dev libphonenumber-dev libicu-dev libcli11-dev nlohmann-json3-dev
    libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
    libsystemd-dev libglib2.0-dev libsdbus-c++-dev libsdbus-c++-bin libnotify-dev
    dbus dbus-x11 dunst xvfb libnotify-bin x11-apps imagemagick systemd python3-dbus python3-gi
    fonts-dejavu-core gettext
    gnome-shell gjs python3-dbusmock
    sway mako-notifier sway-notification-center xfce4-notifyd xfconf python3-xlib
    plasma-desktop kwin-x11
    clang libclang-rt-14-dev clang-format clang-tidy
    build-essential debhelper dpkg-dev fakeroot lintian rpm scdoc
    debootstrap
    chromium firefox-esr libnss3-tools openssl iproute2 xdg-desktop-portal xdg-desktop-portal-gtk
)

nocontact_install_deps() {
    local missing=() pkg
    for pkg in "${NOCONTACT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    echo "Installing: ${missing[*]}"
    local sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    # Through env, which sudo does not strip, so debconf never stops to ask.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
}
