#!/usr/bin/env python3
"""Render the layout fixtures in tests/fixtures/ocr-layout/: vertical Japanese (縦書き) in three game styles and
two fonts, a horizontal name box over vertical dialogue, furigana over kanji (horizontal and vertical), and
small text standing on its own that must be kept.

Each fixture is NAME.png plus NAME.expected.txt: the lines in reading order, exactly as ocrlay must give
them (furigana left out, vertical punctuation in its horizontal form). Vertical text is drawn a character
per cell, columns right to left; punctuation takes its vertical form (the presentation forms ︒︑﹁﹂, a
turned ー and ︙), as a game's engine draws it. Deterministic (seeded noise).

    python3 -m venv .venv-ocr && .venv-ocr/bin/pip install pillow
    .venv-ocr/bin/python scripts/render-layout-fixtures.py
"""

import importlib.util
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "ocr-layout"

# The helpers of the main fixture script (fonts, backgrounds).
_spec = importlib.util.spec_from_file_location("rf", ROOT / "scripts" / "render-fixtures.py")
rf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rf)

# How a character is drawn in a vertical column: its vertical form, or turned a quarter.
VERTICAL_FORM = {"。": "︒", "、": "︑", "「": "﹁", "」": "﹂", "『": "﹃", "』": "﹄", "…": "︙"}
TURNED = {"ー", "～", "—"}
# Small punctuation sits in the top-right of its cell.
TOP_RIGHT = {"︒", "︑"}


