//! Windows: reads through Windows.Graphics.Capture (the `windows-capture` crate), and what the system says of
//! a monitor (HDR, its SDR white) and a process (elevated or not).
//!
//! One WGC session is kept open per window or monitor being read: its frames arrive when the window changes
//! (at most [`EVERY`] apart where Windows lets ocrlay ask), each is tone-mapped ([`super::hdr`]) from
//! `Rgba16F` as it arrives, and a read takes the last one. Auto mode reading a dialogue box several times a
//! second so opens one session, not one per read. A session nobody read for [`IDLE`] is closed at the next
//! read; at most [`MAX_SESSIONS`] are open (watched regions on several windows).

use super::method::Elevation;
use super::{hdr, CaptureError};
use image::RgbaImage;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use windows_capture::capture::{CaptureControl, Context, GraphicsCaptureApiHandler};
use windows_capture::frame::Frame;
use windows_capture::graphics_capture_api::{GraphicsCaptureApi, InternalCaptureControl};
use windows_capture::monitor::Monitor;
use windows_capture::settings::{
    ColorFormat, CursorCaptureSettings, DirtyRegionSettings, DrawBorderSettings,
    MinimumUpdateIntervalSettings, SecondaryWindowSettings, Settings,
};
use windows_capture::window::Window;

/// The shortest time between two frames of a session, where Windows takes the setting (Windows 11 24H2+).
const EVERY: Duration = Duration::from_millis(100);
/// How long a new session may take to hand over its first frame.
const FIRST_FRAME: Duration = Duration::from_millis(1500);
/// A session not read for this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// The most sessions kept open at once.
const MAX_SESSIONS: usize = 4;

/// What a session reads: a window or a monitor, by the id the window list gives it (its handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Window(u32),
    Monitor(u32),
}

/// A handle as the window list's `u32` id, back as the pointer-sized handle (handles are 32-bit values,
/// sign-extended, as `LongToHandle` does).
fn handle(id: u32) -> *mut std::ffi::c_void {
    id as i32 as isize as *mut std::ffi::c_void
}

#[derive(Default)]
struct Latest {
    frame: Option<Arc<RgbaImage>>,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    latest: Mutex<Latest>,
    arrived: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The session's frame handler (on the session's own thread).
struct Handler {
    shared: Arc<Shared>,
    params: hdr::ToneMapParams,
}

impl GraphicsCaptureApiHandler for Handler {
    type Flags = (Arc<Shared>, hdr::ToneMapParams);
    type Error = String;

    fn new(ctx: Context<Self::Flags>) -> Result<Self, String> {
        let (shared, params) = ctx.flags;
        Ok(Handler { shared, params })
    }

    fn on_frame_arrived(
        &mut self,
        frame: &mut Frame,
        _control: InternalCaptureControl,
    ) -> Result<(), String> {
        let mut buffer = match frame.buffer() {
            Ok(b) => b,
            Err(e) => {
                tracing::debug!("a WGC frame could not be read: {e}");
                return Ok(());
            }
        };
        let (w, h, stride) = (buffer.width(), buffer.height(), buffer.row_pitch() as usize);
        match hdr::tone_map(w, h, stride, buffer.as_raw_buffer(), self.params) {
            Ok(img) => {
                lock(&self.shared.latest).frame = Some(Arc::new(img));
                self.shared.arrived.notify_all();
            }
            Err(e) => tracing::debug!("a WGC frame was cut short: {e}"),
        }
        Ok(())
    }

    fn on_closed(&mut self) -> Result<(), String> {
        lock(&self.shared.latest).closed = true;
        self.shared.arrived.notify_all();
        Ok(())
    }
}

struct Session {
    source: Source,
    control: Option<CaptureControl<Handler, String>>,
    shared: Arc<Shared>,
    used: Instant,
}

impl Session {
    fn stop(&mut self) {
        if let Some(c) = self.control.take() {
            if let Err(e) = c.stop() {
                tracing::debug!("a WGC session ended with: {e}");
            }
        }
    }

    fn closed(&self) -> bool {
        lock(&self.shared.latest).closed || self.control.as_ref().is_none_or(|c| c.is_finished())
    }
}

static SESSIONS: Mutex<Vec<Session>> = Mutex::new(Vec::new());

/// Whether this Windows has Windows.Graphics.Capture (10 version 1903+).
pub fn available() -> bool {
    static ANSWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWER.get_or_init(|| GraphicsCaptureApi::is_supported().unwrap_or(false))
}

