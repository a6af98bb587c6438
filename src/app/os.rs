//! What the app's windows need from the operating system beyond tao and wry: keeping ocrlay's own windows out
//! of screen captures, telling a user in a native box why ocrlay cannot start, and checking for the WebView2
//! runtime; on Linux, how GTK runs ocrlay's windows on a Wayland desktop. The Windows calls live in `win`
//! below; the rules that decide are plain functions, tested on every platform.

use crate::capture::{Foreground, MonitorInfo, Rect};

/// Where a user gets the WebView2 runtime (the Evergreen bootstrapper; Windows 11 and most Windows 10 have it).
pub const WEBVIEW2_URL: &str = "https://developer.microsoft.com/microsoft-edge/webview2/";

/// The first Windows build with `WDA_EXCLUDEFROMCAPTURE` (Windows 10 version 2004). Before it the same value
/// acts as `WDA_MONITOR`, which captures the window as a black box — worse than not asking.
pub const EXCLUDE_FROM_CAPTURE_BUILD: u32 = 19041;

/// `WDA_EXCLUDEFROMCAPTURE`.
pub const WDA_EXCLUDEFROMCAPTURE: u32 = 0x11;

/// Whether this Windows build may be asked to leave a window out of captures.
pub fn exclusion_supported(build: u32) -> bool {
    build >= EXCLUDE_FROM_CAPTURE_BUILD
}

/// Whether a window is really left out of captures: the call succeeded and the window reports the affinity.
/// (It can fail, for example, on a window that is not top-level; then ocrlay keeps clear of the window as it
/// does on Linux.)
pub fn exclusion_effective(set_ok: bool, affinity_after: Option<u32>) -> bool {
    set_ok && affinity_after == Some(WDA_EXCLUDEFROMCAPTURE)
}

/// The places capture must keep clear of, from ocrlay's shown windows and whether captures leave each out.
/// A window that captures leave out (Windows 10 2004+) is simply not in them: the region under it is read
/// from the screen, overlay or not — over mode on Windows reads the game, never the overlay. The others make
/// capture read the window under them instead, or wait (see `capture::RegionReader`).
pub fn to_keep_clear(shown: impl IntoIterator<Item = (Rect, bool)>) -> Vec<Rect> {
    shown
        .into_iter()
        .filter(|(_, excluded)| !excluded)
        .map(|(r, _)| r)
        .collect()
}

/// How far (physical pixels) a window may fall short of its monitor's edges and still count as covering it
/// (games leave a pixel for the taskbar to appear; DWM frame bounds round).
const COVER_SLACK: i32 = 2;

/// Whether window `w` covers all of monitor `m` (a borderless full-screen game).
pub fn covers_monitor(w: Rect, m: Rect) -> bool {
    w.x <= m.x + COVER_SLACK
        && w.y <= m.y + COVER_SLACK
        && w.right() >= m.right() - COVER_SLACK
        && w.bottom() >= m.bottom() - COVER_SLACK
}

/// Whether ocrlay's overlays must be put on top again now that `front` took the foreground: it is another
/// program's window that covers a whole monitor (a borderless full-screen game — such games often make
/// themselves topmost too, and the last one to say so is drawn above) and one of the `overlays` shown lies
/// on that monitor. Windows of ocrlay, and ordinary windows (which a topmost overlay is above anyway), are
/// left alone.
pub fn reassert_topmost(front: &Foreground, monitors: &[MonitorInfo], overlays: &[Rect]) -> bool {
    let Foreground::Window(w) = front else {
        return false;
    };
    monitors
        .iter()
        .filter(|m| covers_monitor(w.rect, m.rect))
        .any(|m| overlays.iter().any(|o| o.intersect(&m.rect).is_some()))
}

