//! Reading a Wayland screen through the xdg-desktop-portal **ScreenCast** interface and PipeWire: one session,
//! opened at the first read and kept open while ocrlay runs, so the desktop asks for permission once, not at
//! every read; its restore token is saved beside the settings (`screencast.token`, readable by its owner only),
//! so the next start asks nothing at all where the desktop keeps the grant (`persist_mode` 2: until revoked).
//!
//! Used where the compositor has no wlroots screencopy (GNOME's mutter, KDE's KWin: there xcap's other ways
//! are GNOME Shell's restricted screenshot call and the Screenshot portal, which writes every read to a file),
//! when screencopy fails, or when `OCRLAY_WAYLAND_CAPTURE=screencast` asks for it. The stream's frames arrive
//! when the screen changes (at most [`MAX_FPS`] a second); the last one is kept, and a read cuts its region from
//! it, converted to opaque RGB ([`super::frame::opaque_from`]: an `X` byte is never alpha).

use super::frame::{opaque_from, PixelLayout};
use super::wayland::WaylandLack;
use super::{CaptureError, MonitorInfo, Rect};
use image::RgbaImage;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use zbus::zvariant::{DeserializeDict, OwnedFd, OwnedObjectPath, Type, Value};

/// Frames a second the stream is asked for at most: a read needs the screen as it is now, not every frame of
/// a running game (each frame is copied out of PipeWire's buffer).
pub const MAX_FPS: u32 = 10;

/// The environment variable that chooses how a Wayland screen is read: `screencast` (always through the
/// portal), `screencopy` (never through it); anything else, by what the compositor offers.
pub const ENV: &str = "OCRLAY_WAYLAND_CAPTURE";

/// How long the desktop may take to answer the Start call: the user may be asked which screen to share.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the other portal calls may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a read waits for the stream's first frame.
const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether reads on this Wayland desktop go through the ScreenCast portal: asked for, or the compositor offers
/// no wlroots screencopy (`have_screencopy`; `None` when it could not be asked).
pub fn preferred(have_screencopy: Option<bool>) -> bool {
    match std::env::var(ENV).as_deref().map(str::trim) {
        Ok("screencast") => true,
        Ok("screencopy") => false,
        _ => have_screencopy == Some(false),
    }
}

/// One stream of the session: an output as the portal described it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPlace {
    /// PipeWire node.
    pub node: u32,
    /// Where the output is in the compositor's (logical) coordinates, when the portal says.
    pub position: Option<(i32, i32)>,
    /// Its logical size, when the portal says.
    pub size: Option<(i32, i32)>,
}

/// The last frame a stream delivered.
#[derive(Debug, Default)]
struct Latest {
    width: u32,
    height: u32,
    stride: usize,
    layout: Option<PixelLayout>,
    data: Vec<u8>,
    /// Frames delivered so far.
    count: u64,
    /// Why the stream ended, when it did.
    ended: Option<String>,
}

/// A stream's last frame, and the signal that one arrived.
type Shared = Arc<(Mutex<Latest>, Condvar)>;

/// A ScreenCast session with its streams' last frames.
pub struct Session {
    /// Kept so the session stays open (the portal closes it with the connection).
    _conn: zbus::blocking::Connection,
    streams: Vec<(StreamPlace, Shared)>,
}

static SESSION: Mutex<Option<Arc<Session>>> = Mutex::new(None);

/// Where the restore token is kept: beside the settings file.
fn token_path() -> PathBuf {
    crate::paths::Places::current()
        .config_file
        .with_file_name("screencast.token")
}

/// The session, opened on first use (asking the desktop, once) and kept for the life of the process. A session
/// whose streams ended (the user stopped sharing) is opened again.
pub fn session() -> Result<Arc<Session>, CaptureError> {
    let mut slot = SESSION.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = slot.as_ref() {
        if !s.ended() {
            return Ok(s.clone());
        }
        tracing::info!("the screen-cast session ended; asking the desktop for a new one");
    }
    let s = Arc::new(Session::open(&token_path())?);
    *slot = Some(s.clone());
    Ok(s)
}

