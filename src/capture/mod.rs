//! Screen capture with xcap: monitors, a region of the desktop, and windows. On Windows a read goes through GDI
//! (xcap) or a Windows.Graphics.Capture session ([`method`] chooses, `wgc` holds the sessions, [`hdr`] brings
//! HDR frames to sRGB); a frame that is one colour every way is [`CaptureError::Blank`], never "no text".
//!
//! Coordinates are physical desktop pixels: (0, 0) is the top-left of the primary monitor's origin as the
//! windowing system sees it, and every monitor has its own position and scale in that space.

mod frame;
pub mod hdr;
pub mod method;
#[cfg(target_os = "linux")]
pub mod screencast;
#[cfg(target_os = "linux")]
mod screencopy;
mod target;
pub mod wayland;
#[cfg(windows)]
mod wgc;

pub use frame::{look, make_opaque, one_colour, opaque_from, FrameLook, PixelLayout, ShortFrame};
pub use method::{Method, Way};
pub use target::{Reader, Target, WindowBinding};

use crate::text::Text;
use image::RgbaImage;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// A rectangle in physical desktop pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width (≥ 1 for a usable region).
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Rect {
    /// Right edge (exclusive). Saturates: a rectangle from a hand-edited config may reach past `i32::MAX`.
    pub fn right(&self) -> i32 {
        let w = i32::try_from(self.width).unwrap_or(i32::MAX);
        self.x.saturating_add(w)
    }

    /// Bottom edge (exclusive). Saturates like [`Rect::right`].
    pub fn bottom(&self) -> i32 {
        let h = i32::try_from(self.height).unwrap_or(i32::MAX);
        self.y.saturating_add(h)
    }

    /// Whether a point lies inside.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// The overlap with another rectangle, if any.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let r = self.right().min(other.right());
        let b = self.bottom().min(other.bottom());
        (r > x && b > y).then(|| Rect {
            x,
            y,
            width: r.abs_diff(x),
            height: b.abs_diff(y),
        })
    }

    /// The centre point.
    pub fn centre(&self) -> (i32, i32) {
        let half = |v: u32| i32::try_from(v / 2).unwrap_or(i32::MAX);
        (
            self.x.saturating_add(half(self.width)),
            self.y.saturating_add(half(self.height)),
        )
    }

    /// Area in pixels.
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// `[x, y, width, height]`, as the settings file writes a region.
    pub fn to_array(&self) -> [i32; 4] {
        let side = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        [self.x, self.y, side(self.width), side(self.height)]
    }
}

/// `X,Y W×H`, as messages write a region: `-10,20 300×40`.
impl std::fmt::Display for Rect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{} {}×{}", self.x, self.y, self.width, self.height)
    }
}

/// A monitor as the capture layer sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitorInfo {
    /// The windowing system's id.
    pub id: u32,
    /// Its name (e.g. `HDMI-1`).
    pub name: String,
    /// Position and size in physical desktop pixels.
    pub rect: Rect,
    /// Scale factor (1.0, 1.5, 2.0…).
    pub scale: f32,
    /// Whether it is the primary monitor.
    pub primary: bool,
}

/// A top-level window another program shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowInfo {
    /// The windowing system's id.
    pub id: u32,
    /// Title.
    pub title: String,
    /// Program name.
    pub app: String,
    /// Position and size in physical desktop pixels.
    pub rect: Rect,
}

/// Capture failures. [`CaptureError::text`] says one in either language (`capture.err.*` in the string table);
/// `Display` is its English.
#[derive(Debug)]
pub enum CaptureError {
    /// The screen could not be read.
    Backend(String),
    /// The monitor to capture is gone (unplugged, or the display set-up changed).
    MonitorGone(u32),
    /// The region lies on no monitor.
    OffScreen(Rect),
    /// No window has this id any more.
    WindowGone(u32),
    /// The bound window is not open (found by title).
    BoundWindowMissing(String),
    /// An ocrlay window covers the region and nothing under it can be read.
    Covered(Covered),
    /// The region (a monitor, a window) has more pixels than a capture may
    /// ([`crate::images::MAX_CAPTURE_PIXELS`]); nothing was read.
    TooLarge(Rect),
    /// Capture failed on a Wayland desktop: what the desktop lacks (asked of the session bus), and what the
    /// capture library said.
    Wayland {
        /// The missing component.
        lack: wayland::WaylandLack,
        /// The capture library's own words.
        reason: String,
    },
    /// The capture came back one colour all over, and so did the whole screen (or window) around it: the
    /// system handed over an empty frame, and OCR would find "no text" in it.
    Blank {
        /// The one colour (red, green, blue).
        colour: [u8; 3],
        /// What usually causes it where ocrlay runs.
        why: BlankWhy,
    },
}

/// What usually makes a capture come back blank, by the system ocrlay runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankWhy {
    /// A Wayland session: the desktop's capture path (portal, wlroots screencopy) gave an empty frame.
    Wayland,
    /// Windows: a game in exclusive full screen (DirectX, Vulkan) is not in what screen capture sees.
    Windows,
    /// Windows: the game runs elevated (as administrator) and ocrlay does not; Windows keeps its pixels from
    /// ocrlay.
    WindowsElevated,
    /// X11: a program that draws past the X server (a full-screen OpenGL or Vulkan game, no compositor).
    X11,
    /// Elsewhere (macOS: the screen-recording permission).
    Other,
}

impl BlankWhy {
    /// The system ocrlay runs on now.
    pub fn here() -> BlankWhy {
        if cfg!(windows) {
            BlankWhy::Windows
        } else if cfg!(target_os = "linux") {
            if wayland_session() {
                BlankWhy::Wayland
            } else {
                BlankWhy::X11
            }
        } else {
            BlankWhy::Other
        }
    }

    fn key(self) -> &'static str {
        match self {
            BlankWhy::Wayland => "capture.err.blank_wayland",
            BlankWhy::Windows => "capture.err.blank_windows",
            BlankWhy::WindowsElevated => "capture.err.blank_windows_elevated",
            BlankWhy::X11 => "capture.err.blank_x11",
            BlankWhy::Other => "capture.err.blank_other",
        }
    }
}

/// Whether this is a Wayland session (`WAYLAND_DISPLAY` set, or the session says it is Wayland): capture and
/// hotkeys then go through the desktop (portals, wlroots protocols) instead of the X server.
pub fn wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
}

/// Why nothing can be read under an ocrlay window that covers the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// This system cannot read a window where another covers it (X11 without a compositor).
    NoCompositor,
    /// No other window lies under the region.
    NothingUnder,
}