/// The last frame of window `id` (its handle), opaque sRGB.
pub fn window(id: u32) -> Result<Arc<RgbaImage>, CaptureError> {
    read(Source::Window(id))
}

/// The last frame of monitor `id` (its handle), opaque sRGB.
pub fn monitor(id: u32) -> Result<Arc<RgbaImage>, CaptureError> {
    read(Source::Monitor(id))
}

fn read(source: Source) -> Result<Arc<RgbaImage>, CaptureError> {
    let shared = {
        let mut sessions = lock(&SESSIONS);
        let mut ended: Vec<Session> = Vec::new();
        let mut i = 0;
        while i < sessions.len() {
            if sessions[i].used.elapsed() > IDLE || sessions[i].closed() {
                ended.push(sessions.swap_remove(i));
            } else {
                i += 1;
            }
        }
        let shared = match sessions.iter_mut().find(|s| s.source == source) {
            Some(s) => {
                s.used = Instant::now();
                s.shared.clone()
            }
            None => {
                if sessions.len() >= MAX_SESSIONS {
                    if let Some(oldest) = (0..sessions.len()).min_by_key(|&i| sessions[i].used) {
                        ended.push(sessions.swap_remove(oldest));
                    }
                }
                let s = start(source)?;
                let shared = s.shared.clone();
                sessions.push(s);
                shared
            }
        };
        drop(sessions);
        for mut s in ended {
            s.stop();
        }
        shared
    };
    let latest = lock(&shared.latest);
    let (latest, _) = shared
        .arrived
        .wait_timeout_while(latest, FIRST_FRAME, |l| l.frame.is_none() && !l.closed)
        .unwrap_or_else(|e| e.into_inner());
    match (&latest.frame, latest.closed) {
        (Some(f), _) => Ok(f.clone()),
        (None, true) => Err(match source {
            Source::Window(id) => CaptureError::WindowGone(id),
            Source::Monitor(id) => CaptureError::MonitorGone(id),
        }),
        (None, false) => Err(CaptureError::Backend(
            "Windows.Graphics.Capture handed over no frame".into(),
        )),
    }
}

/// Opens a session. Frames come as `Rgba16F` (scRGB): HDR monitors keep their highlights, SDR ones come back
/// exactly ([`super::hdr`]); without the yellow border and the cursor where Windows lets ocrlay ask.
fn start(source: Source) -> Result<Session, CaptureError> {
    let shared = Arc::new(Shared::default());
    let monitor = match source {
        Source::Monitor(id) => id,
        Source::Window(id) => monitor_of_window(id),
    };
    let params = hdr::ToneMapParams {
        white: sdr_white(monitor).unwrap_or(1.0),
    };
    let cursor = if GraphicsCaptureApi::is_cursor_settings_supported().unwrap_or(false) {
        CursorCaptureSettings::WithoutCursor
    } else {
        CursorCaptureSettings::Default
    };
    let border = if GraphicsCaptureApi::is_border_settings_supported().unwrap_or(false) {
        DrawBorderSettings::WithoutBorder
    } else {
        DrawBorderSettings::Default
    };
    let interval = if GraphicsCaptureApi::is_minimum_update_interval_supported().unwrap_or(false) {
        MinimumUpdateIntervalSettings::Custom(EVERY)
    } else {
        MinimumUpdateIntervalSettings::Default
    };
    let flags = (shared.clone(), params);
    let control = match source {
        Source::Window(id) => Handler::start_free_threaded(Settings::new(
            Window::from_raw_hwnd(handle(id)),
            cursor,
            border,
            SecondaryWindowSettings::Default,
            interval,
            DirtyRegionSettings::Default,
            ColorFormat::Rgba16F,
            flags,
        )),
        Source::Monitor(id) => Handler::start_free_threaded(Settings::new(
            Monitor::from_raw_hmonitor(handle(id)),
            cursor,
            border,
            SecondaryWindowSettings::Default,
            interval,
            DirtyRegionSettings::Default,
            ColorFormat::Rgba16F,
            flags,
        )),
    }
    .map_err(|e| CaptureError::Backend(format!("Windows.Graphics.Capture: {e}")))?;
    tracing::debug!(?source, white = params.white, "WGC session opened");
    Ok(Session {
        source,
        control: Some(control),
        shared,
        used: Instant::now(),
    })
}