def draw_column(img, text, fnt, x, y, size, fill, stroke=0, stroke_fill=None):
    """Draws `text` top to bottom from (x, y), one `size` cell per character."""
    d = ImageDraw.Draw(img)
    for i, ch in enumerate(text):
        cy = y + i * int(size * 1.08)
        if ch in TURNED:
            cell = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
            ImageDraw.Draw(cell).text((size // 2, size // 2), ch, font=fnt, fill=fill,
                                      stroke_width=stroke, stroke_fill=stroke_fill)
            cell = cell.rotate(-90, resample=Image.Resampling.BICUBIC)
            img.paste(cell, (x - size // 2, cy - size // 2), cell)
            continue
        glyph = VERTICAL_FORM.get(ch, ch)
        dx, dy = (0, 0)
        if glyph in TOP_RIGHT:
            dx, dy = size // 2, -size // 3
        d.text((x + dx, cy + dy), glyph, font=fnt, fill=fill, stroke_width=stroke,
               stroke_fill=stroke_fill)


def vertical(kind, columns, seed, style="sans", name=None):
    """Columns right to left in a box of the game style `kind`; `name`: a horizontal name box on top."""
    size = 34
    top = 30 + (70 if name else 0)
    height = top + max(len(c) for c in columns) * int(size * 1.08) + 30
    width = 80 + len(columns) * int(size * 1.7)
    fnt = rf.font("ja", size, style=style, bold=(kind == "outlined"))
    if kind == "dialogue":
        img = rf.translucent_box(rf.noise(width, height, seed), (6, 6, width - 6, height - 6))
        fill, stroke, sfill = (255, 255, 255), 0, None
    elif kind == "parchment":
        img = rf.parchment(width, height, seed)
        fill, stroke, sfill = (60, 35, 15), 0, None
    elif kind == "outlined":
        img = rf.noise(width, height, seed, amp=90)
        fill, stroke, sfill = (255, 255, 255), 3, (0, 0, 0)
    else:
        raise ValueError(kind)
    if name:
        rf.draw_lines(img, [name], rf.font("ja", 28, bold=True), (40, 28), (255, 220, 120)
                      if kind != "parchment" else (120, 40, 20))
    x = width - 40 - size
    for col in columns:
        draw_column(img, col, fnt, x, top, size, fill, stroke, sfill)
        x -= int(size * 1.7)
    return img


def furigana_horizontal(seed, style="sans"):
    """One line of 36 px text with 15 px readings over some of its kanji."""
    base = [("魔王", "まおう"), ("を", None), ("倒", "たお"), ("すために", None), ("旅", "たび"),
            ("に出た。", None)]
    big, small = rf.font("ja", 36, style=style), rf.font("ja", 15, style=style)
    img = rf.translucent_box(rf.noise(760, 130, seed), (6, 6, 754, 124))
    d = ImageDraw.Draw(img)
    x, y = 40, 62
    for text, ruby in base:
        w = d.textlength(text, font=big)
        d.text((x, y), text, font=big, fill=(255, 255, 255))
        if ruby:
            rw = d.textlength(ruby, font=small)
            d.text((x + (w - rw) / 2, y - 22), ruby, font=small, fill=(255, 255, 255))
        x += w
    return img, ["".join(t for t, _ in base)]


def furigana_vertical(seed):
    """Two vertical columns with readings right of some kanji."""
    cols = [[("勇者", "ゆうしゃ"), ("は", None), ("剣", "けん"), ("を", None), ("抜", "ぬ"), ("いた。", None)],
            [("城", "しろ"), ("へ", None), ("急", "いそ"), ("ごう。", None)]]
    size, small = 36, 15
    big_f, small_f = rf.font("ja", size), rf.font("ja", small)
    height = 40 + 12 * int(size * 1.08) + 30
    width = 80 + len(cols) * int(size * 2.2)
    img = rf.parchment(width, height, seed)
    d = ImageDraw.Draw(img)
    x = width - 50 - size
    lines = []
    for col in cols:
        row = 0
        for text, ruby in col:
            start = row
            draw_column(img, text, big_f, x, 40 + row * int(size * 1.08), size, (60, 35, 15))
            row += len(text)
            if ruby:
                span = (row - start) * int(size * 1.08)
                rh = len(ruby) * int(small * 1.1)
                ry = 40 + start * int(size * 1.08) + (span - rh) // 2
                for i, ch in enumerate(ruby):
                    d.text((x + size + 3, ry + i * int(small * 1.1)), ch, font=small_f, fill=(60, 35, 15))
        lines.append("".join(t for t, _ in col))
        x -= int(size * 2.2)
    return img, lines


def standalone_small(seed):
    """A UI caption in small text on its own, above (not over) a line of dialogue: both are kept."""
    img = rf.translucent_box(rf.noise(760, 150, seed), (6, 6, 754, 144))
    d = ImageDraw.Draw(img)
    d.text((40, 22), "第三章　港町", font=rf.font("ja", 15), fill=(220, 220, 220))
    d.text((40, 72), "船が出るのは明日の朝だ。", font=rf.font("ja", 36), fill=(255, 255, 255))
    return img, ["第三章港町", "船が出るのは明日の朝だ。"]


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    def save(name, img, lines):
        img.save(OUT / f"{name}.png", optimize=True)
        (OUT / f"{name}.expected.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(name, img.size)

    seed = 101
    cols = ["「ここが、", "約束の場所だ。」", "彼女は静かに", "うなずいた。"]
    for kind, style in [("dialogue", "sans"), ("parchment", "serif"), ("outlined", "sans")]:
        save(f"vertical_{kind}_{style}", vertical(kind, cols, seed, style), cols)
        seed += 1
    cols2 = ["雨が止んだら", "出発しよう。", "ゆっくりでいい。"]
    save("vertical_dialogue_serif", vertical("dialogue", cols2, seed, "serif"), cols2)
    seed += 1
    save("vertical_named", vertical("dialogue", ["……本当に、", "行くのか？"], seed, name="【アリス】"),
         ["【アリス】", "……本当に、", "行くのか？"])
    seed += 1
    img, lines = furigana_horizontal(seed)
    save("furigana_horizontal", img, lines)
    seed += 1
    img, lines = furigana_horizontal(seed, style="serif")
    save("furigana_horizontal_serif", img, lines)
    seed += 1
    img, lines = furigana_vertical(seed)
    save("furigana_vertical", img, lines)
    seed += 1
    img, lines = standalone_small(seed)
    save("small_standalone", img, lines)


if __name__ == "__main__":
    main()
