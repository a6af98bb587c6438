//! One Wayland output read through wlroots screencopy (sway, Hyprland, niri, river): no portal, no dialog.
//!
//! xcap reads a Wayland screen through libwayshot, which failed as soon as a second output existed (a `wl_shm`
//! protocol error, seen with two outputs of a headless sway 1.7) and which xcap hands coordinates of another
//! space (its outputs are listed from XWayland at logical size ÷ scale). Here each read asks the compositor for
//! one output, found by its logical place (xdg-output), into a shared-memory buffer of the format the
//! compositor offers, and makes the frame opaque ([`super::frame::opaque_from`]).

use super::frame::{opaque_from, PixelLayout};
use image::RgbaImage;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use wayland_client::protocol::{wl_buffer, wl_output, wl_registry, wl_shm, wl_shm_pool};
use wayland_client::{delegate_noop, Connection, Dispatch, Proxy, QueueHandle, WEnum};
use wayland_protocols::xdg::xdg_output::zv1::client::{zxdg_output_manager_v1, zxdg_output_v1};
use wayland_protocols_wlr::screencopy::v1::client::{
    zwlr_screencopy_frame_v1, zwlr_screencopy_manager_v1,
};

/// An output as xdg-output describes it.
#[derive(Debug, Default, Clone)]
struct Output {
    output: Option<wl_output::WlOutput>,
    /// Logical place and size.
    x: i32,
    y: i32,
    width: i32,
    height: i32,
}

/// What a screencopy frame said.
#[derive(Debug, Default)]
struct Frame {
    /// The shared-memory buffer it wants: format, width, height, stride.
    shm: Option<(WEnum<wl_shm::Format>, u32, u32, u32)>,
    /// All buffer types are announced (version 3), or the shm one came (earlier versions).
    described: bool,
    y_invert: bool,
    ready: bool,
    failed: bool,
}

#[derive(Default)]
struct State {
    outputs: Vec<Output>,
    xdg: Option<zxdg_output_manager_v1::ZxdgOutputManagerV1>,
    screencopy: Option<zwlr_screencopy_manager_v1::ZwlrScreencopyManagerV1>,
    shm: Option<wl_shm::WlShm>,
    frame: Frame,
}

impl Dispatch<wl_registry::WlRegistry, ()> for State {
    fn event(
        state: &mut Self,
        registry: &wl_registry::WlRegistry,
        event: wl_registry::Event,
        _: &(),
        _: &Connection,
        qh: &QueueHandle<Self>,
    ) {
        let wl_registry::Event::Global {
            name,
            interface,
            version,
        } = event
        else {
            return;
        };
        match interface.as_str() {
            "wl_output" => {
                let output =
                    registry.bind::<wl_output::WlOutput, _, _>(name, version.min(4), qh, ());
                state.outputs.push(Output {
                    output: Some(output),
                    ..Output::default()
                });
            }
            "zxdg_output_manager_v1" => {
                state.xdg = Some(registry.bind(name, version.min(3), qh, ()));
            }
            "zwlr_screencopy_manager_v1" => {
                state.screencopy = Some(registry.bind(name, version.min(3), qh, ()));
            }
            "wl_shm" => state.shm = Some(registry.bind(name, 1, qh, ())),
            _ => {}
        }
    }
}

impl Dispatch<zxdg_output_v1::ZxdgOutputV1, usize> for State {
    fn event(
        state: &mut Self,
        _: &zxdg_output_v1::ZxdgOutputV1,
        event: zxdg_output_v1::Event,
        i: &usize,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let Some(o) = state.outputs.get_mut(*i) else {
            return;
        };
        match event {
            zxdg_output_v1::Event::LogicalPosition { x, y } => (o.x, o.y) = (x, y),
            zxdg_output_v1::Event::LogicalSize { width, height } => {
                (o.width, o.height) = (width, height)
            }
            _ => {}
        }
    }
}

impl Dispatch<zwlr_screencopy_frame_v1::ZwlrScreencopyFrameV1, ()> for State {
    fn event(
        state: &mut Self,
        frame: &zwlr_screencopy_frame_v1::ZwlrScreencopyFrameV1,
        event: zwlr_screencopy_frame_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        use zwlr_screencopy_frame_v1::Event;
        let f = &mut state.frame;
        match event {
            Event::Buffer {
                format,
                width,
                height,
                stride,
            } => {
                f.shm = Some((format, width, height, stride));
                // Before version 3 no "buffer_done" follows.
                if frame.version() < 3 {
                    f.described = true;
                }
            }
            Event::BufferDone => f.described = true,
            Event::Flags { flags } => {
                f.y_invert = matches!(flags, WEnum::Value(v) if v.contains(zwlr_screencopy_frame_v1::Flags::YInvert))
            }
            Event::Ready { .. } => f.ready = true,
            Event::Failed => f.failed = true,
            _ => {}
        }
    }
}

delegate_noop!(State: ignore wl_output::WlOutput);
delegate_noop!(State: ignore wl_shm::WlShm);
delegate_noop!(State: ignore wl_shm_pool::WlShmPool);
delegate_noop!(State: ignore wl_buffer::WlBuffer);
delegate_noop!(State: zxdg_output_manager_v1::ZxdgOutputManagerV1);
delegate_noop!(State: zwlr_screencopy_manager_v1::ZwlrScreencopyManagerV1);