/// The monitor (its handle as an id) that holds most of window `id`.
pub fn monitor_of_window(id: u32) -> u32 {
    use windows_sys::Win32::Graphics::Gdi::{MonitorFromWindow, MONITOR_DEFAULTTONEAREST};
    // SAFETY: a plain query; a window that is gone gives the nearest monitor.
    unsafe { MonitorFromWindow(handle(id), MONITOR_DEFAULTTONEAREST) as usize as u32 }
}

/// How long what Windows said of a monitor's HDR is trusted (auto mode asks on every read).
const HDR_ASKED_FOR: Duration = Duration::from_secs(5);

/// Whether monitor `id` shows HDR ("advanced colour" on), and then the scRGB value of its SDR white
/// (Windows' "SDR content brightness"). `None` for an SDR monitor or when Windows does not say. Asked again
/// after [`HDR_ASKED_FOR`].
pub fn sdr_white(id: u32) -> Option<f32> {
    type Asked = Vec<(u32, Instant, Option<f32>)>;
    static ASKED: Mutex<Asked> = Mutex::new(Vec::new());
    let mut asked = lock(&ASKED);
    asked.retain(|(_, at, _)| at.elapsed() < HDR_ASKED_FOR);
    if let Some((_, _, white)) = asked.iter().find(|(m, _, _)| *m == id) {
        return *white;
    }
    let white = ask_sdr_white(id);
    asked.push((id, Instant::now(), white));
    white
}

/// [`sdr_white`], asked of Windows now.
fn ask_sdr_white(id: u32) -> Option<f32> {
    use windows_sys::Win32::Devices::Display::{
        DisplayConfigGetDeviceInfo, GetDisplayConfigBufferSizes, QueryDisplayConfig,
        DISPLAYCONFIG_DEVICE_INFO_GET_ADVANCED_COLOR_INFO,
        DISPLAYCONFIG_DEVICE_INFO_GET_SDR_WHITE_LEVEL, DISPLAYCONFIG_DEVICE_INFO_GET_SOURCE_NAME,
        DISPLAYCONFIG_GET_ADVANCED_COLOR_INFO, DISPLAYCONFIG_MODE_INFO, DISPLAYCONFIG_PATH_INFO,
        DISPLAYCONFIG_SDR_WHITE_LEVEL, DISPLAYCONFIG_SOURCE_DEVICE_NAME, QDC_ONLY_ACTIVE_PATHS,
    };
    use windows_sys::Win32::Graphics::Gdi::{GetMonitorInfoW, MONITORINFO, MONITORINFOEXW};
    // SAFETY: every struct handed to Windows is zeroed with its size set as documented, the arrays are as long
    // as Windows said, and nothing is kept past the calls.
    unsafe {
        let mut info = MONITORINFOEXW::default();
        info.monitorInfo.cbSize = std::mem::size_of::<MONITORINFOEXW>() as u32;
        if GetMonitorInfoW(
            handle(id),
            &mut info as *mut MONITORINFOEXW as *mut MONITORINFO,
        ) == 0
        {
            return None;
        }
        let (mut n_paths, mut n_modes) = (0u32, 0u32);
        if GetDisplayConfigBufferSizes(QDC_ONLY_ACTIVE_PATHS, &mut n_paths, &mut n_modes) != 0 {
            return None;
        }
        let mut paths = vec![DISPLAYCONFIG_PATH_INFO::default(); n_paths as usize];
        let mut modes: Vec<DISPLAYCONFIG_MODE_INFO> = vec![std::mem::zeroed(); n_modes as usize];
        if QueryDisplayConfig(
            QDC_ONLY_ACTIVE_PATHS,
            &mut n_paths,
            paths.as_mut_ptr(),
            &mut n_modes,
            modes.as_mut_ptr(),
            std::ptr::null_mut(),
        ) != 0
        {
            return None;
        }
        let name = |s: &[u16]| {
            s.iter()
                .take_while(|&&c| c != 0)
                .copied()
                .collect::<Vec<u16>>()
        };
        for p in &paths[..n_paths as usize] {
            let mut source = DISPLAYCONFIG_SOURCE_DEVICE_NAME::default();
            source.header.r#type = DISPLAYCONFIG_DEVICE_INFO_GET_SOURCE_NAME;
            source.header.size = std::mem::size_of::<DISPLAYCONFIG_SOURCE_DEVICE_NAME>() as u32;
            source.header.adapterId = p.sourceInfo.adapterId;
            source.header.id = p.sourceInfo.id;
            if DisplayConfigGetDeviceInfo(&mut source.header) != 0
                || name(&source.viewGdiDeviceName) != name(&info.szDevice)
            {
                continue;
            }
            let mut colour: DISPLAYCONFIG_GET_ADVANCED_COLOR_INFO = std::mem::zeroed();
            colour.header.r#type = DISPLAYCONFIG_DEVICE_INFO_GET_ADVANCED_COLOR_INFO;
            colour.header.size =
                std::mem::size_of::<DISPLAYCONFIG_GET_ADVANCED_COLOR_INFO>() as u32;
            colour.header.adapterId = p.targetInfo.adapterId;
            colour.header.id = p.targetInfo.id;
            // Bit 1 of the flags: advancedColorEnabled.
            if DisplayConfigGetDeviceInfo(&mut colour.header) != 0
                || colour.Anonymous.value & 0b10 == 0
            {
                return None;
            }
            let mut white = DISPLAYCONFIG_SDR_WHITE_LEVEL {
                header: std::mem::zeroed(),
                SDRWhiteLevel: 0,
            };
            white.header.r#type = DISPLAYCONFIG_DEVICE_INFO_GET_SDR_WHITE_LEVEL;
            white.header.size = std::mem::size_of::<DISPLAYCONFIG_SDR_WHITE_LEVEL>() as u32;
            white.header.adapterId = p.targetInfo.adapterId;
            white.header.id = p.targetInfo.id;
            // 1000 is 80 nits, scRGB's 1.0.
            let level =
                if DisplayConfigGetDeviceInfo(&mut white.header) == 0 && white.SDRWhiteLevel > 0 {
                    white.SDRWhiteLevel as f32 / 1000.0
                } else {
                    1.0
                };
            return Some(level);
        }
        None
    }
}