/// Puts `window` above every other topmost window again, without activating it, moving it or sizing it
/// (Windows: `SetWindowPos(HWND_TOPMOST, SWP_NOACTIVATE | SWP_NOMOVE | SWP_NOSIZE)`); the game keeps the
/// keyboard. Elsewhere the window system keeps always-on-top windows on top itself.
pub fn keep_on_top(window: &tao::window::Window) {
    #[cfg(windows)]
    {
        use tao::platform::windows::WindowExtWindows;
        win::keep_on_top(window.hwnd());
    }
    #[cfg(not(windows))]
    let _ = window;
}

/// Whether `wry::webview_version()`'s answer means a WebView2 runtime is installed. An error, or an empty
/// version (seen with broken installs), means it is not.
pub fn webview_present<E>(version: &Result<String, E>) -> bool {
    matches!(version, Ok(v) if !v.trim().is_empty())
}

/// What the user is told when the WebView2 runtime is missing.
pub fn webview_missing_text(zh: bool) -> String {
    crate::text::Text::new("status.webview2_missing")
        .with("url", WEBVIEW2_URL)
        .render(if zh { "zh" } else { "en" })
}

/// Leaves `window` out of screen captures where the system can; true when it did (then ocrlay's capture never
/// sees the window and need not keep clear of it).
pub fn exclude_from_capture(window: &tao::window::Window) -> bool {
    #[cfg(windows)]
    {
        use tao::platform::windows::WindowExtWindows;
        win::exclude_from_capture(window.hwnd())
    }
    #[cfg(not(windows))]
    {
        let _ = window;
        false
    }
}

/// Checks that the web engine the windows need is there (WebView2 on Windows; WebKitGTK on Linux is a
/// package dependency). `Err` carries the words for the user.
pub fn check_webview(zh: bool) -> Result<(), String> {
    #[cfg(windows)]
    {
        let version = wry::webview_version();
        if !webview_present(&version) {
            tracing::error!(answer = ?version, "the WebView2 runtime is missing");
            return Err(webview_missing_text(zh));
        }
        tracing::debug!(version = ?version, "WebView2 runtime");
    }
    #[cfg(not(windows))]
    let _ = zh;
    Ok(())
}

/// Tells the user why ocrlay stops, in a native message box where the app has no console (Windows). Returns
/// when the box is closed. Elsewhere the message goes to stderr only (the caller prints it).
pub fn show_fatal(text: &str) {
    #[cfg(windows)]
    win::message_box("ocrlay", text);
    #[cfg(not(windows))]
    let _ = text;
}

/// Linux: when the X server goes away (closed, crashed, the session ended), Xlib calls its I/O error handler,
/// and GTK's ends the process at once with `_exit(1)`, without a word in ocrlay's log. This handler says why
/// first — in the log, on stderr in `lang` (`zh` or `en`), and as a probe for the tests — then ends the process
/// the same way (Xlib requires that the handler does not return; nothing else may touch X any more). It is
/// process-wide: it also covers the hotkey thread's own X connection. Call it once the event loop (GTK) exists.
#[cfg(target_os = "linux")]
pub fn say_when_the_display_goes(lang: &'static str) {
    use std::sync::OnceLock;
    static LANG: OnceLock<&'static str> = OnceLock::new();
    let _ = LANG.set(lang);
    unsafe extern "C" fn lost(_: *mut x11::xlib::Display) -> std::os::raw::c_int {
        let server = std::env::var("DISPLAY").unwrap_or_default();
        let lang = LANG.get().copied().unwrap_or("en");
        let words = crate::text::Text::new("app.display_lost")
            .with("display", &server)
            .render(lang);
        tracing::error!("the X server ({server}) went away: ocrlay stops");
        eprintln!("{words}");
        crate::probe::emit(crate::probe::Probe::DisplayLost);
        // SAFETY: `_exit` ends the process without running anything else, which is all that is safe here.
        unsafe { libc::_exit(1) }
    }
    // SAFETY: installing a handler is a plain store in Xlib; `lost` never returns.
    unsafe {
        x11::xlib::XSetIOErrorHandler(Some(lost));
    }
}