/// How a `wl_shm` format's four bytes lie in memory (little-endian words).
fn layout(format: wl_shm::Format) -> Option<PixelLayout> {
    Some(match format {
        wl_shm::Format::Xrgb8888 => PixelLayout::Bgrx,
        wl_shm::Format::Argb8888 => PixelLayout::Bgra,
        wl_shm::Format::Xbgr8888 => PixelLayout::Rgbx,
        wl_shm::Format::Abgr8888 => PixelLayout::Rgba,
        wl_shm::Format::Rgbx8888 => PixelLayout::Xbgr,
        wl_shm::Format::Rgba8888 => PixelLayout::Abgr,
        wl_shm::Format::Bgrx8888 => PixelLayout::Xrgb,
        wl_shm::Format::Bgra8888 => PixelLayout::Argb,
        _ => return None,
    })
}

/// Which output holds the logical point (x, y), else the one whose corner is nearest to it.
fn output_at(outputs: &[Output], x: i32, y: i32) -> Option<usize> {
    outputs
        .iter()
        .position(|o| x >= o.x && y >= o.y && x < o.x + o.width && y < o.y + o.height)
        .or_else(|| {
            outputs
                .iter()
                .enumerate()
                .min_by_key(|(_, o)| (o.x - x).abs() + (o.y - y).abs())
                .map(|(i, _)| i)
        })
}

/// Reads the whole output that holds the logical point (x, y) of the compositor's layout, in the output's
/// buffer pixels, opaque.
pub fn capture_output_at(x: i32, y: i32) -> Result<RgbaImage, String> {
    let conn = Connection::connect_to_env().map_err(|e| e.to_string())?;
    let mut queue = conn.new_event_queue();
    let qh = queue.handle();
    conn.display().get_registry(&qh, ());
    let mut state = State::default();
    let round = |queue: &mut wayland_client::EventQueue<State>, state: &mut State| {
        queue
            .roundtrip(state)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    round(&mut queue, &mut state)?;
    let (Some(manager), Some(shm)) = (state.screencopy.clone(), state.shm.clone()) else {
        return Err("the compositor offers no wlroots screencopy".into());
    };
    if let Some(xdg) = state.xdg.clone() {
        for i in 0..state.outputs.len() {
            if let Some(o) = state.outputs[i].output.clone() {
                xdg.get_xdg_output(&o, &qh, i);
            }
        }
        round(&mut queue, &mut state)?;
    }
    let i = output_at(&state.outputs, x, y).ok_or("the compositor has no output")?;
    let output = state.outputs[i].output.clone().ok_or("no output")?;
    let frame = manager.capture_output(0, &output, &qh, ());
    while !state.frame.described && !state.frame.failed {
        queue
            .blocking_dispatch(&mut state)
            .map_err(|e| e.to_string())?;
    }
    let (format, width, height, stride) = match state.frame.shm {
        Some(b) if !state.frame.failed => b,
        _ => return Err("the compositor refused to copy the output".into()),
    };
    let format = format
        .into_result()
        .map_err(|_| "an unknown shared-memory format".to_string())?;
    let pixels = layout(format).ok_or_else(|| format!("the pixel format {format:?}"))?;
    let size = stride as usize * height as usize;
    let fd = memfd(size)?;
    let pool = shm.create_pool(fd.as_fd(), size as i32, &qh, ());
    let buffer = pool.create_buffer(
        0,
        width as i32,
        height as i32,
        stride as i32,
        format,
        &qh,
        (),
    );
    frame.copy(&buffer);
    while !state.frame.ready && !state.frame.failed {
        queue
            .blocking_dispatch(&mut state)
            .map_err(|e| e.to_string())?;
    }
    frame.destroy();
    buffer.destroy();
    pool.destroy();
    let _ = conn.flush();
    if state.frame.failed {
        return Err("the compositor failed to copy the output".into());
    }
    let mut data = vec![0u8; size];
    let file = std::fs::File::from(fd);
    std::os::unix::fs::FileExt::read_exact_at(&file, &mut data, 0).map_err(|e| e.to_string())?;
    let mut img =
        opaque_from(width, height, stride as usize, pixels, &data).map_err(|e| e.to_string())?;
    if state.frame.y_invert {
        image::imageops::flip_vertical_in_place(&mut img);
    }
    Ok(img)
}

/// An anonymous shared-memory file of `size` bytes.
fn memfd(size: usize) -> Result<OwnedFd, String> {
    let name = c"ocrlay-screencopy";
    // SAFETY: memfd_create with a valid C string; the returned descriptor is owned here.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    // SAFETY: fd is a fresh descriptor owned by no one else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let file = std::fs::File::from(fd);
    file.set_len(size as u64).map_err(|e| e.to_string())?;
    Ok(OwnedFd::from(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(x: i32, y: i32, width: i32, height: i32) -> Output {
        Output {
            output: None,
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn the_output_holding_a_point_is_found_else_the_nearest() {
        let outputs = [o(0, 0, 1280, 720), o(1280, 0, 1280, 720)];
        assert_eq!(output_at(&outputs, 10, 10), Some(0));
        assert_eq!(output_at(&outputs, 1281, 1), Some(1));
        // A point just off every output (rounding of a scaled place): the nearest corner.
        assert_eq!(output_at(&outputs, 1279, 721), Some(1));
        assert_eq!(output_at(&[], 0, 0), None);
    }

    #[test]
    fn shm_formats_map_to_their_byte_order() {
        assert_eq!(layout(wl_shm::Format::Xrgb8888), Some(PixelLayout::Bgrx));
        assert_eq!(layout(wl_shm::Format::Abgr8888), Some(PixelLayout::Rgba));
        assert_eq!(layout(wl_shm::Format::Rgb565), None);
    }
}
