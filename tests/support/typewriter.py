#!/usr/bin/env python3
"""A game-like dialogue box for the auto-mode end-to-end test: types each line out character by character
(40 ms a character), holds it, then clears and types the next. Usage: typewriter.py X Y W H HOLD_MS LINE...
Prints "line N done" to stdout (flushed) when line N is fully shown, and "all done" at the end; then stays."""
import sys
import tkinter as tk

x, y, w, h, hold = (int(v) for v in sys.argv[1:6])
lines = sys.argv[6:]
root = tk.Tk()
root.title("typewriter-game")
root.geometry(f"{w}x{h}+{x}+{y}")
root.configure(bg="#1c2333")
label = tk.Label(root, text="", fg="#ffffff", bg="#1c2333", anchor="w", justify="left",
                 font=("Noto Sans CJK JP", 30), padx=30)
label.pack(fill="both", expand=True)


def type_line(i, n):
    if i >= len(lines):
        print("all done", flush=True)
        return
    line = lines[i]
    label.config(text=line[:n])
    if n < len(line):
        root.after(40, type_line, i, n + 1)
    else:
        print(f"line {i + 1} done", flush=True)
        root.after(hold, type_line, i + 1, 0)


root.after(1500, type_line, 0, 0)
root.mainloop()