/// Reads `region` (desktop pixels of `monitor`) from the session's stream for that monitor.
pub fn capture(
    region: Rect,
    monitor: &MonitorInfo,
    index: usize,
) -> Result<RgbaImage, CaptureError> {
    let s = session()?;
    s.read(region, monitor, index)
}

/// What a ScreenCast call failed with, as a capture error that says so.
fn failed(what: &str, e: impl std::fmt::Display) -> CaptureError {
    super::wayland::failed_for(WaylandLack::CastFailed, format!("screen cast: {what}: {e}"))
}

/// The portal's own session could not even be asked for: what the desktop lacks, asked of the bus.
fn unreachable(what: &str, e: impl std::fmt::Display) -> CaptureError {
    super::wayland::failed(format!("screen cast: {what}: {e}"))
}

#[derive(DeserializeDict, Type, Debug, Default)]
#[zvariant(signature = "dict")]
struct StreamProps {
    position: Option<(i32, i32)>,
    size: Option<(i32, i32)>,
}

#[derive(DeserializeDict, Type, Debug, Default)]
#[zvariant(signature = "dict")]
struct StartResults {
    streams: Option<Vec<(u32, StreamProps)>>,
    restore_token: Option<String>,
}

#[derive(DeserializeDict, Type, Debug, Default)]
#[zvariant(signature = "dict")]
struct Empty {}

/// Calls a portal method that answers through a Request object's `Response` signal, and waits for that
/// answer (subscribed before the call, so it cannot be missed).
fn request<B, R>(
    conn: &zbus::blocking::Connection,
    method: &str,
    body: impl FnOnce(String) -> B,
    timeout: Duration,
) -> Result<R, CaptureError>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
    R: for<'de> serde::Deserialize<'de> + Type + Send + 'static,
{
    let token = format!("ocrlay{}", rand_token());
    let sender = conn
        .unique_name()
        .ok_or_else(|| failed(method, "no name on the session bus"))?
        .trim_start_matches(':')
        .replace('.', "_");
    let path = format!("/org/freedesktop/portal/desktop/request/{sender}/{token}");
    let request = zbus::blocking::Proxy::new(
        conn,
        "org.freedesktop.portal.Desktop",
        path,
        "org.freedesktop.portal.Request",
    )
    .map_err(|e| failed(method, e))?;
    let mut answers = request
        .receive_signal("Response")
        .map_err(|e| failed(method, e))?;
    let portal = zbus::blocking::Proxy::new(
        conn,
        "org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.portal.ScreenCast",
    )
    .map_err(|e| failed(method, e))?;
    portal
        .call_method(method, &body(token))
        .map_err(|e| unreachable(method, e))?;
    let (tx, rx) = std::sync::mpsc::channel();
    let method_name = method.to_string();
    std::thread::Builder::new()
        .name("screencast-answer".into())
        .spawn(move || {
            let answer = answers
                .next()
                .ok_or_else(|| failed(&method_name, "no answer"))
                .and_then(|m| {
                    m.body()
                        .deserialize::<(u32, R)>()
                        .map_err(|e| failed(&method_name, e))
                });
            let _ = tx.send(answer);
        })
        .map_err(|e| failed(method, e))?;
    let (code, results) = rx
        .recv_timeout(timeout)
        .map_err(|_| failed(method, format!("no answer in {} s", timeout.as_secs())))??;
    match code {
        0 => Ok(results),
        1 => Err(super::wayland::failed_for(
            WaylandLack::Declined,
            format!("screen cast: {method}: declined"),
        )),
        n => Err(failed(
            method,
            format!("the desktop refused (response {n})"),
        )),
    }
}

