//! Frames as the capture backends hand them over, made opaque RGB, and the check that a capture is not blank.
//!
//! A screen has no transparency: what a monitor shows is the colour channels of the frame the compositor
//! scanned out, whatever its fourth byte holds. Backends disagree on that byte: X11's GetImage leaves it 0,
//! wlroots screencopy hands over `Xrgb8888` whose unused `X` byte a client's buffer may leave 0 (xcap keeps it
//! as alpha), PipeWire offers `BGRx` or `BGRA`, Windows' BitBlt leaves it 0 or 255. A frame with alpha 0 that
//! OCR composited onto white was read as an empty page (`ocrlay ocr --region` printed nothing, exit 0). So
//! every capture is made opaque here, by construction: the fourth byte is never alpha.

use super::Rect;
use image::RgbaImage;

/// How the four bytes of a pixel lie in memory, first byte first (PipeWire's `spa_video_format` names;
/// `wl_shm`/DRM name the same layouts as little-endian words: `Xrgb8888` is [`PixelLayout::Bgrx`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelLayout {
    /// B, G, R, unused (`wl_shm` `Xrgb8888`, PipeWire `BGRx`, X11 ZPixmap on little-endian servers).
    Bgrx,
    /// B, G, R, A (`Argb8888`, PipeWire `BGRA`, Windows DIBs).
    Bgra,
    /// R, G, B, unused (`Xbgr8888`, PipeWire `RGBx`).
    Rgbx,
    /// R, G, B, A (`Abgr8888`, PipeWire `RGBA`, what xcap returns).
    Rgba,
    /// Unused, R, G, B (`Bgrx8888`, PipeWire `xRGB`, X11 ZPixmap on big-endian servers).
    Xrgb,
    /// A, R, G, B (`Bgra8888`, PipeWire `ARGB`).
    Argb,
    /// Unused, B, G, R (`Rgbx8888`, PipeWire `xBGR`).
    Xbgr,
    /// A, B, G, R (`Rgba8888`, PipeWire `ABGR`).
    Abgr,
}

impl PixelLayout {
    /// Where red, green and blue lie in the four bytes of a pixel.
    fn rgb_at(self) -> [usize; 3] {
        match self {
            PixelLayout::Bgrx | PixelLayout::Bgra => [2, 1, 0],
            PixelLayout::Rgbx | PixelLayout::Rgba => [0, 1, 2],
            PixelLayout::Xrgb | PixelLayout::Argb => [1, 2, 3],
            PixelLayout::Xbgr | PixelLayout::Abgr => [3, 2, 1],
        }
    }
}

/// A frame whose buffer is not as large as its size and stride say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {width}×{height} frame with {stride} bytes a row needs more than the {len} bytes it came with")]
pub struct ShortFrame {
    /// Pixels a row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bytes from one row to the next.
    pub stride: usize,
    /// Bytes given.
    pub len: usize,
}

/// An opaque RGBA image from a captured frame of 4-byte pixels (`stride` bytes from one row to the next).
///
/// Colours are taken as they are whatever the fourth byte says: a premultiplied pixel's colour is what the
/// screen showed (it was composited onto the black of the output), a straight one's too (scan-out ignores
/// alpha), and an `X` byte is never alpha. Every pixel comes out with alpha 255.
pub fn opaque_from(
    width: u32,
    height: u32,
    stride: usize,
    layout: PixelLayout,
    data: &[u8],
) -> Result<RgbaImage, ShortFrame> {
    let row = width as usize * 4;
    let needed = match height {
        0 => 0,
        h => stride.saturating_mul(h as usize - 1).saturating_add(row),
    };
    if stride < row || data.len() < needed {
        return Err(ShortFrame {
            width,
            height,
            stride,
            len: data.len(),
        });
    }
    let [r, g, b] = layout.rgb_at();
    let mut out = RgbaImage::new(width, height);
    if row == 0 {
        return Ok(out);
    }
    for (dst, src) in out.chunks_exact_mut(row).zip(data.chunks(stride.max(1))) {
        for (d, s) in dst.chunks_exact_mut(4).zip(src[..row].chunks_exact(4)) {
            d.copy_from_slice(&[s[r], s[g], s[b], 255]);
        }
    }
    Ok(out)
}

/// Makes an RGBA capture opaque in place: its alpha bytes are what the backend left in the fourth byte, never
/// transparency (see the module docs).
pub fn make_opaque(image: &mut RgbaImage) {
    for p in image.pixels_mut() {
        p.0[3] = 255;
    }
}

/// The one colour every pixel of `image` has (red, green, blue), or `None` when two pixels differ or the
/// image is empty. Alpha is not looked at (captures are opaque).
pub fn one_colour(image: &RgbaImage) -> Option<[u8; 3]> {
    let mut pixels = image.pixels();
    let first = pixels.next()?.0;
    let rgb = [first[0], first[1], first[2]];
    pixels.all(|p| p.0[..3] == rgb).then_some(rgb)
}