impl CaptureError {
    /// What went wrong, as a sentence of the string table (the capture library's own words are kept as they
    /// came).
    pub fn text(&self) -> Text {
        match self {
            CaptureError::Backend(e) => Text::new("capture.err.backend").with("reason", e),
            CaptureError::MonitorGone(id) => Text::new("capture.err.backend").with_text(
                "reason",
                Text::new("capture.err.monitor_gone").with("id", id),
            ),
            CaptureError::OffScreen(r) => Text::new("capture.err.off_screen").with("region", r),
            CaptureError::TooLarge(r) => Text::new("capture.err.too_large")
                .with("region", r)
                .with("size", format!("{:.1}", r.area() as f64 / 1e6))
                .with(
                    "limit",
                    format!("{:.1}", crate::images::MAX_CAPTURE_PIXELS as f64 / 1e6),
                ),
            CaptureError::WindowGone(id) => Text::new("capture.err.window_gone").with("id", id),
            CaptureError::BoundWindowMissing(title) => {
                Text::new("capture.err.bound_window_missing").with("title", title)
            }
            CaptureError::Wayland { lack, reason } => wayland::text(lack, reason),
            CaptureError::Blank { colour, why } => Text::new("capture.err.blank")
                .with(
                    "colour",
                    format!("#{:02x}{:02x}{:02x}", colour[0], colour[1], colour[2]),
                )
                .with_text("why", Text::new(why.key())),
            CaptureError::Covered(why) => Text::new("capture.err.covered").with_text(
                "why",
                match why {
                    Covered::NoCompositor => Text::new("capture.err.covered_no_compositor"),
                    Covered::NothingUnder => Text::new("capture.err.covered_nothing_under"),
                },
            ),
        }
    }

    /// [`CaptureError::text`] in the UI's language: Chinese when `zh`, else the English of `Display`.
    pub fn message(&self, zh: bool) -> String {
        self.text().render(if zh { "zh" } else { "en" })
    }
}

/// What went wrong, in English.
impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for CaptureError {}

/// A capture library error: on a Wayland desktop, said with what the desktop lacks (never "needs an X11
/// session" there).
fn backend(e: xcap::XCapError) -> CaptureError {
    if wayland_session() {
        return wayland::failed(e.to_string());
    }
    CaptureError::Backend(e.to_string())
}

/// Refuses to capture `place` when it has more pixels than a capture may hold
/// ([`crate::images::MAX_CAPTURE_PIXELS`]): checked before the pixels are read, since the capture library
/// allocates them all at once. Larger captures than OCR reads are scaled down by the OCR engine.
fn bounded(place: Rect) -> Result<(), CaptureError> {
    if place.area() > crate::images::MAX_CAPTURE_PIXELS {
        return Err(CaptureError::TooLarge(place));
    }
    Ok(())
}

/// All monitors.
pub fn monitors() -> Result<Vec<MonitorInfo>, CaptureError> {
    dpi_aware();
    xcap::Monitor::all()
        .map_err(backend)?
        .iter()
        .map(monitor_info)
        .collect()
}

/// What ocrlay knows of one of xcap's monitors.
fn monitor_info(m: &xcap::Monitor) -> Result<MonitorInfo, CaptureError> {
    Ok(MonitorInfo {
        id: m.id().map_err(backend)?,
        name: m.name().unwrap_or_default(),
        rect: Rect {
            x: m.x().map_err(backend)?,
            y: m.y().map_err(backend)?,
            width: m.width().map_err(backend)?,
            height: m.height().map_err(backend)?,
        },
        scale: m.scale_factor().unwrap_or(1.0),
        primary: m.is_primary().unwrap_or(false),
    })
}

/// The whole of one monitor (for the frozen screenshot the region selector shows).
pub fn capture_monitor(id: u32) -> Result<RgbaImage, CaptureError> {
    #[cfg(target_os = "linux")]
    if through_screencast() {
        return screencast_monitor(id);
    }
    let read = xcap_monitor(id);
    #[cfg(target_os = "linux")]
    if let Err(e @ CaptureError::Wayland { .. }) = read {
        return screencast_monitor(id).map_err(|_| e);
    }
    read
}

/// [`capture_monitor`] through the ScreenCast session.
#[cfg(target_os = "linux")]
fn screencast_monitor(id: u32) -> Result<RgbaImage, CaptureError> {
    let infos = monitors()?;
    let i = infos
        .iter()
        .position(|m| m.id == id)
        .ok_or(CaptureError::MonitorGone(id))?;
    bounded(infos[i].rect)?;
    screencast::capture(infos[i].rect, &infos[i], i)
}

/// [`capture_monitor`] through xcap.
fn xcap_monitor(id: u32) -> Result<RgbaImage, CaptureError> {
    let m = xcap::Monitor::all()
        .map_err(backend)?
        .into_iter()
        .find(|m| m.id().ok() == Some(id))
        .ok_or(CaptureError::MonitorGone(id))?;
    let info = monitor_info(&m)?;
    bounded(info.rect)?;
    #[cfg(target_os = "linux")]
    if wayland_session() {
        return whole_output(&m, &info);
    }
    #[cfg(windows)]
    {
        let info = MonitorInfo {
            id,
            name: m.name().unwrap_or_default(),
            rect: Rect {
                x: m.x().map_err(backend)?,
                y: m.y().map_err(backend)?,
                width: m.width().map_err(backend)?,
                height: m.height().map_err(backend)?,
            },
            scale: m.scale_factor().unwrap_or(1.0),
            primary: false,
        };
        windows_monitor(&m, &info)
    }
    #[cfg(not(windows))]
    {
        let mut img = m.capture_image().map_err(backend)?;
        make_opaque(&mut img);
        Ok(img)
    }
}

/// One monitor as it was at a moment: the region selector shows it, and the chosen region is cut from it, so
/// what is read is exactly what the user saw when choosing.
#[derive(Debug, Clone)]
pub struct Frozen {
    /// The monitor.
    pub monitor: MonitorInfo,
    /// Its whole screen.
    pub image: std::sync::Arc<RgbaImage>,
}

impl Frozen {
    /// The part of the frozen screen under `region` (desktop pixels; the part outside the monitor is left out).
    /// On a scaled Wayland output the frozen screen is in the output's buffer pixels: the region is scaled to
    /// them ([`frame::part_of`]), so what is read is what was dragged over, at the screen's full resolution.
    pub fn crop(&self, region: Rect) -> Option<RgbaImage> {
        let r = frame::part_of(self.monitor.rect, self.image.dimensions(), region)?;
        Some(
            image::imageops::crop_imm(&*self.image, r.x as u32, r.y as u32, r.width, r.height)
                .to_image(),
        )
    }
}

/// Every monitor, frozen now (for the region selector). When every monitor came back one colour the system
/// gave empty frames ([`CaptureError::Blank`]): the selector would show a black screen and the region chosen on
/// it would read as "no text".
pub fn freeze_all() -> Result<Vec<Frozen>, CaptureError> {
    let frozen = monitors()?
        .into_iter()
        .map(|m| {
            let image = capture_monitor(m.id)?;
            Ok(Frozen {
                monitor: m,
                image: std::sync::Arc::new(image),
            })
        })
        .collect::<Result<Vec<_>, CaptureError>>()?;
    let colours: Vec<_> = frozen.iter().map(|f| one_colour(&f.image)).collect();
    if let [Some(colour), ..] = colours[..] {
        if colours.iter().all(Option::is_some) {
            return Err(blank(colour));
        }
    }
    Ok(frozen)
}

/// [`CaptureError::Blank`] of `colour` for the system ocrlay runs on (and its probe, for the tests).
fn blank(colour: [u8; 3]) -> CaptureError {
    crate::probe::emit(crate::probe::Probe::CaptureBlank { colour });
    CaptureError::Blank {
        colour,
        why: BlankWhy::here(),
    }
}