/// How ocrlay's windows run on a Linux desktop, decided before GTK starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GtkBackend {
    /// As GTK chooses (an X11 session, or the user set `GDK_BACKEND`).
    AsIs,
    /// Natively on a Wayland compositor with layer-shell: the selector and the overlay are layer surfaces.
    Layered,
    /// Through XWayland on a Wayland compositor without layer-shell (GNOME's mutter): there ordinary Wayland
    /// windows may neither place themselves nor stay on top, X11 windows may.
    XWayland,
}

/// The choice of [`GtkBackend`]: `wayland` (a Wayland display is named), `x_display` (DISPLAY is set),
/// `user_choice` (`GDK_BACKEND` is set), `layer_shell` (whether the compositor offers wlr-layer-shell; `None`
/// when it could not be asked).
pub fn gtk_backend(
    wayland: bool,
    x_display: bool,
    user_choice: bool,
    layer_shell: Option<bool>,
) -> GtkBackend {
    match (wayland, user_choice, layer_shell) {
        (false, _, _) | (_, true, _) => GtkBackend::AsIs,
        (true, false, Some(true)) => GtkBackend::Layered,
        (true, false, _) if x_display => GtkBackend::XWayland,
        _ => GtkBackend::AsIs,
    }
}

/// Linux: decides how GTK runs ocrlay's windows and sets it up. Must run before GTK starts (before the event
/// loop is built) and before other threads run, since it sets environment variables of the process.
#[cfg(target_os = "linux")]
pub fn prepare_gtk() -> GtkBackend {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let wayland = set("WAYLAND_DISPLAY");
    let layer_shell = if wayland {
        crate::capture::wayland::globals()
            .inspect_err(|e| {
                tracing::debug!("cannot ask the Wayland compositor for its globals: {e}")
            })
            .ok()
            .map(|g| g.iter().any(|i| i == "zwlr_layer_shell_v1"))
    } else {
        None
    };
    if !wayland && set("DISPLAY") && std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
    {
        // A Wayland session whose compositor this process cannot reach (WAYLAND_DISPLAY unset, as under `sudo`
        // or a terminal of another session), with XWayland's DISPLAY: the screen is reachable through X11 only,
        // and xcap would otherwise look for a Wayland compositor and fail with words about the wrong display.
        tracing::info!("no Wayland display is named, DISPLAY is: ocrlay talks X11 (XWayland) only");
        std::env::set_var("XDG_SESSION_TYPE", "x11");
    }
    let backend = gtk_backend(wayland, set("DISPLAY"), set("GDK_BACKEND"), layer_shell);
    if backend == GtkBackend::XWayland {
        std::env::set_var("GDK_BACKEND", "x11");
    }
    if wayland && !set("WEBKIT_DISABLE_DMABUF_RENDERER") {
        // On a Wayland desktop WebKitGTK's DMA-BUF renderer (2.42+) left the pages blank (seen with 2.50 under
        // sway): in a layer surface, and through XWayland, where without it a page shows at least its first
        // state (its later updates still do not, see tests/wayland_e2e.rs). The pages draw through its
        // shared-memory path instead, compositing kept. A user's own setting is kept.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    if wayland && backend != GtkBackend::Layered && !set("GDK_BACKEND") {
        tracing::info!("this Wayland compositor has no layer-shell and there is no XWayland: ocrlay's windows are ordinary Wayland windows");
    }
    tracing::info!(?backend, ?layer_shell, "how ocrlay's windows run");
    backend
}