/// What a whole captured screen or window looks like, as far as telling a broken capture goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameLook {
    /// More than one colour: something is shown.
    Content,
    /// Black all over, or so nearly black (every channel at most [`NEAR_BLACK`]) that nothing can be read:
    /// what GDI returns for a DirectX flip-model or exclusive full-screen game, and for a protected window.
    Black,
    /// One colour (not black) all over.
    Flat([u8; 3]),
    /// No pixels.
    Empty,
}

/// The brightest channel value a "black" frame may have: the dithered black of a scaled or video frame.
pub const NEAR_BLACK: u8 = 4;

/// Classifies a whole captured screen or window (see [`FrameLook`]).
pub fn look(image: &RgbaImage) -> FrameLook {
    if image.width() == 0 || image.height() == 0 {
        return FrameLook::Empty;
    }
    if image
        .pixels()
        .all(|p| p.0[..3].iter().all(|&c| c <= NEAR_BLACK))
    {
        return FrameLook::Black;
    }
    match one_colour(image) {
        Some(c) => FrameLook::Flat(c),
        None => FrameLook::Content,
    }
}

/// The part of a `frame` of a whole monitor (its pixel size) that shows `region` of the monitor at `monitor`
/// (both in desktop coordinates): on a scaled Wayland output the frame is in the output's buffer pixels, not in
/// the coordinates the desktop's monitors are listed in (xcap lists them at logical size ÷ scale), so the
/// region is scaled by the frame's size over the monitor's, and rounded outward. The same ratio is 1 on X11
/// and Windows. `None` when the region is off the monitor.
pub fn part_of(monitor: Rect, frame: (u32, u32), region: Rect) -> Option<Rect> {
    let r = monitor.intersect(&region)?;
    if monitor.width == 0 || monitor.height == 0 || frame.0 == 0 || frame.1 == 0 {
        return None;
    }
    let sx = f64::from(frame.0) / f64::from(monitor.width);
    let sy = f64::from(frame.1) / f64::from(monitor.height);
    let x0 = (f64::from(r.x - monitor.x) * sx).floor().max(0.0) as u32;
    let y0 = (f64::from(r.y - monitor.y) * sy).floor().max(0.0) as u32;
    let x1 = ((f64::from(r.x - monitor.x + r.width as i32) * sx).ceil() as u32).min(frame.0);
    let y1 = ((f64::from(r.y - monitor.y + r.height as i32) * sy).ceil() as u32).min(frame.1);
    (x1 > x0 && y1 > y0).then(|| Rect {
        x: x0 as i32,
        y: y0 as i32,
        width: x1 - x0,
        height: y1 - y0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×2 frame of `layout` whose top-left pixel is red (200, 10, 20), top-right white, bottom-left black,
    /// bottom-right blue (5, 6, 250), each with `fourth` in its unused/alpha byte, rows padded to 12 bytes.
    fn frame(layout: PixelLayout, fourth: u8) -> Vec<u8> {
        let colours = [[200, 10, 20], [255, 255, 255], [0, 0, 0], [5, 6, 250]];
        let mut data = Vec::new();
        for row in colours.chunks(2) {
            for &[r, g, b] in row {
                data.extend_from_slice(&match layout {
                    PixelLayout::Bgrx | PixelLayout::Bgra => [b, g, r, fourth],
                    PixelLayout::Rgbx | PixelLayout::Rgba => [r, g, b, fourth],
                    PixelLayout::Xrgb | PixelLayout::Argb => [fourth, r, g, b],
                    PixelLayout::Xbgr | PixelLayout::Abgr => [fourth, b, g, r],
                });
            }
            data.extend_from_slice(&[9, 9, 9, 9]);
        }
        data
    }

    fn expect_colours(img: &RgbaImage) {
        assert_eq!(img.dimensions(), (2, 2));
        assert_eq!(img.get_pixel(0, 0).0, [200, 10, 20, 255]);
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255, 255]);
        assert_eq!(img.get_pixel(0, 1).0, [0, 0, 0, 255]);
        assert_eq!(img.get_pixel(1, 1).0, [5, 6, 250, 255]);
    }

    #[test]
    fn xrgb8888_with_its_x_byte_zero_keeps_its_colours_and_is_opaque() {
        // wlroots screencopy of a pixman-rendered output: wl_shm Xrgb8888, X left 0 by the client's buffer.
        let img = opaque_from(2, 2, 12, PixelLayout::Bgrx, &frame(PixelLayout::Bgrx, 0)).unwrap();
        expect_colours(&img);
        // The same frame as big-endian X11 or PipeWire xRGB.
        let img = opaque_from(2, 2, 12, PixelLayout::Xrgb, &frame(PixelLayout::Xrgb, 0)).unwrap();
        expect_colours(&img);
    }

    #[test]
    fn premultiplied_argb_shows_the_colours_the_screen_showed() {
        // Alpha 0x80 with premultiplied colours: the screen showed these colours (over the output's black).
        for layout in [PixelLayout::Bgra, PixelLayout::Argb, PixelLayout::Abgr] {
            let img = opaque_from(2, 2, 12, layout, &frame(layout, 0x80)).unwrap();
            expect_colours(&img);
        }
    }

    #[test]
    fn rgba_and_bgra_with_any_alpha_come_out_opaque() {
        for fourth in [0, 1, 254, 255] {
            for layout in [
                PixelLayout::Rgba,
                PixelLayout::Bgra,
                PixelLayout::Rgbx,
                PixelLayout::Xbgr,
            ] {
                let img = opaque_from(2, 2, 12, layout, &frame(layout, fourth)).unwrap();
                expect_colours(&img);
            }
        }
    }

    #[test]
    fn an_rgba_capture_with_alpha_zero_is_made_opaque_in_place() {
        // What xcap 0.9.8 returns for wlroots screencopy of an Xrgb8888 buffer whose X bytes are 0.
        let mut img =
            opaque_from(2, 2, 12, PixelLayout::Rgba, &frame(PixelLayout::Rgba, 0)).unwrap();
        for p in img.pixels_mut() {
            p.0[3] = 0;
        }
        make_opaque(&mut img);
        expect_colours(&img);
        // OCR's flattening (for image files) leaves an opaque capture exactly as it is.
        let rgb = crate::ocr::preprocess::flatten_alpha(&img);
        assert_eq!(rgb.get_pixel(0, 0).0, [200, 10, 20]);
        assert_eq!(rgb.get_pixel(0, 1).0, [0, 0, 0]);
    }

    #[test]
    fn a_short_frame_is_an_error_not_a_panic() {
        let data = frame(PixelLayout::Bgrx, 0);
        assert!(opaque_from(2, 2, 12, PixelLayout::Bgrx, &data[..19]).is_err());
        // A stride shorter than a row.
        assert!(opaque_from(2, 2, 4, PixelLayout::Bgrx, &data).is_err());
        // The last row needs no padding after it.
        assert!(opaque_from(2, 2, 12, PixelLayout::Bgrx, &data[..20]).is_ok());
        assert_eq!(
            opaque_from(0, 0, 0, PixelLayout::Bgrx, &[]).map(|i| i.dimensions()),
            Ok((0, 0))
        );
    }

    #[test]
    fn one_colour_is_found_only_in_a_uniform_image() {
        let black = RgbaImage::from_pixel(40, 30, image::Rgba([0, 0, 0, 255]));
        assert_eq!(one_colour(&black), Some([0, 0, 0]));
        // All one value whatever the alpha byte says.
        let mut grey = RgbaImage::from_pixel(40, 30, image::Rgba([17, 17, 17, 0]));
        grey.put_pixel(3, 3, image::Rgba([17, 17, 17, 255]));
        assert_eq!(one_colour(&grey), Some([17, 17, 17]));
        grey.put_pixel(39, 29, image::Rgba([18, 17, 17, 255]));
        assert_eq!(one_colour(&grey), None);
        assert_eq!(one_colour(&RgbaImage::new(0, 0)), None);
    }

    #[test]
    fn frames_are_told_apart_as_content_black_or_flat() {
        let mut img = RgbaImage::from_pixel(64, 36, image::Rgba([0, 0, 0, 255]));
        assert_eq!(look(&img), FrameLook::Black);
        // Near-black noise is still black: nothing readable.
        img.put_pixel(10, 10, image::Rgba([3, 4, 2, 255]));
        assert_eq!(look(&img), FrameLook::Black);
        // One pixel brighter than that is content (a dark game with a faint line of text).
        img.put_pixel(11, 10, image::Rgba([40, 40, 40, 255]));
        assert_eq!(look(&img), FrameLook::Content);
        let white = RgbaImage::from_pixel(8, 8, image::Rgba([255, 255, 255, 0]));
        assert_eq!(look(&white), FrameLook::Flat([255, 255, 255]));
        assert_eq!(look(&RgbaImage::new(0, 5)), FrameLook::Empty);
    }

    fn r(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn a_region_maps_to_the_frame_in_its_pixels() {
        // Same pixels.
        assert_eq!(
            part_of(r(0, 0, 1280, 720), (1280, 720), r(100, 50, 300, 40)),
            Some(r(100, 50, 300, 40))
        );
        // A second monitor counts from its own corner; a region over its edge is clipped.
        assert_eq!(
            part_of(
                r(1280, 0, 1920, 1080),
                (1920, 1080),
                r(3100, 1000, 200, 200)
            ),
            Some(r(1820, 1000, 100, 80))
        );
        // A stream at half the desktop's pixels (logical size) maps onto it, rounded outward.
        assert_eq!(
            part_of(r(0, 0, 1920, 1080), (1280, 720), r(300, 151, 600, 60)),
            Some(r(200, 100, 400, 41))
        );
        assert_eq!(
            part_of(r(0, 0, 1280, 720), (1280, 720), r(2000, 0, 10, 10)),
            None
        );
        assert_eq!(part_of(r(0, 0, 1280, 720), (0, 0), r(0, 0, 10, 10)), None);
    }
}