/// The `[capture] method` in effect ([`set_method`]).
static METHOD: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Sets how Windows reads screens and windows from now on (the settings', or the profile's, `[capture]
/// method`). Elsewhere there is one way and the setting is kept only to be reported.
pub fn set_method(m: Method) {
    METHOD.store(m.to_u8(), std::sync::atomic::Ordering::Relaxed);
}

/// The `[capture] method` in effect.
pub fn method_in_effect() -> Method {
    Method::from_u8(METHOD.load(std::sync::atomic::Ordering::Relaxed))
}

/// What worked for each game in `auto`, for this run of ocrlay.
#[cfg(windows)]
static WAYS: std::sync::LazyLock<std::sync::Mutex<method::Ways>> =
    std::sync::LazyLock::new(Default::default);

/// What the whole screen or window around a capture looked like: [`FrameLook::Content`] when `part` shows
/// more than one colour, or when a whole was seen showing something within [`CONTENT_SEEN_FOR`]; else the look
/// of `whole` (captured only then). A whole that cannot be captured counts as content: `part` is kept.
#[cfg(windows)]
fn whole_look(
    part: &RgbaImage,
    whole: impl FnOnce() -> Result<RgbaImage, CaptureError>,
) -> FrameLook {
    if one_colour(part).is_none() {
        return FrameLook::Content;
    }
    let seen = CONTENT_SEEN.lock().ok().and_then(|s| *s);
    if seen.is_some_and(|at| at.elapsed() < CONTENT_SEEN_FOR) {
        return FrameLook::Content;
    }
    match whole() {
        Ok(w) => {
            let l = look(&w);
            if l == FrameLook::Content {
                if let Ok(mut s) = CONTENT_SEEN.lock() {
                    *s = Some(Instant::now());
                }
            }
            l
        }
        Err(e) => {
            tracing::debug!("a one-colour capture could not be checked against its whole: {e}");
            FrameLook::Content
        }
    }
}

/// A capture that came back flat every way ocrlay tried, as the error the user reads: with the game's
/// elevation when a process is known (an elevated game is unreadable to an ocrlay that is not).
#[cfg(windows)]
fn blank_on_windows(colour: [u8; 3], pid: Option<u32>, tried: &[Way]) -> CaptureError {
    crate::probe::emit(crate::probe::Probe::CaptureBlank { colour });
    let game = pid.map_or(method::Elevation::Unknown, wgc::elevation);
    let why = method::blank_why(game, wgc::own_elevation());
    tracing::info!(?tried, ?game, ?why, "the capture is blank every way tried");
    CaptureError::Blank { colour, why }
}

/// A window read the ways `[capture] method` allows (Windows): GDI's PrintWindow, or a WGC session of the
/// window; see [`method`].
#[cfg(windows)]
fn windows_window(w: &xcap::Window, id: u32) -> Result<RgbaImage, CaptureError> {
    let game = method::Ways::key(&w.app_name().unwrap_or_default(), &title_of(w));
    let at = method::Situation {
        visible: !w.is_minimized().unwrap_or(false),
        wgc: wgc::available(),
        hdr: wgc::sdr_white(wgc::monitor_of_window(id)).is_some(),
    };
    let method = method_in_effect();
    let mut ways = WAYS.lock().unwrap_or_else(|e| e.into_inner());
    let out = ways.read(method, &game, at, |way| {
        let img = match way {
            Way::Gdi => {
                let mut img = w.capture_image().map_err(backend)?;
                make_opaque(&mut img);
                img
            }
            Way::Wgc => (*wgc::window(id)?).clone(),
        };
        let l = look(&img);
        Ok((img, l))
    });
    drop(ways);
    match out {
        method::Outcome::Read(img, way) => {
            tracing::trace!(?way, %game, "window read");
            Ok(img)
        }
        method::Outcome::Blank { colour, tried, .. } => {
            Err(blank_on_windows(colour, w.pid().ok(), &tried))
        }
        method::Outcome::Failed(e) => Err(e),
    }
}

/// A desktop region read the ways `[capture] method` allows (Windows): GDI's BitBlt of the monitor, or a WGC
/// session of the monitor, cut. A blank one names the elevation of the window under the region.
#[cfg(windows)]
fn windows_region(
    monitor: &xcap::Monitor,
    m: &MonitorInfo,
    clip: Rect,
) -> Result<RgbaImage, CaptureError> {
    match windows_monitor_part(monitor, m, clip)? {
        method::Outcome::Read(img, _) => Ok(img),
        method::Outcome::Blank { colour, tried, .. } => {
            let under = windows()
                .ok()
                .and_then(|ws| windows_under(&clip, &ws).next().map(|w| w.id));
            let pid = under.and_then(|id| {
                xcap::Window::all()
                    .ok()?
                    .into_iter()
                    .find(|w| w.id().ok() == Some(id))?
                    .pid()
                    .ok()
            });
            Err(blank_on_windows(colour, pid, &tried))
        }
        method::Outcome::Failed(e) => Err(e),
    }
}

/// [`windows_region`]'s read, before a blank one is an error.
#[cfg(windows)]
fn windows_monitor_part(
    monitor: &xcap::Monitor,
    m: &MonitorInfo,
    clip: Rect,
) -> Result<method::Outcome<RgbaImage>, CaptureError> {
    let game = format!("monitor:{}", m.name);
    let at = method::Situation {
        visible: true,
        wgc: wgc::available(),
        hdr: wgc::sdr_white(m.id).is_some(),
    };
    let method = method_in_effect();
    let mut ways = WAYS.lock().unwrap_or_else(|e| e.into_inner());
    let out = ways.read(method, &game, at, |way| match way {
        Way::Gdi => {
            let mut part = monitor
                .capture_region(
                    (clip.x - m.rect.x) as u32,
                    (clip.y - m.rect.y) as u32,
                    clip.width,
                    clip.height,
                )
                .map_err(backend)?;
            make_opaque(&mut part);
            let l = whole_look(&part, || {
                let mut whole = monitor.capture_image().map_err(backend)?;
                make_opaque(&mut whole);
                Ok(whole)
            });
            Ok((part, l))
        }
        Way::Wgc => {
            let whole = wgc::monitor(m.id)?;
            let r = frame::part_of(m.rect, whole.dimensions(), clip)
                .ok_or(CaptureError::OffScreen(clip))?;
            let part =
                image::imageops::crop_imm(&*whole, r.x as u32, r.y as u32, r.width, r.height)
                    .to_image();
            let l = whole_look(&part, || Ok((*whole).clone()));
            Ok((part, l))
        }
    });
    drop(ways);
    Ok(out)
}

/// A whole monitor read the ways `[capture] method` allows (Windows), for the region selector's frozen screen:
/// on an HDR monitor through WGC, tone-mapped, so the screen frozen is what the user sees. A monitor that
/// shows one colour every way is kept as it is: [`freeze_all`] says so when every monitor does.
#[cfg(windows)]
fn windows_monitor(monitor: &xcap::Monitor, m: &MonitorInfo) -> Result<RgbaImage, CaptureError> {
    match windows_monitor_part(monitor, m, m.rect)? {
        method::Outcome::Read(img, _) | method::Outcome::Blank { frame: img, .. } => Ok(img),
        method::Outcome::Failed(e) => Err(e),
    }
}