#[cfg(windows)]
mod win {
    use windows_sys::Wdk::System::SystemServices::RtlGetVersion;
    use windows_sys::Win32::System::SystemInformation::OSVERSIONINFOW;
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        GetWindowDisplayAffinity, MessageBoxW, SetWindowDisplayAffinity, MB_ICONERROR, MB_OK,
        MB_SETFOREGROUND, MB_TOPMOST,
    };

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// The Windows build number (RtlGetVersion does not lie to programs without a compatibility manifest).
    fn build() -> u32 {
        // SAFETY: RtlGetVersion fills a zeroed struct whose size field is set, as documented.
        unsafe {
            let mut info: OSVERSIONINFOW = std::mem::zeroed();
            info.dwOSVersionInfoSize = std::mem::size_of::<OSVERSIONINFOW>() as u32;
            if RtlGetVersion(&mut info) == 0 {
                info.dwBuildNumber
            } else {
                0
            }
        }
    }

    pub fn exclude_from_capture(hwnd: isize) -> bool {
        let build = build();
        if !super::exclusion_supported(build) {
            tracing::info!(
                build,
                "this Windows cannot leave windows out of captures (needs 10 version 2004); ocrlay keeps clear of its own windows instead"
            );
            return false;
        }
        let hwnd = hwnd as windows_sys::Win32::Foundation::HWND;
        // SAFETY: hwnd is a live top-level window of this process (tao's), on its own thread.
        let (set_ok, after) = unsafe {
            let ok = SetWindowDisplayAffinity(hwnd, super::WDA_EXCLUDEFROMCAPTURE) != 0;
            let mut affinity = 0u32;
            let read = GetWindowDisplayAffinity(hwnd, &mut affinity) != 0;
            (ok, read.then_some(affinity))
        };
        let effective = super::exclusion_effective(set_ok, after);
        tracing::debug!(build, set_ok, ?after, effective, "capture exclusion");
        effective
    }

    pub fn keep_on_top(hwnd: isize) {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            SetWindowPos, HWND_TOPMOST, SWP_NOACTIVATE, SWP_NOMOVE, SWP_NOSIZE,
        };
        let hwnd = hwnd as windows_sys::Win32::Foundation::HWND;
        // SAFETY: hwnd is a live top-level window of this process (tao's), on its own thread; no size or place
        // is changed and it is not activated.
        let ok = unsafe {
            SetWindowPos(
                hwnd,
                HWND_TOPMOST,
                0,
                0,
                0,
                0,
                SWP_NOACTIVATE | SWP_NOMOVE | SWP_NOSIZE,
            ) != 0
        };
        tracing::debug!(ok, "overlay put on top again");
    }

    pub fn message_box(title: &str, text: &str) {
        let (title, text) = (wide(title), wide(text));
        // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                text.as_ptr(),
                title.as_ptr(),
                MB_OK | MB_ICONERROR | MB_SETFOREGROUND | MB_TOPMOST,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusion_only_from_windows_10_2004() {
        // Windows 10 1909 would show a black box in every capture of the overlay.
        assert!(!exclusion_supported(18363));
        assert!(exclusion_supported(19041));
        assert!(exclusion_supported(22631));
        // An unknown build (the version could not be read) is not trusted.
        assert!(!exclusion_supported(0));
    }

    #[test]
    fn exclusion_counts_only_when_the_window_reports_it() {
        assert!(exclusion_effective(true, Some(WDA_EXCLUDEFROMCAPTURE)));
        // The call failed, or the window reports no or another affinity (WDA_MONITOR = 1).
        assert!(!exclusion_effective(false, Some(WDA_EXCLUDEFROMCAPTURE)));
        assert!(!exclusion_effective(true, Some(1)));
        assert!(!exclusion_effective(true, None));
    }

    #[test]
    fn capture_keeps_clear_only_of_windows_it_can_see() {
        let overlay = Rect {
            x: 100,
            y: 700,
            width: 1280,
            height: 240,
        };
        let settings = Rect {
            x: 0,
            y: 0,
            width: 800,
            height: 600,
        };
        // Windows 10 2004+: both are left out of captures, nothing to keep clear of.
        assert!(to_keep_clear([(overlay, true), (settings, true)]).is_empty());
        // Elsewhere (Linux, older Windows, a failed call): each is kept clear of.
        assert_eq!(
            to_keep_clear([(overlay, false), (settings, true)]),
            vec![overlay]
        );
        assert_eq!(
            to_keep_clear([(overlay, false), (settings, false)]),
            vec![overlay, settings]
        );
    }

    fn game(x: i32, y: i32, width: u32, height: u32) -> Foreground {
        Foreground::Window(crate::capture::WindowInfo {
            id: 7,
            title: "Ys VIII".into(),
            app: "ys8.exe".into(),
            rect: Rect {
                x,
                y,
                width,
                height,
            },
        })
    }

    #[test]
    fn the_overlay_is_put_on_top_again_over_a_borderless_game_on_its_monitor() {
        let screen = |x: i32| MonitorInfo {
            id: x as u32,
            name: String::new(),
            rect: Rect {
                x,
                y: 0,
                width: 1920,
                height: 1080,
            },
            scale: 1.0,
            primary: x == 0,
        };
        let monitors = [screen(0), screen(1920)];
        let overlay = Rect {
            x: 300,
            y: 800,
            width: 1200,
            height: 200,
        };
        // A borderless full-screen game on the overlay's monitor takes the foreground.
        assert!(reassert_topmost(
            &game(0, 0, 1920, 1080),
            &monitors,
            &[overlay]
        ));
        // One that leaves a pixel at the bottom for the taskbar still covers it.
        assert!(reassert_topmost(
            &game(0, 0, 1920, 1079),
            &monitors,
            &[overlay]
        ));
        // The game is full screen on the other monitor: nothing to do for this overlay.
        assert!(!reassert_topmost(
            &game(1920, 0, 1920, 1080),
            &monitors,
            &[overlay]
        ));
        // A windowed game: the topmost overlay is above it anyway.
        assert!(!reassert_topmost(
            &game(100, 100, 1280, 720),
            &monitors,
            &[overlay]
        ));
        // No overlay shown, ocrlay's own window, or nothing known in front.
        assert!(!reassert_topmost(&game(0, 0, 1920, 1080), &monitors, &[]));
        assert!(!reassert_topmost(&Foreground::Own, &monitors, &[overlay]));
        assert!(!reassert_topmost(
            &Foreground::Unknown,
            &monitors,
            &[overlay]
        ));
    }

    #[test]
    fn gtk_runs_natively_only_where_layer_shell_is() {
        use GtkBackend::*;
        // An X11 session: nothing to choose.
        assert_eq!(gtk_backend(false, true, false, None), AsIs);
        // sway, Hyprland, KWin: layer surfaces.
        assert_eq!(gtk_backend(true, true, false, Some(true)), Layered);
        // GNOME (no layer-shell) with XWayland: ocrlay's windows through XWayland.
        assert_eq!(gtk_backend(true, true, false, Some(false)), XWayland);
        // The compositor could not be asked, XWayland is there: XWayland, where placement works.
        assert_eq!(gtk_backend(true, true, false, None), XWayland);
        // No XWayland: what GTK does.
        assert_eq!(gtk_backend(true, false, false, Some(false)), AsIs);
        // The user's GDK_BACKEND wins.
        assert_eq!(gtk_backend(true, true, true, Some(true)), AsIs);
        assert_eq!(gtk_backend(true, true, true, Some(false)), AsIs);
    }

    #[test]
    fn webview_runtime_presence() {
        assert!(webview_present::<()>(&Ok("131.0.2903.86".into())));
        assert!(!webview_present::<()>(&Ok("  ".into())));
        assert!(!webview_present(&Err("HRESULT(0x80070002)")));
    }

    #[test]
    fn missing_webview_says_what_and_where() {
        for zh in [false, true] {
            let t = webview_missing_text(zh);
            assert!(t.contains("WebView2"), "{t}");
            assert!(t.contains(WEBVIEW2_URL), "{t}");
        }
    }
}
