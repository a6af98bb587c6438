#!/usr/bin/env python3
"""Render the small-kana and punctuation fixtures in tests/fixtures/ocr-kana/ (issue 15 item 5).

Horizontal Japanese lines as games show them: a leading 「…… , small kana (ぁぃぅぇぉゃゅょっ) and a line
that ends in よ。 — in Noto Sans / Serif CJK JP, regular and bold, 18 to 36 px, on the backgrounds of
render-fixtures.py (dialogue box, parchment, outlined text over a scene, a tight one-line selection).
Each fixture is NAME.png plus NAME.expected.txt. Deterministic (seeded noise).

    python3 -m venv .venv-ocr && .venv-ocr/bin/pip install pillow
    .venv-ocr/bin/python scripts/render-kana-fixtures.py [NAME ...]   # only these, when named
"""

import importlib.util
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "ocr-kana"
spec = importlib.util.spec_from_file_location("fixtures", ROOT / "scripts" / "render-fixtures.py")
fx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fx)


def font(style, size, bold=False):
    kind = "Sans" if style == "sans" else "Serif"
    weight = "Bold" if bold else "Regular"
    return ImageFont.truetype(f"{fx.NOTO}Noto{kind}CJK-{weight}.ttc", size, index=0)


# name: (lines, style, size, bold, background)
FIXTURES = {
    "dialogue_sans": (
        ["【ユウ】", "「……ちょっと待ってよ。", "きゃあっ、びっくりしたじゃない！」"],
        "sans", 30, False, "dialogue",
    ),
    "dialogue_serif": (
        ["「……しょうがないなぁ。", "じゃあ、一緒に行ってあげるよ。」"],
        "serif", 28, False, "dialogue",
    ),
    "small_kana_sans": (
        ["ぁぃぅぇぉ、ゃゅょっ、ゎ", "ファイト！ティーカップとジュース"],
        "sans", 32, False, "parchment",
    ),
    "small_kana_serif": (
        ["「ぇっ？ぅそでしょ……」", "ちゃんと聞いてるってば、ほんとだよ。"],
        "serif", 26, False, "parchment",
    ),
    "ending_yo_bold": (
        ["「……わぁ、すごぉい！", "また明日も来てね。約束だよ。」"],
        "sans", 34, True, "outlined",
    ),
    "small_size": (
        ["「……ねぇ、聞こえてる？", "返事くらいしてよ。」"],
        "sans", 18, False, "dialogue",
    ),
    "trailing_ellipsis": (
        ["【ユウ】", "「そうだったんだ……", "ずっと知らなかったよ……」"],
        "sans", 30, False, "dialogue",
    ),
    "trailing_ellipsis_serif": (
        ["「ちょっと待って……", "ぼくも行くよ。」"],
        "serif", 32, False, "parchment",
    ),
    "tight_ellipsis": (["「……そうだよ。"], "sans", 28, False, "tight"),
    "tight_small_kana": (["しょっちゅうキャッシュを消すよ。"], "serif", 26, False, "tight"),
    # Full-size kana that have a small form, many of them: none may be read small.
    "full_kana_sans": (
        ["ありがとう。やっぱりおいしいよ！", "ユウヤはアイスをワゴンで売っていた。"],
        "sans", 24, False, "dialogue",
    ),
    "full_kana_serif_bold": (
        ["あいうえお、つやゆよわ。", "オヤツはイチゴとケーキにしよう。"],
        "serif", 30, True, "parchment",
    ),
    # Small kana among full-size ones, in other sizes and styles.
    "small_kana_mixed_outlined": (
        ["ヴァイオリンとチェロのウェディング。", "「ふぁあ……ねむぃ。ちょっと休もっか」"],
        "sans", 26, False, "outlined",
    ),
    "small_kana_large_serif": (["ジョッキでぎゅっと乾杯しよぉ！"], "serif", 40, False, "dialogue"),
    "small_kana_small_sans": (["「ぇ、うそぉ？ほんとにぃ？」"], "sans", 20, False, "parchment"),
}


def render(lines, style, size, bold, background, seed):
    f = font(style, size, bold)
    if background == "dialogue":
        w, h = 1100, 80 + int(size * 1.6) * len(lines)
        img = fx.translucent_box(fx.noise(w, h, seed), (8, 8, w - 8, h - 8))
        fx.draw_lines(img, lines, f, (50, 36), (255, 255, 255), spacing=1.6)
    elif background == "parchment":
        w, h = 900, 70 + int(size * 1.7) * len(lines)
        img = fx.parchment(w, h, seed)
        fx.draw_lines(img, lines, f, (50, 36), (60, 35, 15), spacing=1.7)
    elif background == "outlined":
        w, h = 1000, 70 + int(size * 1.8) * len(lines)
        img = fx.noise(w, h, seed, amp=90)
        fx.draw_lines(img, lines, f, (40, 32), (255, 255, 255), stroke=3, stroke_fill=(0, 0, 0),
                      spacing=1.8)
    elif background == "tight":
        left, top, right, bottom = f.getbbox(lines[0])
        w, h = right - left + 4, bottom - top + 4
        img = Image.new("RGB", (w, h), (20, 24, 40))
        ImageDraw.Draw(img).text((2 - left, 2 - top), lines[0], font=f, fill=(250, 250, 250))
    else:
        raise ValueError(background)
    return img


def main():
    # With names, only those fixtures are written (the others stay as committed).
    only = set(sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    for seed, (name, (lines, style, size, bold, background)) in enumerate(FIXTURES.items(), start=100):
        if only and name not in only:
            continue
        img = render(lines, style, size, bold, background, seed)
        img.save(OUT / f"ja_{name}.png", optimize=True)
        (OUT / f"ja_{name}.expected.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(name, img.size)


if __name__ == "__main__":
    main()