/// A token unique enough for one process's requests.
fn rand_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl Session {
    /// Asks the desktop for a session of every monitor (with the saved restore token, so a desktop that
    /// keeps grants asks nothing), saves the new token, and starts reading each stream.
    fn open(token_file: &Path) -> Result<Session, CaptureError> {
        let conn = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.method_timeout(CALL_TIMEOUT).build())
            .map_err(|e| unreachable("session bus", e))?;
        let session_token = format!("ocrlay{}", rand_token());
        let created: HashMap<String, zbus::zvariant::OwnedValue> = request(
            &conn,
            "CreateSession",
            |t| {
                HashMap::from([
                    ("handle_token", Value::from(t)),
                    ("session_handle_token", Value::from(session_token.clone())),
                ])
            },
            CALL_TIMEOUT,
        )?;
        let handle = created
            .get("session_handle")
            .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
            .ok_or_else(|| failed("CreateSession", "no session handle"))?;
        let handle = OwnedObjectPath::try_from(handle).map_err(|e| failed("CreateSession", e))?;
        let saved = std::fs::read_to_string(token_file)
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && t.len() < 512);
        let _: Empty = request(
            &conn,
            "SelectSources",
            |t| {
                let mut o = HashMap::from([
                    ("handle_token", Value::from(t)),
                    // Monitors, every one of them, without the pointer.
                    ("types", Value::from(1u32)),
                    ("multiple", Value::from(true)),
                    ("cursor_mode", Value::from(1u32)),
                    // Kept until the user revokes it.
                    ("persist_mode", Value::from(2u32)),
                ]);
                if let Some(saved) = saved.clone() {
                    o.insert("restore_token", Value::from(saved));
                }
                (handle.clone(), o)
            },
            CALL_TIMEOUT,
        )?;
        let started: StartResults = request(
            &conn,
            "Start",
            |t| {
                (
                    handle.clone(),
                    "",
                    HashMap::from([("handle_token", Value::from(t))]),
                )
            },
            START_TIMEOUT,
        )?;
        if let Some(token) = started.restore_token.as_deref() {
            if let Err(e) = save_token(token_file, token) {
                tracing::warn!("cannot keep the screen-cast permission for the next start: {e}");
            }
        }
        let places: Vec<StreamPlace> = started
            .streams
            .unwrap_or_default()
            .into_iter()
            .map(|(node, p)| StreamPlace {
                node,
                position: p.position,
                size: p.size,
            })
            .collect();
        if places.is_empty() {
            return Err(failed("Start", "the desktop shared no screen"));
        }
        let portal = zbus::blocking::Proxy::new(
            &conn,
            "org.freedesktop.portal.Desktop",
            "/org/freedesktop/portal/desktop",
            "org.freedesktop.portal.ScreenCast",
        )
        .map_err(|e| failed("OpenPipeWireRemote", e))?;
        let mut streams = Vec::new();
        for place in places {
            let fd: OwnedFd = portal
                .call(
                    "OpenPipeWireRemote",
                    &(&handle, HashMap::<&str, Value<'_>>::new()),
                )
                .map_err(|e| failed("OpenPipeWireRemote", e))?;
            let latest = Arc::new((Mutex::new(Latest::default()), Condvar::new()));
            pw::read_stream(std::os::fd::OwnedFd::from(fd), place.node, latest.clone())
                .map_err(|e| failed("PipeWire", e))?;
            streams.push((place, latest));
        }
        tracing::info!(
            streams = streams.len(),
            restored = saved.is_some(),
            "reading the screen through the screen-cast portal"
        );
        crate::probe::emit(crate::probe::Probe::ScreenCastStarted {
            streams: streams.len(),
        });
        Ok(Session {
            _conn: conn,
            streams,
        })
    }

    /// Whether every stream has ended.
    fn ended(&self) -> bool {
        self.streams
            .iter()
            .all(|(_, l)| l.0.lock().map(|l| l.ended.is_some()).unwrap_or(true))
    }

    /// Cuts `region` from the last frame of the stream showing `monitor` (the `index`th of the desktop's
    /// monitors), waiting for a first frame if none came yet.
    fn read(
        &self,
        region: Rect,
        monitor: &MonitorInfo,
        index: usize,
    ) -> Result<RgbaImage, CaptureError> {
        let places: Vec<&StreamPlace> = self.streams.iter().map(|(p, _)| p).collect();
        let i = stream_for(&places, monitor, index);
        let (_, latest) = &self.streams[i];
        let (lock, arrived) = &**latest;
        let mut l = lock.lock().unwrap_or_else(|e| e.into_inner());
        let t = Instant::now();
        while l.count == 0 && l.ended.is_none() {
            let left = FIRST_FRAME_TIMEOUT.saturating_sub(t.elapsed());
            if left.is_zero() {
                return Err(failed(
                    "PipeWire",
                    format!("no frame in {} s", FIRST_FRAME_TIMEOUT.as_secs()),
                ));
            }
            l = arrived
                .wait_timeout(l, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if l.count == 0 {
            return Err(failed("PipeWire", l.ended.clone().unwrap_or_default()));
        }
        let layout = l
            .layout
            .ok_or_else(|| failed("PipeWire", "a frame of an unknown pixel format"))?;
        let part = super::frame::part_of(monitor.rect, (l.width, l.height), region)
            .ok_or(CaptureError::OffScreen(region))?;
        let offset = part.y as usize * l.stride + part.x as usize * 4;
        opaque_from(
            part.width,
            part.height,
            l.stride,
            layout,
            l.data.get(offset..).unwrap_or_default(),
        )
        .map_err(|e| failed("PipeWire", e))
    }
}

/// Which stream shows a monitor: the one at the monitor's place (logical coordinates scaled by the monitor's
/// scale), else the `index`th, else the first.
pub fn stream_for(places: &[&StreamPlace], monitor: &MonitorInfo, index: usize) -> usize {
    let s = if monitor.scale > 0.0 {
        monitor.scale
    } else {
        1.0
    };
    let at = |p: &StreamPlace| {
        p.position.is_some_and(|(x, y)| {
            let (px, py) = (
                (f64::from(x) * f64::from(s)).round() as i32,
                (f64::from(y) * f64::from(s)).round() as i32,
            );
            (px - monitor.rect.x).abs() <= 2 && (py - monitor.rect.y).abs() <= 2
                || (x - monitor.rect.x).abs() <= 2 && (y - monitor.rect.y).abs() <= 2
        })
    };
    places
        .iter()
        .position(|p| at(p))
        .or_else(|| (index < places.len()).then_some(index))
        .unwrap_or(0)
}

/// Saves the restore token, readable by its owner only.
fn save_token(path: &Path, token: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::paths::create_private_dir(dir)?;
    }
    crate::paths::write_private(path, token.as_bytes())
}