/// How long a whole screen (or window) seen showing something vouches for later one-colour captures: auto
/// mode reads a plain dialogue box between lines several times a second and need not capture the whole screen
/// on each beat to tell a plain box from a broken capture.
const CONTENT_SEEN_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// When a whole screen or window was last seen showing more than one colour.
static CONTENT_SEEN: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);

/// `part` as it is, unless it is one colour and so is `whole` (the screen or window it was cut from): then
/// the capture path handed over an empty frame ([`CaptureError::Blank`]). A plain part of a screen that shows
/// something elsewhere is only plain. `whole` is captured only for a one-colour `part`, and not again for
/// [`CONTENT_SEEN_FOR`] after a whole showed something; when it cannot be captured, `part` is kept.
fn not_blank(
    part: RgbaImage,
    whole: impl FnOnce() -> Result<RgbaImage, CaptureError>,
) -> Result<RgbaImage, CaptureError> {
    let Some(colour) = one_colour(&part) else {
        return Ok(part);
    };
    let seen = CONTENT_SEEN.lock().ok().and_then(|s| *s);
    if seen.is_some_and(|at| at.elapsed() < CONTENT_SEEN_FOR) {
        return Ok(part);
    }
    match whole() {
        Ok(w) if one_colour(&w).is_some() => Err(blank(colour)),
        Ok(_) => {
            if let Ok(mut s) = CONTENT_SEEN.lock() {
                *s = Some(Instant::now());
            }
            Ok(part)
        }
        Err(e) => {
            tracing::debug!(
                "a one-colour capture could not be checked against the whole screen: {e}"
            );
            Ok(part)
        }
    }
}

/// The monitor that holds most of a region.
pub fn monitor_for(region: &Rect, monitors: &[MonitorInfo]) -> Option<usize> {
    monitors
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.rect.intersect(region).map(|r| (i, r.area())))
        .max_by_key(|(_, a)| *a)
        .map(|(i, _)| i)
}

/// Captures a region of the desktop (clipped to the monitor that holds most of it), opaque. A capture that
/// comes back one colour where the whole screen does too is [`CaptureError::Blank`].
pub fn capture_region(region: Rect) -> Result<RgbaImage, CaptureError> {
    dpi_aware();
    let started = Instant::now();
    #[cfg(target_os = "linux")]
    if x11::usable() {
        match x11::root_part(region) {
            Err(e) if e.is::<CaptureError>() => {
                return Err(*e.downcast::<CaptureError>().expect("checked above"))
            }
            Ok(Some(img)) => {
                tracing::debug!(?region, ms = started.elapsed().as_millis(), "capture");
                return not_blank(img, || {
                    // The X server's root window starts at 0,0: this is all of it.
                    x11::root_part(Rect {
                        x: 0,
                        y: 0,
                        width: u32::MAX,
                        height: u32::MAX,
                    })
                    .map_err(|e| CaptureError::Backend(e.to_string()))?
                    .ok_or(CaptureError::OffScreen(region))
                });
            }
            Ok(None) => return Err(CaptureError::OffScreen(region)),
            Err(e) => tracing::debug!("reading the screen directly failed ({e}); through xcap"),
        }
    }
    #[cfg(target_os = "linux")]
    if through_screencast() {
        return screencast_region(region);
    }
    let read = xcap_region(region, started);
    #[cfg(target_os = "linux")]
    if let Err(e @ CaptureError::Wayland { .. }) = read {
        // Screencopy failed: the portal may still read the screen.
        return screencast_region(region).map_err(|_| e);
    }
    read
}

/// Whether screen reads go through the ScreenCast portal: a Wayland desktop without wlroots screencopy (GNOME,
/// KDE), or `OCRLAY_WAYLAND_CAPTURE=screencast`.
#[cfg(target_os = "linux")]
fn through_screencast() -> bool {
    wayland_session()
        && !x11::usable()
        && std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        && screencast::preferred(wayland::have_screencopy())
}

/// [`capture_region`] through the ScreenCast session.
#[cfg(target_os = "linux")]
fn screencast_region(region: Rect) -> Result<RgbaImage, CaptureError> {
    let infos = monitors()?;
    let i = monitor_for(&region, &infos).ok_or(CaptureError::OffScreen(region))?;
    let m = &infos[i];
    let clip = m
        .rect
        .intersect(&region)
        .ok_or(CaptureError::OffScreen(region))?;
    bounded(clip)?;
    let img = screencast::capture(clip, m, i)?;
    tracing::debug!(?region, monitor = %m.name, "capture (screen cast)");
    not_blank(img, || screencast::capture(m.rect, m, i))
}

/// One whole Wayland output, in its buffer pixels, opaque: through wlroots screencopy where the compositor
/// offers it (each output on its own, found by its logical place: the monitor's place times xcap's scale),
/// else through xcap (GNOME Shell's call, the Screenshot portal).
#[cfg(target_os = "linux")]
fn whole_output(xcap_monitor: &xcap::Monitor, m: &MonitorInfo) -> Result<RgbaImage, CaptureError> {
    if wayland::have_screencopy() == Some(true) {
        let k = if m.scale > 0.0 { m.scale } else { 1.0 };
        let (x, y) = (
            (m.rect.x as f32 * k).round() as i32 + 1,
            (m.rect.y as f32 * k).round() as i32 + 1,
        );
        return screencopy::capture_output_at(x, y).map_err(wayland::failed);
    }
    let mut whole = xcap_monitor.capture_image().map_err(backend)?;
    make_opaque(&mut whole);
    Ok(whole)
}

/// [`capture_region`] through xcap (Windows, macOS, wlroots screencopy, the X11 fallback).
fn xcap_region(region: Rect, started: Instant) -> Result<RgbaImage, CaptureError> {
    let all = xcap::Monitor::all().map_err(backend)?;
    let infos = monitors()?;
    let i = monitor_for(&region, &infos).ok_or(CaptureError::OffScreen(region))?;
    let m = &infos[i];
    let clip = m
        .rect
        .intersect(&region)
        .ok_or(CaptureError::OffScreen(region))?;
    bounded(clip)?;
    #[cfg(target_os = "linux")]
    if wayland_session() {
        // xcap lists a Wayland output at its logical size ÷ its scale, and reads a region as logical
        // coordinates without the output's place: on a scaled output, or any but the first, that is another
        // part of the screen. The whole output is read (in its buffer pixels) and the region cut from it.
        let whole = whole_output(&all[i], m)?;
        let part = frame::part_of(m.rect, whole.dimensions(), clip)
            .ok_or(CaptureError::OffScreen(region))?;
        let img = image::imageops::crop_imm(
            &whole,
            part.x as u32,
            part.y as u32,
            part.width,
            part.height,
        )
        .to_image();
        tracing::debug!(?region, monitor = %m.name, ms = started.elapsed().as_millis(), "capture");
        return not_blank(img, || Ok(whole));
    }
    #[cfg(windows)]
    {
        let img = windows_region(&all[i], m, clip);
        tracing::debug!(?region, monitor = %m.name, ms = started.elapsed().as_millis(), "capture");
        img
    }
    #[cfg(not(windows))]
    {
        let mut img = all[i]
            .capture_region(
                (clip.x - m.rect.x) as u32,
                (clip.y - m.rect.y) as u32,
                clip.width,
                clip.height,
            )
            .map_err(backend)?;
        make_opaque(&mut img);
        tracing::debug!(
            ?region,
            monitor = %m.name,
            ms = started.elapsed().as_millis(),
            "capture"
        );
        not_blank(img, || {
            let mut whole = all[i].capture_image().map_err(backend)?;
            make_opaque(&mut whole);
            Ok(whole)
        })
    }
}

