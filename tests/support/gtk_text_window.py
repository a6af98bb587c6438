#!/usr/bin/python3
"""A native Wayland window (GTK3, GDK_BACKEND=wayland) showing lines of text, black on white, for the Wayland
end-to-end tests: `gtk_text_window.py APP_ID LINE...`. GTK3 draws in software, so it shows under sway's pixman
renderer. Prints "shown" once the window is mapped and has drawn."""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

app_id, lines = sys.argv[1], sys.argv[2:]
GLib.set_prgname(app_id)
win = Gtk.Window(title=app_id)
css = Gtk.CssProvider()
css.load_from_data(b"window { background: #ffffff; } label { color: #000000; font-size: 28px; }")
Gtk.StyleContext.add_provider_for_screen(win.get_screen(), css, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION)
box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=16)
box.set_margin_start(24)
box.set_margin_top(24)
for line in lines:
    label = Gtk.Label(label=line, xalign=0)
    box.pack_start(label, False, False, 0)
win.add(box)
win.connect("destroy", Gtk.main_quit)


def mapped(*_):
    # The first frame follows the map; "shown" a moment later (no cairo bindings needed for a draw handler).
    GLib.timeout_add(300, lambda: print("shown", flush=True) and False)
    return False


win.connect("map-event", mapped)
win.show_all()
Gtk.main()