/// Whether process `pid` runs elevated: its token's `TokenElevation`, asked with the least access there is.
/// An elevated process refuses even that to a process that is not ("access denied"): that is an answer too.
pub fn elevation(pid: u32) -> Elevation {
    use windows_sys::Win32::Foundation::{CloseHandle, GetLastError, ERROR_ACCESS_DENIED};
    use windows_sys::Win32::System::Threading::{OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION};
    // SAFETY: the handle is checked and closed; no memory is shared.
    unsafe {
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return if GetLastError() == ERROR_ACCESS_DENIED {
                Elevation::Elevated
            } else {
                Elevation::Unknown
            };
        }
        let out = token_elevation(process);
        CloseHandle(process);
        out
    }
}

/// Whether ocrlay itself runs elevated.
pub fn own_elevation() -> Elevation {
    use windows_sys::Win32::System::Threading::GetCurrentProcess;
    // SAFETY: the pseudo-handle of this process needs no closing.
    unsafe { token_elevation(GetCurrentProcess()) }
}

/// `TokenElevation` of a process handle opened with at least limited query access.
unsafe fn token_elevation(process: windows_sys::Win32::Foundation::HANDLE) -> Elevation {
    use windows_sys::Win32::Foundation::{CloseHandle, GetLastError, ERROR_ACCESS_DENIED};
    use windows_sys::Win32::Security::{
        GetTokenInformation, TokenElevation, TOKEN_ELEVATION, TOKEN_QUERY,
    };
    use windows_sys::Win32::System::Threading::OpenProcessToken;
    // SAFETY (for the caller): `process` is a live handle; the token handle is closed here.
    unsafe {
        let mut token = std::ptr::null_mut();
        if OpenProcessToken(process, TOKEN_QUERY, &mut token) == 0 {
            return if GetLastError() == ERROR_ACCESS_DENIED {
                Elevation::Elevated
            } else {
                Elevation::Unknown
            };
        }
        let mut e = TOKEN_ELEVATION { TokenIsElevated: 0 };
        let mut len = 0u32;
        let ok = GetTokenInformation(
            token,
            TokenElevation,
            &mut e as *mut TOKEN_ELEVATION as *mut std::ffi::c_void,
            std::mem::size_of::<TOKEN_ELEVATION>() as u32,
            &mut len,
        ) != 0;
        CloseHandle(token);
        match (ok, e.TokenIsElevated != 0) {
            (false, _) => Elevation::Unknown,
            (true, true) => Elevation::Elevated,
            (true, false) => Elevation::Normal,
        }
    }
}
