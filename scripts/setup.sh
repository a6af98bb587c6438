#!/usr/bin/env bash
# Installs what ocrlay needs to build, run and test on Debian/Ubuntu: the GUI stack's -dev packages
# (WebKitGTK, GTK, xcb, PipeWire for xcap, appindicator for the tray), an X server for headless runs, CJK
# fonts, and Rust if it is missing. Safe to run again: apt skips what is installed.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  # Build tools and the GUI stack (tao, wry, global-hotkey, xcap, tray-icon).
  build-essential pkg-config libclang-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  libxcb1-dev libxcb-randr0-dev libxdo-dev libayatana-appindicator3-dev
  libpipewire-0.3-dev libspa-0.2-dev libwayland-dev libegl-dev libgbm-dev libdrm-dev libdbus-1-dev
  # Layer-shell on Wayland compositors (the selector and the overlay as layer surfaces).
  libgtk-layer-shell-dev
  # Read-aloud (the tts crate): speech-dispatcher's client library to build; the service and an espeak-ng voice
  # for tests/speech_dispatcher.rs.
  libspeechd-dev speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  # Headless runs and the GUI tests: X server, input, screenshots, a compositor for transparency, fonts.
  xvfb xdotool xclip imagemagick x11-utils xcompmgr fonts-noto-cjk fonts-dejavu-core python3-tk
  # A window manager for the window-binding tests (window lists exist only under one).
  openbox
  # The Wayland tests (tests/wayland_e2e.rs): a headless sway with XWayland in a D-Bus session of its own,
  # grim for screenshots, GTK's introspection data for the native test window (python3-gi).
  sway xwayland grim dbus-daemon python3-gi gir1.2-gtk-3.0
  # The screen-cast test (tests/screencast_portal.rs): a PipeWire daemon and session manager, and GStreamer's
  # pipewiresink with a live test picture the dialogue box is drawn on (gdkpixbufoverlay), as the stream.
  pipewire pipewire-bin wireplumber gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-pipewire
  # The browser tests of ui/ (headless Chromium driven by playwright-core).
  chromium
)
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi
if [ "${OCRLAY_PACKAGING:-0}" = 1 ]; then
  # scripts/package.sh and its tests: the Windows cross-build (mingw), wine to run the Windows exe, dpkg-dev
  # for the .deb's dependencies (dpkg-shlibdeps).
  PACKAGES+=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 dpkg-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "Installing Rust (rustup)…"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