/// The PipeWire side: a thread with its own main loop reads one stream and keeps its last frame.
mod pw {
    use super::{Latest, PixelLayout, MAX_FPS};
    use pipewire as pw;
    use pw::spa;
    use spa::param::format::{FormatProperties, MediaSubtype, MediaType};
    use spa::param::video::{VideoFormat, VideoInfoRaw};
    use spa::param::ParamType;
    use spa::pod::{self, serialize::PodSerializer, Pod};
    use spa::utils::{Direction, Fraction, Rectangle, SpaTypes};
    use std::sync::{Arc, Condvar, Mutex};

    /// The layout of a PipeWire video format ocrlay reads.
    fn layout(f: VideoFormat) -> Option<PixelLayout> {
        Some(match f {
            VideoFormat::BGRx => PixelLayout::Bgrx,
            VideoFormat::BGRA => PixelLayout::Bgra,
            VideoFormat::RGBx => PixelLayout::Rgbx,
            VideoFormat::RGBA => PixelLayout::Rgba,
            VideoFormat::xRGB => PixelLayout::Xrgb,
            VideoFormat::ARGB => PixelLayout::Argb,
            VideoFormat::xBGR => PixelLayout::Xbgr,
            VideoFormat::ABGR => PixelLayout::Abgr,
            _ => return None,
        })
    }

