#!/usr/bin/env bash
# Sets up this machine (Debian/Ubuntu) and runs the whole test suite: unit tests, provider tests against
# loopback servers, OCR golden files, the GUI tests under Xvfb, the pages in Chromium, and the packages users
# download (scripts/package.sh from this build): the Windows zip's exe under wine, and the .deb.
# With arguments, only `cargo test ARGS` runs (no packaging, no browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
export OCRLAY_PACKAGING=1
source scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
# Captures must see X11, never a Wayland session.
unset WAYLAND_DISPLAY
export XDG_SESSION_TYPE=x11
if [ $# -eq 0 ]; then
  # The zip and the .deb of this very build (the dev profile the tests build anyway: no second build of the
  # Linux binary); tests/windows_exe.rs and tests/deb.rs run them.
  bash scripts/package.sh --profile dev
  export OCRLAY_DIST=dist
  if [ "${OCRLAY_INSTALL_DEB:-0}" = 1 ]; then
    # CI: install the package as a user would (tests/deb.rs runs the installed binary).
    dpkg -i dist/ocrlay_*_amd64.deb
  fi
fi
cargo test --locked "$@"
# The pages of ui/ in a real browser engine, IPC mocked.
if [ $# -eq 0 ]; then bash ui/tests/run.sh; fi
