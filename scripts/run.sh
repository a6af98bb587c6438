#!/usr/bin/env bash
# Sets up this machine (Debian/Ubuntu), builds ocrlay in release mode and starts it. Arguments go to ocrlay.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked
exec target/release/ocrlay "$@"