    /// The formats offered to the compositor, in ocrlay's order of preference.
    fn format_pod() -> Result<Vec<u8>, String> {
        let obj = pod::object!(
            SpaTypes::ObjectParamFormat,
            ParamType::EnumFormat,
            pod::property!(FormatProperties::MediaType, Id, MediaType::Video),
            pod::property!(FormatProperties::MediaSubtype, Id, MediaSubtype::Raw),
            pod::property!(
                FormatProperties::VideoFormat,
                Choice,
                Enum,
                Id,
                VideoFormat::BGRx,
                VideoFormat::BGRx,
                VideoFormat::BGRA,
                VideoFormat::RGBx,
                VideoFormat::RGBA,
                VideoFormat::xRGB,
                VideoFormat::ARGB,
                VideoFormat::xBGR,
                VideoFormat::ABGR
            ),
            pod::property!(
                FormatProperties::VideoSize,
                Choice,
                Range,
                Rectangle,
                Rectangle {
                    width: 1920,
                    height: 1080
                },
                Rectangle {
                    width: 1,
                    height: 1
                },
                Rectangle {
                    width: 16384,
                    height: 16384
                }
            ),
            pod::property!(
                FormatProperties::VideoFramerate,
                Choice,
                Range,
                Fraction,
                Fraction {
                    num: MAX_FPS,
                    denom: 1
                },
                Fraction { num: 0, denom: 1 },
                Fraction {
                    num: MAX_FPS,
                    denom: 1
                }
            ),
        );
        PodSerializer::serialize(std::io::Cursor::new(Vec::new()), &pod::Value::Object(obj))
            .map(|(c, _)| c.into_inner())
            .map_err(|e| format!("{e:?}"))
    }

