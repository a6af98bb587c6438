#!/usr/bin/env python3
"""A game-like dialogue box for the auto-mode end-to-end tests: types each line out character by character
(40 ms a character), holds it, then clears and types the next. Usage: typewriter.py X Y W H HOLD_MS LINE...
Prints "ready" once the window is mapped, "line N done" to stdout (flushed) when line N is fully shown, and
"all done" at the end; then stays.

TYPEWRITER_STEP=1: instead of a timer, each line starts when a line arrives on stdin (the test drives it).
TYPEWRITER_CHAR_MS: time per character (default 40; 0 shows each line at once)."""
import os
import queue
import sys
import threading
import tkinter as tk

x, y, w, h, hold = (int(v) for v in sys.argv[1:6])
lines = sys.argv[6:]
step = os.environ.get("TYPEWRITER_STEP") == "1"
char_ms = int(os.environ.get("TYPEWRITER_CHAR_MS", "40"))
root = tk.Tk()
root.title("typewriter-game")
root.geometry(f"{w}x{h}+{x}+{y}")
root.configure(bg="#1c2333")
label = tk.Label(root, text="", fg="#ffffff", bg="#1c2333", anchor="w", justify="left",
                 font=("Noto Sans CJK JP", 30), padx=30)
label.pack(fill="both", expand=True)
go = queue.Queue()


def read_stdin():
    for _ in sys.stdin:
        go.put(True)


def type_line(i, n):
    if i >= len(lines):
        print("all done", flush=True)
        return
    line = lines[i]
    if char_ms == 0:
        n = len(line)
    label.config(text=line[:n])
    if n < len(line):
        root.after(char_ms, type_line, i, n + 1)
    else:
        print(f"line {i + 1} done", flush=True)
        if step:
            root.after(20, wait_go, i + 1)
        else:
            root.after(hold, type_line, i + 1, 0)


def wait_go(i):
    try:
        go.get_nowait()
    except queue.Empty:
        root.after(20, wait_go, i)
        return
    type_line(i, 0)


def mapped():
    print("ready", flush=True)


root.after(300, mapped)
if step:
    threading.Thread(target=read_stdin, daemon=True).start()
    root.after(20, wait_go, 0)
else:
    root.after(1500, type_line, 0, 0)
root.mainloop()
