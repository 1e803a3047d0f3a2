#!/usr/bin/env python3
"""Render ANSI text (as written by TConvView's ANSIRenderer or `tmux capture-pane -e`) to a PNG.

Usage: ansi2png.py INPUT.ans OUTPUT.png [--cols N] [--rows N] [--light]

Needs Pillow (install it in a venv outside the repository). Understands SGR 0/1/2/4/7/22/24/27,
30-37/90-97/39, 40-47/100-107/49, 38;5;n / 48;5;n and 38;2;r;g;b / 48;2;r;g;b. Block glyphs
(U+2580 upper half, U+2588 full) are drawn as rectangles so the picture shows exactly what a
terminal would.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
CELL_W, CELL_H = 10, 20
ANSI16 = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
          (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
          (255, 0, 255), (0, 255, 255), (255, 255, 255)]


def palette(i):
    if i < 16:
        return ANSI16[i]
    if i < 232:
        i -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[i // 36], levels[(i // 6) % 6], levels[i % 6])
    v = 8 + 10 * (i - 232)
    return (v, v, v)


def parse(text):
    """Yields rows of (char, fg, bg, bold, underline, reverse, dim)."""
    rows = []
    # The style carries over line ends, as on a terminal: tmux's capture-pane -e repeats no codes
    # at the start of a row that continues the previous row's style.
    state = dict(fg=None, bg=None, bold=False, ul=False, rev=False, dim=False)
    for line in text.split("\n"):
        row = []
        pos = 0
        for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", line):
            if m.group(2) is not None:
                row.append((m.group(2), state["fg"], state["bg"], state["bold"], state["ul"], state["rev"], state["dim"]))
                continue
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            k = 0
            while k < len(codes):
                c = codes[k]
                if c == 0:
                    state.update(fg=None, bg=None, bold=False, ul=False, rev=False, dim=False)
                elif c == 1: state["bold"] = True
                elif c == 2: state["dim"] = True
                elif c == 4: state["ul"] = True
                elif c == 7: state["rev"] = True
                elif c == 22: state["bold"] = state["dim"] = False
                elif c == 24: state["ul"] = False
                elif c == 27: state["rev"] = False
                elif 30 <= c <= 37: state["fg"] = ANSI16[c - 30]
                elif 90 <= c <= 97: state["fg"] = ANSI16[c - 90 + 8]
                elif c == 39: state["fg"] = None
                elif 40 <= c <= 47: state["bg"] = ANSI16[c - 40]
                elif 100 <= c <= 107: state["bg"] = ANSI16[c - 100 + 8]
                elif c == 49: state["bg"] = None
                elif c in (38, 48) and k + 1 < len(codes):
                    key = "fg" if c == 38 else "bg"
                    if codes[k + 1] == 5 and k + 2 < len(codes):
                        state[key] = palette(codes[k + 2]); k += 2
                    elif codes[k + 1] == 2 and k + 4 < len(codes):
                        state[key] = tuple(codes[k + 2:k + 5]); k += 4
                k += 1
        rows.append(row)
    return rows


def main():
    args = sys.argv[1:]
    light = "--light" in args
    args = [a for a in args if a != "--light"]
    cols = rows_wanted = None
    if "--cols" in args:
        i = args.index("--cols"); cols = int(args[i + 1]); del args[i:i + 2]
    if "--rows" in args:
        i = args.index("--rows"); rows_wanted = int(args[i + 1]); del args[i:i + 2]
    src, dst = args
    rows = parse(open(src, encoding="utf-8").read())
    if rows and rows[-1] == []:
        rows.pop()
    cols = cols or max([len(r) for r in rows] + [1])
    nrows = rows_wanted or len(rows)
    default_fg, default_bg = ((30, 30, 30), (250, 250, 250)) if light else ((220, 220, 220), (24, 24, 24))
    img = Image.new("RGB", (cols * CELL_W, nrows * CELL_H), default_bg)
    draw = ImageDraw.Draw(img)
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", 16)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", 16)
    for y, row in enumerate(rows[:nrows]):
        for x, (ch, fg, bg, b, ul, rev, dim) in enumerate(row[:cols]):
            fg = fg or default_fg
            bg = bg or default_bg
            if rev:
                fg, bg = bg, fg
            if dim:
                fg = tuple((a + c) // 2 for a, c in zip(fg, bg))
            x0, y0 = x * CELL_W, y * CELL_H
            draw.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H - 1], fill=bg)
            if ch == "\u2580":
                draw.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H // 2 - 1], fill=fg)
            elif ch == "\u2588":
                draw.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H - 1], fill=fg)
            elif ch != " ":
                draw.text((x0, y0 + 1), ch, font=bold if b else regular, fill=fg)
            if ul:
                draw.line([x0, y0 + CELL_H - 2, x0 + CELL_W - 1, y0 + CELL_H - 2], fill=fg)
    img.save(dst)


if __name__ == "__main__":
    main()