    /// Starts a thread that reads PipeWire node `node` over the portal's `fd` into `latest`.
    pub fn read_stream(
        fd: std::os::fd::OwnedFd,
        node: u32,
        latest: Arc<(Mutex<Latest>, Condvar)>,
    ) -> Result<(), String> {
        let values = format_pod()?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        std::thread::Builder::new()
            .name("screencast".into())
            .spawn(move || {
                let end = |latest: &Arc<(Mutex<Latest>, Condvar)>, why: String| {
                    if let Ok(mut l) = latest.0.lock() {
                        l.ended = Some(why);
                    }
                    latest.1.notify_all();
                };
                let run = || -> Result<(), String> {
                    pw::init();
                    let main_loop =
                        pw::main_loop::MainLoopRc::new(None).map_err(|e| e.to_string())?;
                    let context =
                        pw::context::ContextRc::new(&main_loop, None).map_err(|e| e.to_string())?;
                    let core = context.connect_fd_rc(fd, None).map_err(|e| e.to_string())?;
                    let stream = pw::stream::StreamRc::new(
                        core,
                        "ocrlay",
                        pw::properties::properties! {
                            *pw::keys::MEDIA_TYPE => "Video",
                            *pw::keys::MEDIA_CATEGORY => "Capture",
                            *pw::keys::MEDIA_ROLE => "Screen",
                        },
                    )
                    .map_err(|e| e.to_string())?;
                    let on_format = latest.clone();
                    let on_frame = latest.clone();
                    let on_state = latest.clone();
                    let main_loop_weak = main_loop.downgrade();
                    let _listener = stream
                        .add_local_listener_with_user_data(VideoInfoRaw::default())
                        .state_changed(move |_, _, old, new| {
                            tracing::debug!(node, ?old, ?new, "screen-cast stream");
                            if let pw::stream::StreamState::Error(e) = new {
                                end(&on_state, e.to_string());
                                if let Some(l) = main_loop_weak.upgrade() {
                                    l.quit();
                                }
                            } else if matches!(new, pw::stream::StreamState::Unconnected) {
                                end(&on_state, "the stream was closed".into());
                                if let Some(l) = main_loop_weak.upgrade() {
                                    l.quit();
                                }
                            }
                        })
                        .param_changed(move |_, info, id, param| {
                            let Some(param) = param else { return };
                            if id != ParamType::Format.as_raw() {
                                return;
                            }
                            if info.parse(param).is_err() {
                                return;
                            }
                            tracing::debug!(
                                format = ?info.format(),
                                width = info.size().width,
                                height = info.size().height,
                                "screen-cast format"
                            );
                            if let Ok(mut l) = on_format.0.lock() {
                                l.layout = layout(info.format());
                                l.width = info.size().width;
                                l.height = info.size().height;
                            }
                        })
                        .process(move |stream, _| {
                            let Some(mut buffer) = stream.dequeue_buffer() else {
                                return;
                            };
                            let datas = buffer.datas_mut();
                            let Some(d) = datas.first_mut() else { return };
                            let chunk = d.chunk();
                            let (offset, size, stride) = (
                                chunk.offset() as usize,
                                chunk.size() as usize,
                                chunk.stride(),
                            );
                            let Some(bytes) = d.data() else {
                                tracing::debug!(
                                    offset,
                                    size,
                                    stride,
                                    "a screen-cast buffer not mapped"
                                );
                                return;
                            };
                            tracing::trace!(
                                offset,
                                size,
                                stride,
                                len = bytes.len(),
                                "screen-cast buffer"
                            );
                            let Some(frame) = bytes.get(offset..offset.saturating_add(size)) else {
                                return;
                            };
                            if frame.is_empty() {
                                // A buffer with no new picture (the cursor moved, or nothing changed).
                                return;
                            }
                            if let Ok(mut l) = on_frame.0.lock() {
                                l.stride = if stride > 0 {
                                    stride as usize
                                } else {
                                    l.width as usize * 4
                                };
                                l.data.clear();
                                l.data.extend_from_slice(frame);
                                l.count += 1;
                            }
                            on_frame.1.notify_all();
                        })
                        .register()
                        .map_err(|e| e.to_string())?;
                    let mut params =
                        [Pod::from_bytes(&values).ok_or("the format offer is not a pod")?];
                    stream
                        .connect(
                            Direction::Input,
                            Some(node),
                            pw::stream::StreamFlags::AUTOCONNECT
                                | pw::stream::StreamFlags::MAP_BUFFERS,
                            &mut params,
                        )
                        .map_err(|e| e.to_string())?;
                    let _ = ready_tx.send(Ok(()));
                    main_loop.run();
                    Ok(())
                };
                if let Err(e) = run() {
                    end(&latest, e.clone());
                    let _ = ready_tx.send(Err(e));
                }
            })
            .map_err(|e| e.to_string())?;
        ready_rx
            .recv()
            .map_err(|_| "the PipeWire thread stopped".to_string())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    fn m(rect: Rect, scale: f32) -> MonitorInfo {
        MonitorInfo {
            id: 1,
            name: "out".into(),
            rect,
            scale,
            primary: false,
        }
    }

    #[test]
    fn a_monitor_finds_its_stream_by_place_then_by_order() {
        let a = StreamPlace {
            node: 40,
            position: Some((0, 0)),
            size: Some((1280, 720)),
        };
        let b = StreamPlace {
            node: 41,
            position: Some((1280, 0)),
            size: Some((1280, 720)),
        };
        // A scale 1.5 output at logical 1280 is at desktop pixel 1920.
        assert_eq!(stream_for(&[&a, &b], &m(r(1920, 0, 1920, 1080), 1.5), 0), 1);
        assert_eq!(stream_for(&[&b, &a], &m(r(0, 0, 1280, 720), 1.0), 1), 1);
        let unplaced = StreamPlace {
            node: 42,
            position: None,
            size: None,
        };
        assert_eq!(
            stream_for(&[&unplaced, &unplaced], &m(r(5, 5, 10, 10), 1.0), 1),
            1
        );
        assert_eq!(stream_for(&[&unplaced], &m(r(5, 5, 10, 10), 1.0), 3), 0);
    }

    #[test]
    fn screencast_is_preferred_only_without_screencopy_or_when_asked() {
        // The environment is this process's: only the default is checked here.
        if std::env::var_os(ENV).is_none() {
            assert!(preferred(Some(false)));
            assert!(!preferred(Some(true)));
            assert!(!preferred(None));
        }
    }
}