/// Makes this process see physical pixels (Windows: per-monitor DPI aware, v2), so monitor rectangles, window
/// rectangles and captures agree on scaled displays. The app is made aware by tao's event loop already; this is
/// for the command line (`ocrlay ocr --region`), which captures with no event loop. Elsewhere nothing to do.
fn dpi_aware() {
    #[cfg(windows)]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            use windows_sys::Win32::UI::HiDpi::{
                SetProcessDpiAwarenessContext, DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2,
            };
            // SAFETY: a process-wide setting; it fails harmlessly when tao has set it already.
            let ok = unsafe {
                SetProcessDpiAwarenessContext(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2) != 0
            };
            tracing::debug!(ok, "per-monitor DPI awareness");
        });
    }
}

/// Visible top-level windows of other programs, front to back.
pub fn windows() -> Result<Vec<WindowInfo>, CaptureError> {
    let mut out = Vec::new();
    for w in xcap::Window::all().map_err(backend)? {
        if w.is_minimized().unwrap_or(false) {
            continue;
        }
        let Some(info) = info_of(&w) else {
            continue;
        };
        if info.rect.width < 50 || info.rect.height < 30 || w.pid().ok() == Some(std::process::id())
        {
            continue;
        }
        out.push(info);
    }
    Ok(out)
}

/// The window in front (the one with the keyboard).
#[derive(Debug, Clone, PartialEq)]
pub enum Foreground {
    /// One of ocrlay's own windows (its settings, its overlay while correcting a line).
    Own,
    /// Another program's window.
    Window(WindowInfo),
    /// None, or the system does not say.
    Unknown,
}

/// What the window list says of a window (none when the system does not say where it is).
fn info_of(w: &xcap::Window) -> Option<WindowInfo> {
    let (Ok(id), Ok(x), Ok(y), Ok(width), Ok(height)) =
        (w.id(), w.x(), w.y(), w.width(), w.height())
    else {
        return None;
    };
    Some(WindowInfo {
        id,
        title: title_of(w),
        app: w.app_name().unwrap_or_default(),
        rect: Rect {
            x,
            y,
            width,
            height,
        },
    })
}

/// A window's title as xcap reads it, or (on X11, for programs that set only the old `WM_NAME`) from the
/// X server.
fn title_of(w: &xcap::Window) -> String {
    let title = w.title().unwrap_or_default();
    #[cfg(target_os = "linux")]
    if title.is_empty() && x11::usable() {
        if let Ok(id) = w.id() {
            return x11::window_name(id).unwrap_or_default();
        }
    }
    title
}

/// The window in front now.
pub fn foreground() -> Foreground {
    let Ok(all) = xcap::Window::all() else {
        return Foreground::Unknown;
    };
    for w in all {
        if !w.is_focused().unwrap_or(false) {
            continue;
        }
        if w.pid().ok() == Some(std::process::id()) {
            return Foreground::Own;
        }
        return info_of(&w).map_or(Foreground::Unknown, Foreground::Window);
    }
    Foreground::Unknown
}

/// The windows a region lies on: those (of `windows`, front to back) holding the region's centre, front-most
/// first.
pub fn windows_under<'a>(
    region: &Rect,
    windows: &'a [WindowInfo],
) -> impl Iterator<Item = &'a WindowInfo> + 'a {
    let (cx, cy) = region.centre();
    windows.iter().filter(move |w| w.rect.contains(cx, cy))
}

/// The part of a window's image that a desktop region covers (`window` is where the window is on the desktop).
/// The image may have more pixels than the window's desktop size (macOS reports windows in points and
/// captures them in pixels): coordinates are scaled by the ratio. `None` when they do not overlap.
pub fn crop_to(img: &RgbaImage, window: Rect, region: Rect) -> Option<RgbaImage> {
    let r = window.intersect(&region)?;
    if img.width() == 0 || img.height() == 0 {
        return None;
    }
    let sx = f64::from(img.width()) / f64::from(window.width.max(1));
    let sy = f64::from(img.height()) / f64::from(window.height.max(1));
    let scale = |v: i32, s: f64| (f64::from(v) * s).round().max(0.0) as u32;
    let x = scale(r.x - window.x, sx).min(img.width() - 1);
    let y = scale(r.y - window.y, sy).min(img.height() - 1);
    let w = scale(r.width as i32, sx).min(img.width() - x);
    let h = scale(r.height as i32, sy).min(img.height() - y);
    (w > 0 && h > 0).then(|| image::imageops::crop_imm(img, x, y, w, h).to_image())
}

