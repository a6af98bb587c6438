#!/usr/bin/env python3
"""Render the game-style OCR fixtures in tests/fixtures/ocr/.

Each fixture is NAME.png plus NAME.expected.txt (the lines, top to bottom). The name starts with the
language (ja_, en_, zh_), which the CER test groups by. Fonts are Debian's fonts-noto-cjk and
fonts-dejavu-core; Pillow comes from PyPI. Output is deterministic (seeded noise), so re-running gives
the same images on the same Pillow/FreeType.

    python3 -m venv .venv-ocr && .venv-ocr/bin/pip install pillow
    .venv-ocr/bin/python scripts/render-fixtures.py
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "ocr"

NOTO = "/usr/share/fonts/opentype/noto/"
DEJAVU = "/usr/share/fonts/truetype/dejavu/"
# Face index inside the .ttc: 0 = JP, 2 = SC (Noto CJK ships JP, KR, SC, TC, HK).
FACE = {"ja": 0, "zh": 2}


def font(lang, size, style="sans", bold=False):
    if lang == "en":
        name = {
            ("sans", False): "DejaVuSans.ttf",
            ("sans", True): "DejaVuSans-Bold.ttf",
            ("serif", False): "DejaVuSerif.ttf",
            ("serif", True): "DejaVuSerif-Bold.ttf",
        }[(style, bold)]
        return ImageFont.truetype(DEJAVU + name, size)
    kind = "Sans" if style == "sans" else "Serif"
    weight = "Bold" if bold else "Regular"
    return ImageFont.truetype(f"{NOTO}Noto{kind}CJK-{weight}.ttc", size, index=FACE[lang])


def noise(w, h, seed, amp=60):
    """A colourful 'game scene': blurred blobs plus pixel noise."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h), tuple(rnd.randrange(40, 200) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rnd.randrange(-100, w), rnd.randrange(-100, h)
        r = rnd.randrange(20, 160)
        d.ellipse((x, y, x + r, y + r), fill=tuple(rnd.randrange(0, 256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(6))
    grain = Image.frombytes("RGB", (w, h), rnd.randbytes(w * h * 3))
    return Image.blend(img, grain, amp / 255)


def gradient(w, h, top, bottom):
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(1, h - 1)
        d.line([(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    return img


def parchment(w, h, seed):
    rnd = random.Random(seed)
    base = gradient(w, h, (242, 228, 196), (222, 200, 160))
    grain = Image.frombytes("L", (w, h), rnd.randbytes(w * h)).filter(ImageFilter.GaussianBlur(1))
    grain = Image.merge("RGB", (grain, grain, grain))
    img = Image.blend(base, grain, 0.10)
    d = ImageDraw.Draw(img)
    d.rectangle((3, 3, w - 4, h - 4), outline=(120, 80, 40), width=3)
    return img


def translucent_box(bg, box, color=(10, 10, 30), alpha=170, border=(200, 200, 230)):
    over = Image.new("RGBA", bg.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(over)
    d.rounded_rectangle(box, radius=12, fill=color + (alpha,), outline=border + (255,), width=2)
    return Image.alpha_composite(bg.convert("RGBA"), over).convert("RGB")


def draw_lines(img, lines, fnt, xy, fill, spacing=1.5, stroke=0, stroke_fill=None, shadow=None):
    d = ImageDraw.Draw(img)
    x, y = xy
    size = fnt.size
    for line in lines:
        if shadow:
            dx, dy, color = shadow
            d.text((x + dx, y + dy), line, font=fnt, fill=color)
        d.text((x, y), line, font=fnt, fill=fill, stroke_width=stroke, stroke_fill=stroke_fill)
        y += int(size * spacing)
    return img


TEXT = {
    "ja": {
        "dialogue": ["【アリス】", "「この先に古い城があるって聞いたけど……", "本当に行くつもりなの？」"],
        "parchment": ["王国の東に広がる森には、", "誰も知らない秘密が眠っている。"],
        "outlined": ["レベルアップ！", "攻撃力が５上がった。"],
        "shadowed": ["セーブしますか？", "冒険の記録を残します。"],
        "small": ["宿屋に泊まりますか？一泊５０ゴールドです。", "体力と魔力が全回復します。"],
        "large": ["第一章", "始まりの村"],
        "hidpi": ["「もう少しだけ、ここにいてもいい？」"],
        "tight": ["扉の向こうから足音が聞こえる。"],
    },
    "en": {
        "dialogue": ["Alice", "I heard there is an old castle beyond the forest.", "Are you really going there alone?"],
        "parchment": ["The ancient seal has been broken.", "Seek the three crystals of light."],
        "outlined": ["LEVEL UP!", "Attack increased by 5."],
        "shadowed": ["Do you want to save your progress?", "Your adventure log will be kept."],
        "small": ["Stay at the inn for 50 gold? Your HP and MP will be fully restored.", "You have 1,280 gold."],
        "large": ["Chapter One", "The Village of Beginnings"],
        "tight": ["Footsteps echo behind the door."],
    },
    "zh": {
        "dialogue": ["【艾莉丝】", "听说森林的那一边有一座古老的城堡。", "你真的要一个人去吗？"],
        "parchment": ["王国东方的森林里，", "沉睡着无人知晓的秘密。"],
        "outlined": ["等级提升！", "攻击力提高了五点。"],
        "small": ["要在旅馆休息吗？住一晚需要五十金币。", "体力和魔力将完全恢复。"],
    },
}


def render(lang, kind, lines, seed):
    if kind == "dialogue":
        # ~1280x240: a dark translucent box over a noisy scene, name tag on the first line.
        w, h = 1280, 240
        img = translucent_box(noise(w, h, seed), (8, 8, w - 8, h - 8))
        f = font(lang, 30)
        draw_lines(img, lines[:1], font(lang, 26, bold=True), (40, 24), (255, 220, 120))
        draw_lines(img, lines[1:], f, (60, 80), (255, 255, 255), spacing=1.6)
    elif kind == "parchment":
        w, h = 900, 200
        img = parchment(w, h, seed)
        draw_lines(img, lines, font(lang, 32, style="serif"), (50, 40), (60, 35, 15), spacing=1.7)
    elif kind == "outlined":
        w, h = 800, 220
        img = noise(w, h, seed, amp=90)
        draw_lines(img, lines, font(lang, 40, bold=True), (40, 30), (255, 255, 255), stroke=3,
                   stroke_fill=(0, 0, 0), spacing=1.8)
    elif kind == "shadowed":
        w, h = 760, 180
        img = gradient(w, h, (30, 60, 120), (140, 170, 220))
        draw_lines(img, lines, font(lang, 28), (50, 40), (255, 255, 255), shadow=(3, 3, (0, 0, 0)),
                   spacing=1.8)
    elif kind == "small":
        w, h = 820, 90
        img = translucent_box(noise(w, h, seed), (4, 4, w - 4, h - 4), alpha=200)
        draw_lines(img, lines, font(lang, 16), (20, 18), (240, 240, 240), spacing=1.9)
    elif kind == "large":
        w, h = 700, 260
        img = gradient(w, h, (5, 5, 5), (50, 20, 20))
        draw_lines(img, lines, font(lang, 40, style="serif", bold=True), (60, 50), (230, 200, 140),
                   spacing=2.2)
    elif kind == "hidpi":
        # A 640x120 box rendered at 2x scale (HiDPI capture): 1280x240 physical pixels, 24 px text x2.
        w, h = 640, 120
        img = translucent_box(noise(w, h, seed), (4, 4, w - 4, h - 4), color=(60, 20, 40), alpha=150)
        draw_lines(img, lines, font(lang, 24), (30, 45), (255, 250, 240))
        img = img.resize((w * 2, h * 2), Image.Resampling.BICUBIC)
    elif kind == "tight":
        # A selection dragged tightly around one line: text touches the capture's edges.
        f = font(lang, 26)
        left, top, right, bottom = f.getbbox(lines[0])
        w, h = right - left + 4, bottom - top + 4
        img = Image.new("RGB", (w, h), (20, 24, 40))
        ImageDraw.Draw(img).text((2 - left, 2 - top), lines[0], font=f, fill=(250, 250, 250))
    else:
        raise ValueError(kind)
    return img


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    seed = 1
    for lang, kinds in TEXT.items():
        for kind, lines in kinds.items():
            name = f"{lang}_{kind}"
            img = render(lang, kind, lines, seed)
            seed += 1
            img.save(OUT / f"{name}.png", optimize=True)
            expected = [" ".join(l.split()) if lang == "en" else l.replace("　", "") for l in lines]
            (OUT / f"{name}.expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")
            print(name, img.size)
    # Edge cases: no text at all, and a long single-line strip.
    Image.new("RGB", (640, 200), (0, 0, 0)).save(OUT / "edge_black.png")
    strip = Image.new("RGB", (8000, 100), (250, 250, 250))
    text = "The quick brown fox jumps over the lazy dog. " * 8
    draw_lines(strip, [text.strip()], font("en", 40), (20, 25), (0, 0, 0))
    strip.save(OUT / "edge_strip_8000x100.png", optimize=True)
    print("edge cases")


if __name__ == "__main__":
    main()
