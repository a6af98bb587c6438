#!/usr/bin/env bash
# Sets up this machine (Debian/Ubuntu) and runs the whole test suite: unit tests, provider tests against
# loopback servers, OCR golden files, and the GUI tests under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
# Captures must see X11, never a Wayland session.
unset WAYLAND_DISPLAY
export XDG_SESSION_TYPE=x11
cargo test --locked "$@"
# The pages of ui/ in a real browser engine, IPC mocked.
if [ $# -eq 0 ]; then bash ui/tests/run.sh; fi