/// Whether this system can read a window's content where other windows cover it. Windows and macOS capture
/// windows from their own buffers; X11 keeps covered content only while a compositing manager runs (it owns
/// the `_NET_WM_CM_S<screen>` selection).
pub fn covered_capture_supported() -> bool {
    #[cfg(target_os = "linux")]
    {
        x11::compositor_running().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// How a region is read when some of ocrlay's windows may lie over it.
#[derive(Debug, Default)]
pub struct RegionReader {
    /// The window last read under the region (kept while the region stays on it).
    under: Option<u32>,
    /// Whether covered windows can be read (asked once per reader).
    covered_ok: Option<bool>,
}

impl RegionReader {
    /// Whether one of ocrlay's own windows (`own`) overlaps `place` on the desktop. An error when one does and
    /// this system cannot read a window where another covers it (X11 without a compositor; asked once per
    /// reader).
    pub fn covered(&mut self, place: &Rect, own: &[Rect]) -> Result<bool, CaptureError> {
        if !own.iter().any(|r| r.intersect(place).is_some()) {
            return Ok(false);
        }
        if !*self
            .covered_ok
            .get_or_insert_with(covered_capture_supported)
        {
            return Err(CaptureError::Covered(Covered::NoCompositor));
        }
        Ok(true)
    }

    /// Captures a desktop region. Where one of ocrlay's own windows (`own`) overlaps it, the window under the
    /// region is read from its own content instead, so the overlay never reads itself; where this system cannot
    /// do that, [`CaptureError::Covered`].
    pub fn capture(&mut self, region: Rect, own: &[Rect]) -> Result<RgbaImage, CaptureError> {
        if !self.covered(&region, own)? {
            self.under = None;
            return capture_region(region);
        }
        let (cx, cy) = region.centre();
        if let Some(id) = self.under {
            if let Ok((img, rect, _)) = capture_window_part(id, |_| region) {
                if rect.contains(cx, cy) {
                    return Ok(img);
                }
            }
            self.under = None;
        }
        // No window list (X11 without a window manager) means no window to read under ours. Front to back, the
        // first window holding the region's centre that can be read (one on another workspace cannot).
        let windows = windows().unwrap_or_default();
        for w in windows_under(&region, &windows) {
            match capture_window_part(w.id, |_| region) {
                Ok((img, _, _)) => {
                    tracing::debug!(window = %w.title, "reading the window under ocrlay's own");
                    crate::probe::emit(crate::probe::Probe::ReadUnderOwn);
                    self.under = Some(w.id);
                    return Ok(img);
                }
                // The window is there and was read, all of it one colour (a game before its first line, a
                // loading screen): that is what lies under the region, not a reason to look further down.
                Err(e @ CaptureError::Blank { .. }) => return Err(e),
                Err(_) => {}
            }
        }
        Err(CaptureError::Covered(Covered::NothingUnder))
    }
}

/// Captures part of a window's own content (even where other windows cover it): `region_of` gets where the
/// window is on the desktop and says which desktop rectangle is wanted. Returns that part (clipped to the
/// window), where the window is, and where the part is.
///
/// On X11 only the part is read from the server (auto mode over a full-screen game reads a dialogue box 2–10
/// times a second; the whole window would be 8 MB each time); elsewhere, or when that fails, the window is
/// captured whole and cropped.
pub fn capture_window_part(
    id: u32,
    region_of: impl Fn(Rect) -> Rect,
) -> Result<(RgbaImage, Rect, Rect), CaptureError> {
    #[cfg(target_os = "linux")]
    match x11::window_part(id, &region_of) {
        Ok(Some((img, rect, part))) => {
            let img = not_blank(img, || match x11::window_part(id, &|w| w) {
                Ok(Some((whole, _, _))) => Ok(whole),
                Ok(None) => Err(CaptureError::WindowGone(id)),
                Err(e) => Err(CaptureError::Backend(e.to_string())),
            })?;
            return Ok((img, rect, part));
        }
        Ok(None) => return Err(CaptureError::WindowGone(id)),
        Err(e) => tracing::debug!("reading part of window {id} failed ({e}); capturing it whole"),
    }
    let (whole, rect) = capture_window(id)?;
    let part = rect.intersect(&region_of(rect)).unwrap_or(rect);
    let img = crop_to(&whole, rect, part).unwrap_or_else(|| whole.clone());
    let img = not_blank(img, || Ok(whole))?;
    Ok((img, rect, part))
}

/// Captures a window's own content, even where other windows (such as ocrlay's overlay) cover it.
pub fn capture_window(id: u32) -> Result<(RgbaImage, Rect), CaptureError> {
    let w = xcap::Window::all()
        .map_err(backend)?
        .into_iter()
        .find(|w| w.id().ok() == Some(id))
        .ok_or(CaptureError::WindowGone(id))?;
    let rect = Rect {
        x: w.x().map_err(backend)?,
        y: w.y().map_err(backend)?,
        width: w.width().map_err(backend)?,
        height: w.height().map_err(backend)?,
    };
    bounded(rect)?;
    #[cfg(windows)]
    let img = windows_window(&w, id)?;
    #[cfg(not(windows))]
    let img = {
        let mut img = w.capture_image().map_err(backend)?;
        make_opaque(&mut img);
        img
    };
    Ok((img, rect))
}

/// Direct X11 reads (x11rb): a rectangle of the screen or of a window, straight from the server, on one
/// connection kept per thread. xcap enumerates every monitor (twice) and converts pixels through a function
/// pointer on each capture; auto mode captures 2–10 times a second, so this is most of its CPU.
#[cfg(target_os = "linux")]
mod x11 {
    use super::Rect;
    use image::RgbaImage;
    use std::cell::RefCell;
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};
    use x11rb::rust_connection::RustConnection;

    type Error = Box<dyn std::error::Error>;

    thread_local! {
        static CONN: RefCell<Option<(RustConnection, usize)>> = const { RefCell::new(None) };
    }

    /// An X11 session (not Wayland, where xcap goes through the portal).
    pub fn usable() -> bool {
        std::env::var_os("WAYLAND_DISPLAY").is_none()
            && std::env::var("XDG_SESSION_TYPE").map_or(true, |t| t != "wayland")
            && std::env::var_os("DISPLAY").is_some()
    }

    /// Runs `f` on this thread's connection (made on first use; dropped after an error, so the next call
    /// connects again, e.g. after the X server restarted).
    fn with_conn<T>(
        f: impl FnOnce(&RustConnection, usize) -> Result<T, Error>,
    ) -> Result<T, Error> {
        CONN.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some(x11rb::connect(None)?);
            }
            let (conn, screen) = slot.as_ref().expect("connected above");
            let out = f(conn, *screen);
            if out.is_err() {
                *slot = None;
            }
            out
        })
    }

    /// A window's title: `_NET_WM_NAME` (UTF-8), else the older `WM_NAME` that some programs set alone.
    pub fn window_name(id: u32) -> Result<String, Error> {
        use x11rb::protocol::xproto::AtomEnum;
        with_conn(|conn, _| {
            let utf8 = conn.intern_atom(false, b"UTF8_STRING")?.reply()?.atom;
            let net = conn.intern_atom(false, b"_NET_WM_NAME")?.reply()?.atom;
            for (name, kind) in [
                (net, utf8),
                (AtomEnum::WM_NAME.into(), AtomEnum::ANY.into()),
            ] {
                let reply = conn.get_property(false, id, name, kind, 0, 1024)?.reply()?;
                if !reply.value.is_empty() {
                    return Ok(String::from_utf8_lossy(&reply.value).into_owned());
                }
            }
            Ok(String::new())
        })
    }

    /// Whether a compositing manager runs (owns `_NET_WM_CM_S<screen>`).
    pub fn compositor_running() -> Result<bool, Error> {
        with_conn(|conn, screen| {
            let name = format!("_NET_WM_CM_S{screen}");
            let atom = conn.intern_atom(false, name.as_bytes())?.reply()?.atom;
            let owner = conn.get_selection_owner(atom)?.reply()?.owner;
            Ok(owner != x11rb::NONE)
        })
    }

    /// A desktop rectangle, clipped to the screen. `None` when it is off the screen.
    pub fn root_part(region: Rect) -> Result<Option<RgbaImage>, Error> {
        with_conn(|conn, screen| {
            let root = &conn.setup().roots[screen];
            let whole = Rect {
                x: 0,
                y: 0,
                width: u32::from(root.width_in_pixels),
                height: u32::from(root.height_in_pixels),
            };
            let Some(part) = whole.intersect(&region) else {
                return Ok(None);
            };
            get_image(conn, root.root, part).map(Some)
        })
    }

    /// A desktop rectangle of a window (`region_of` gets where the window is): the part, where the window is,
    /// where the part is. `None` when the window is gone.
    #[allow(clippy::type_complexity)]
    pub fn window_part(
        id: u32,
        region_of: &impl Fn(Rect) -> Rect,
    ) -> Result<Option<(RgbaImage, Rect, Rect)>, Error> {
        with_conn(|conn, _| {
            let Ok(geometry) = conn.get_geometry(id)?.reply() else {
                return Ok(None);
            };
            let at = conn
                .translate_coordinates(id, geometry.root, 0, 0)?
                .reply()?;
            let window = Rect {
                x: i32::from(at.dst_x),
                y: i32::from(at.dst_y),
                width: u32::from(geometry.width),
                height: u32::from(geometry.height),
            };
            let Some(part) = window.intersect(&region_of(window)) else {
                return Err("the region is outside its window".into());
            };
            let local = Rect {
                x: part.x - window.x,
                y: part.y - window.y,
                ..part
            };
            Ok(Some((get_image(conn, id, local)?, window, part)))
        })
    }

    /// GetImage of a rectangle of a drawable (24/32-bit TrueColor, what X servers run today).
    fn get_image(conn: &RustConnection, drawable: u32, r: Rect) -> Result<RgbaImage, Error> {
        super::bounded(r)?;
        let reply = conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                drawable,
                r.x as i16,
                r.y as i16,
                r.width as u16,
                r.height as u16,
                !0,
            )?
            .reply()?;
        let setup = conn.setup();
        let bpp = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == reply.depth)
            .map(|f| f.bits_per_pixel)
            .unwrap_or(0);
        let n = r.width as usize * r.height as usize;
        if !matches!(reply.depth, 24 | 32) || bpp != 32 || reply.data.len() < n * 4 {
            return Err(format!(
                "unsupported image format (depth {}, {bpp} bits a pixel)",
                reply.depth
            )
            .into());
        }
        let lsb = setup.image_byte_order == ImageOrder::LSB_FIRST;
        let mut img = RgbaImage::new(r.width, r.height);
        for (dst, src) in img.chunks_exact_mut(4).zip(reply.data.chunks_exact(4)) {
            // A 32-bit pixel 0x00RRGGBB in the server's byte order.
            let (red, green, blue) = if lsb {
                (src[2], src[1], src[0])
            } else {
                (src[1], src[2], src[3])
            };
            dst.copy_from_slice(&[red, green, blue, 255]);
        }
        Ok(img)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_errors_follow_the_ui_language() {
        let e = CaptureError::BoundWindowMissing("My Game".into());
        assert!(e.message(false).contains("is not open"));
        let zh = e.message(true);
        assert!(zh.contains("My Game") && zh.contains("没有打开"), "{zh}");
        let covered = CaptureError::Covered(Covered::NoCompositor);
        assert!(covered.message(true).contains("没有运行合成器"));
    }

    #[test]
    fn every_capture_error_reads_in_both_languages() {
        let r = Rect {
            x: -10,
            y: 20,
            width: 300,
            height: 40,
        };
        let off = CaptureError::OffScreen(r);
        assert_eq!(
            off.to_string(),
            "the region -10,20 300×40 is not on any monitor"
        );
        assert_eq!(off.message(true), "区域 -10,20 300×40 不在任何显示器上");
        assert_eq!(
            CaptureError::MonitorGone(3).to_string(),
            "cannot capture the screen: monitor 3 is gone. On Linux ocrlay needs an X11 session (or XWayland \
             with DISPLAY set)"
        );
        let unfilled = regex::Regex::new(r"\{\w+\}|capture\.err\.").unwrap();
        for e in [
            CaptureError::Backend("no display".into()),
            CaptureError::MonitorGone(3),
            off,
            CaptureError::WindowGone(7),
            CaptureError::BoundWindowMissing("My Game".into()),
            CaptureError::Covered(Covered::NoCompositor),
            CaptureError::Covered(Covered::NothingUnder),
            CaptureError::TooLarge(r),
            CaptureError::Wayland {
                lack: wayland::WaylandLack::NoScreenshot,
                reason: "no screencopy".into(),
            },
            CaptureError::Blank {
                colour: [0, 0, 0],
                why: BlankWhy::Wayland,
            },
            CaptureError::Blank {
                colour: [255, 255, 255],
                why: BlankWhy::Windows,
            },
            CaptureError::Blank {
                colour: [1, 2, 3],
                why: BlankWhy::X11,
            },
            CaptureError::Blank {
                colour: [0, 0, 0],
                why: BlankWhy::WindowsElevated,
            },
            CaptureError::Blank {
                colour: [1, 2, 3],
                why: BlankWhy::Other,
            },
        ] {
            for zh in [true, false] {
                let s = e.message(zh);
                assert!(!unfilled.is_match(&s), "{s}");
            }
        }
    }

    #[test]
    fn a_blank_capture_says_why_for_the_system_it_runs_on() {
        let on = |why| CaptureError::Blank {
            colour: [0, 0, 0],
            why,
        };
        assert_eq!(on(BlankWhy::Windows).text().key, "capture.err.blank");
        let windows = on(BlankWhy::Windows).message(false);
        assert!(
            windows.contains("#000000") && windows.contains("borderless"),
            "{windows}"
        );
        assert!(on(BlankWhy::Windows).message(true).contains("无边框"));
        let elevated = on(BlankWhy::WindowsElevated).message(false);
        assert!(elevated.contains("Run as administrator"), "{elevated}");
        assert!(on(BlankWhy::WindowsElevated)
            .message(true)
            .contains("以管理员身份运行"));
        let wayland = on(BlankWhy::Wayland).message(false);
        assert!(
            wayland.contains("xdg-desktop-portal") && wayland.contains("XWayland"),
            "{wayland}"
        );
    }

    #[test]
    fn a_one_colour_part_is_blank_only_when_its_whole_screen_is() {
        let plain = || RgbaImage::from_pixel(30, 10, image::Rgba([0, 0, 0, 255]));
        let mut screen = RgbaImage::from_pixel(300, 100, image::Rgba([0, 0, 0, 255]));
        // A part with something in it is never checked against its screen.
        let mut text = plain();
        text.put_pixel(5, 5, image::Rgba([255, 255, 255, 255]));
        assert!(not_blank(text, || panic!("not asked for")).is_ok());
        // A one-colour part of a one-colour screen: the capture gave an empty frame.
        let e = not_blank(plain(), || Ok(screen.clone())).unwrap_err();
        assert!(
            matches!(
                e,
                CaptureError::Blank {
                    colour: [0, 0, 0],
                    ..
                }
            ),
            "{e:?}"
        );
        // A whole that cannot be captured keeps the part (the capture itself worked).
        assert!(not_blank(plain(), || Err(CaptureError::MonitorGone(1))).is_ok());
        // A plain dialogue box on a screen that shows something is only plain, and for a while the screen
        // is not captured again for it.
        screen.put_pixel(200, 50, image::Rgba([200, 10, 20, 255]));
        assert!(not_blank(plain(), || Ok(screen.clone())).is_ok());
        assert!(not_blank(plain(), || panic!("seen showing something just now")).is_ok());
    }

    #[test]
    fn a_capture_larger_than_the_bound_is_refused_before_reading_with_its_size() {
        let desk = Rect {
            x: 0,
            y: 0,
            width: 20000,
            height: 20000,
        };
        assert!(matches!(bounded(desk), Err(CaptureError::TooLarge(r)) if r == desk));
        assert_eq!(
            CaptureError::TooLarge(desk).to_string(),
            "the region 0,0 20000×20000 is 400.0 megapixels, more than the 64.0 megapixels ocrlay captures at \
             once; choose a smaller region"
        );
        // An 8K screen is captured.
        assert!(bounded(Rect {
            width: 7680,
            height: 4320,
            ..desk
        })
        .is_ok());
    }

    #[test]
    fn huge_rectangles_from_a_config_do_not_overflow() {
        let huge = Rect {
            x: i32::MAX - 10,
            y: -5,
            width: u32::MAX,
            height: u32::MAX,
        };
        assert_eq!(huge.right(), i32::MAX);
        assert_eq!(huge.bottom(), i32::MAX - 5);
        assert!(huge.contains(i32::MAX - 1, 0));
        let _ = huge.centre();
        let screen = Rect {
            x: 0,
            y: 0,
            width: 1920,
            height: 1080,
        };
        assert_eq!(huge.intersect(&screen), None);
        let wide = Rect {
            x: -100,
            y: 10,
            width: u32::MAX,
            height: 20,
        };
        assert_eq!(
            wide.intersect(&screen),
            Some(Rect {
                x: 0,
                y: 10,
                width: 1920,
                height: 20
            })
        );
    }

    fn mon(x: i32, y: i32, w: u32, h: u32) -> MonitorInfo {
        MonitorInfo {
            id: 0,
            name: String::new(),
            rect: Rect {
                x,
                y,
                width: w,
                height: h,
            },
            scale: 1.0,
            primary: false,
        }
    }

    #[test]
    fn intersections() {
        let a = Rect {
            x: 0,
            y: 0,
            width: 100,
            height: 100,
        };
        let b = Rect {
            x: 50,
            y: 80,
            width: 100,
            height: 100,
        };
        assert_eq!(
            a.intersect(&b),
            Some(Rect {
                x: 50,
                y: 80,
                width: 50,
                height: 20
            })
        );
        let c = Rect {
            x: 100,
            y: 0,
            width: 10,
            height: 10,
        };
        assert_eq!(a.intersect(&c), None);
        assert!(a.contains(99, 99) && !a.contains(100, 0));
    }

    fn win(id: u32, x: i32, y: i32, w: u32, h: u32) -> WindowInfo {
        WindowInfo {
            id,
            title: format!("w{id}"),
            app: String::new(),
            rect: Rect {
                x,
                y,
                width: w,
                height: h,
            },
        }
    }

    #[test]
    fn the_windows_under_a_region_hold_its_centre_front_to_back() {
        // Front to back: a small dialog, the game, a full-screen browser behind.
        let ws = [
            win(1, 0, 0, 300, 200),
            win(2, 100, 100, 1280, 720),
            win(3, 0, 0, 1920, 1080),
        ];
        let dialogue = Rect {
            x: 150,
            y: 600,
            width: 1000,
            height: 150,
        };
        assert_eq!(windows_under(&dialogue, &ws).next().map(|w| w.id), Some(2));
        // A region that merely touches the dialog's corner still belongs to the window holding its centre.
        let top = Rect {
            x: 250,
            y: 150,
            width: 800,
            height: 100,
        };
        assert_eq!(windows_under(&top, &ws).next().map(|w| w.id), Some(2));
        let off = Rect {
            x: 3000,
            y: 0,
            width: 10,
            height: 10,
        };
        assert_eq!(windows_under(&off, &ws).next(), None);
    }

    #[test]
    fn a_window_image_is_cropped_to_the_region() {
        let mut img = RgbaImage::new(200, 100);
        img.put_pixel(50, 20, image::Rgba([255, 0, 0, 255]));
        let window = Rect {
            x: 1000,
            y: 500,
            width: 200,
            height: 100,
        };
        let region = Rect {
            x: 1050,
            y: 520,
            width: 40,
            height: 30,
        };
        let c = crop_to(&img, window, region).unwrap();
        assert_eq!(c.dimensions(), (40, 30));
        assert_eq!(c.get_pixel(0, 0), &image::Rgba([255, 0, 0, 255]));
        // Partly off the window: only the overlap.
        let edge = Rect {
            x: 1180,
            y: 580,
            width: 100,
            height: 100,
        };
        assert_eq!(crop_to(&img, window, edge).unwrap().dimensions(), (20, 20));
        let outside = Rect {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        };
        assert!(crop_to(&img, window, outside).is_none());
        // A window captured at twice its desktop size (macOS: points vs pixels): the same place, doubled.
        let mut hidpi = RgbaImage::new(400, 200);
        hidpi.put_pixel(100, 40, image::Rgba([255, 0, 0, 255]));
        let c = crop_to(&hidpi, window, region).unwrap();
        assert_eq!(c.dimensions(), (80, 60));
        assert_eq!(c.get_pixel(0, 0), &image::Rgba([255, 0, 0, 255]));
    }

    #[test]
    fn the_monitor_holding_most_of_a_region_wins() {
        // A 1920 px monitor and a 2560 px one to its right, the second one scaled.
        let ms = [mon(0, 0, 1920, 1080), mon(1920, -200, 2560, 1440)];
        let r = Rect {
            x: 1800,
            y: 100,
            width: 400,
            height: 50,
        };
        assert_eq!(monitor_for(&r, &ms), Some(1));
        let r = Rect {
            x: 1700,
            y: 100,
            width: 300,
            height: 50,
        };
        assert_eq!(monitor_for(&r, &ms), Some(0));
        let off = Rect {
            x: -500,
            y: -500,
            width: 10,
            height: 10,
        };
        assert_eq!(monitor_for(&off, &ms), None);
    }

    #[test]
    fn a_chosen_region_is_cut_from_the_frozen_monitor_it_lies_on() {
        // A monitor left of the primary one (negative origin), its screen a gradient so each pixel says where it is.
        let image = RgbaImage::from_fn(200, 100, |x, y| image::Rgba([x as u8, y as u8, 0, 255]));
        let frozen = Frozen {
            monitor: MonitorInfo {
                id: 1,
                name: "left".into(),
                rect: Rect {
                    x: -200,
                    y: 0,
                    width: 200,
                    height: 100,
                },
                scale: 1.0,
                primary: false,
            },
            image: std::sync::Arc::new(image),
        };
        let part = frozen
            .crop(Rect {
                x: -150,
                y: 20,
                width: 30,
                height: 10,
            })
            .unwrap();
        assert_eq!(part.dimensions(), (30, 10));
        assert_eq!(part.get_pixel(0, 0).0[..2], [50, 20]);
        // Reaching past the monitor: only its part on the monitor.
        let edge = frozen
            .crop(Rect {
                x: -10,
                y: 90,
                width: 50,
                height: 50,
            })
            .unwrap();
        assert_eq!(edge.dimensions(), (10, 10));
        // Off the monitor: nothing.
        assert!(frozen
            .crop(Rect {
                x: 10,
                y: 10,
                width: 5,
                height: 5
            })
            .is_none());
    }
}
