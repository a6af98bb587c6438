#!/usr/bin/env python3
"""Writes the notice of the third-party code inside a build of ocrlay: every crate compiled into the binary
for one target (from `cargo metadata`, resolved for that platform), with its version, licence and source, and
the files that ship beside the binary (OCR models, WebView2Loader.dll).

Usage: third-party-notices.py TARGET_TRIPLE OUT_FILE
"""
import json
import subprocess
import sys


def main() -> int:
    triple, out = sys.argv[1], sys.argv[2]
    meta = json.loads(
        subprocess.check_output(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", triple]
        )
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    # Only what the binary links: normal dependencies, followed from the root (no dev or build deps).
    seen, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                stack.append(dep["pkg"])
    seen.discard(root)
    rows = sorted(
        (packages[p]["name"], packages[p]["version"], packages[p].get("license") or "see its source",
         packages[p].get("repository") or "")
        for p in seen
    )
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("Third-party software in this build of ocrlay\n")
        f.write("=============================================\n\n")
        f.write("ocrlay itself: MIT OR Apache-2.0 (LICENSE-MIT, LICENSE-APACHE).\n\n")
        f.write("Files shipped beside the program:\n")
        f.write("- models/: PaddleOCR PP-OCR weights, Apache-2.0, Copyright (c) PaddlePaddle Authors;\n"
                "  provenance, hashes and the carried notices in models/PROVENANCE.md and models/*.txt|md.\n")
        if "windows" in triple:
            f.write("- WebView2Loader.dll: Microsoft Edge WebView2 SDK loader, Copyright (C) Microsoft Corporation,\n"
                    "  redistributed as shipped by the webview2-com-sys crate (MIT) under the WebView2 SDK licence.\n")
        f.write(f"\nRust crates compiled into the program for {triple} ({len(rows)}):\n\n")
        for name, version, licence, repo in rows:
            f.write(f"{name} {version} — {licence}" + (f" — {repo}" if repo else "") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
