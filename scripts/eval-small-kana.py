#!/usr/bin/env python3
"""Small kana read by one or more ocrlay builds, on lines that are not fixtures (issue 15 item 5).

Renders every kana that has a small form (あぁ いぃ … ヵ ケヶ) twice in a line of ideographs and tall kana,
once full-size and once small ("今日は" + あ + "今日は" + ぁ + "今日は"), in Noto Sans and Serif CJK JP, regular
and bold, at 20, 26 and 34 px, dark on parchment and white outlined over noise: 528 lines in 144 images.
Each build reads them (`ocrlay ocr --lang ja`); counted on the lines read at the right length: small kana read
small, small kana read full-size, and full-size kana read small (a new error).

    .venv-ocr/bin/python scripts/eval-small-kana.py target/release/ocrlay [OTHER_BUILD/ocrlay ...]

Each build needs its models beside it or in the source tree (a build of this checkout finds them).
"""

import importlib.util
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import ImageFont

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("fixtures", ROOT / "scripts" / "render-fixtures.py")
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)

PAIRS = "あぁ いぃ うぅ えぇ おぉ つっ やゃ ゆゅ よょ わゎ アァ イィ ウゥ エェ オォ ツッ ヤャ ユュ ヨョ ワヮ カヵ ケヶ".split()
CONTEXT = ["今日は", "本当に", "先生の", "時間が"]


def render(out):
    """Writes the images into `out`; returns [(image path, [truth line, ...])]."""
    lines = [f"{c}{p[0]}{c}{p[1]}{c}" for p, c in zip(PAIRS, itertools.cycle(CONTEXT))]
    images = []
    combos = itertools.product(["Sans", "Serif"], [False, True], [20, 26, 34], ["plain", "outlined"])
    for n, (kind, bold, size, bg) in enumerate(combos):
        weight = "Bold" if bold else "Regular"
        f = ImageFont.truetype(f"{fx.NOTO}Noto{kind}CJK-{weight}.ttc", size, index=0)
        for j in range(0, len(lines), 4):
            chunk = lines[j:j + 4]
            w, h = 60 + size * 16, 40 + int(size * 1.8) * len(chunk)
            if bg == "plain":
                img = fx.parchment(w, h, 7 + n)
                fx.draw_lines(img, chunk, f, (30, 20), (50, 30, 15), spacing=1.8)
            else:
                img = fx.noise(w, h, 7 + n, amp=90)
                fx.draw_lines(img, chunk, f, (30, 20), (255, 255, 255), stroke=max(2, size // 12),
                              stroke_fill=(0, 0, 0), spacing=1.8)
            path = out / f"{kind}_{weight}_{size}_{bg}_{j}.png"
            img.save(path)
            images.append((path, chunk))
    return images


def evaluate(binary, images):
    counts = {"lines": 0, "read": 0, "small right": 0, "small read full": 0, "full read small": 0}
    for path, truth in images:
        out = subprocess.run([binary, "ocr", str(path), "--lang", "ja"], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        for t in truth:
            counts["lines"] += 1
            # The line read with the same context around positions 3 and 7.
            got = next((o for o in out if len(o) == len(t) and o[:3] == t[:3] and o[4:7] == t[4:7]), None)
            if got is None:
                continue
            counts["read"] += 1
            full, small = t[3], t[7]
            counts["small right"] += got[7] == small
            counts["small read full"] += got[7] == full
            counts["full read small"] += got[3] == small
    return counts


def main():
    binaries = sys.argv[1:] or [str(ROOT / "target" / "release" / "ocrlay")]
    with tempfile.TemporaryDirectory() as tmp:
        images = render(Path(tmp))
        print("| build | lines read | small kana read small | small read full-size | full-size read small |")
        print("|---|---|---|---|---|")
        for b in binaries:
            c = evaluate(b, images)
            print(f"| {b} | {c['read']}/{c['lines']} | {c['small right']} | {c['small read full']} "
                  f"| {c['full read small']} |")


if __name__ == "__main__":
    main()
