//! HDR frames made readable: Windows.Graphics.Capture hands over an HDR monitor (and, asked for it, any monitor
//! or window) as `Rgba16F` — half floats, scRGB: linear light, the sRGB primaries, 1.0 the white of an SDR
//! screen (80 nits), values above 1.0 the highlights an HDR screen shows brighter. OCR and the region selector
//! need 8-bit sRGB. Clamping at 1.0 is what makes HDR captures "washed out": every highlight, white text and
//! bright background alike, becomes 255 and the text is gone.
//!
//! The tone map keeps SDR content as it is and compresses only highlights:
//! - a frame with nothing brighter than SDR white is encoded as sRGB exactly (every SDR level comes back);
//! - otherwise linear light up to [`KNEE`] (sRGB 231) is still encoded exactly, and from there to the frame's
//!   peak (the brightness [`PEAK_SHARE`] of its pixels reach) it is mapped logarithmically onto the last
//!   levels, so two highlights that differ on screen (white text on a bright sky) still differ after. The few
//!   pixels above the peak (the sun, a lamp) become white.
//!
//! The map is one function of each channel's 16 bits: a 65 536-entry table per frame's peak.

use image::RgbaImage;
use std::sync::Mutex;

/// Below this (relative to the white level) linear light is encoded as sRGB exactly; above it highlights are
/// compressed. 0.8 keeps every SDR level up to sRGB 231 untouched.
pub const KNEE: f32 = 0.8;

/// The share of a frame's pixels allowed above its peak: a small, very bright spot does not squeeze the
/// highlights where text is.
pub const PEAK_SHARE: f64 = 0.001;

/// How an scRGB frame is brought to 8-bit sRGB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToneMapParams {
    /// The scRGB value shown as SDR white (1.0: 80 nits; Windows' "SDR content brightness" slider puts SDR
    /// white at 1.0–6.0). Values are divided by it before the curve. Must be > 0.
    pub white: f32,
}

impl Default for ToneMapParams {
    fn default() -> Self {
        ToneMapParams { white: 1.0 }
    }
}

/// An IEEE 754 half float (its 16 bits) as an `f32`.
pub fn f16_to_f32(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let man = f32::from(bits & 0x3ff);
    match exp {
        0 => sign * man * 2f32.powi(-24),
        31 if man == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        _ => sign * (1.0 + man / 1024.0) * 2f32.powi(exp - 15),
    }
}

/// The sRGB transfer function: linear 0…1 → encoded 0…1.
fn srgb_encode(l: f32) -> f32 {
    if l <= 0.003_130_8 {
        12.92 * l
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    }
}

/// One channel of linear light (scRGB divided by the white level) → 8-bit sRGB, for a frame whose peak (same
/// units) is `peak`. Negative values (colours outside sRGB) and NaN are black.
pub fn map_channel(linear: f32, peak: f32) -> u8 {
    if linear.is_nan() || linear <= 0.0 {
        return 0;
    }
    let compressed = if linear <= KNEE || peak <= 1.0 {
        linear
    } else {
        // Logarithmic from the knee (continuous there) to the peak, which becomes white.
        KNEE + (1.0 - KNEE) * (linear / KNEE).ln() / (peak / KNEE).ln()
    };
    (srgb_encode(compressed.min(1.0)) * 255.0).round() as u8
}

/// The table of [`map_channel`] for every half float.
fn table(white: f32, peak: f32) -> Vec<u8> {
    (0..=u16::MAX)
        .map(|bits| map_channel(f16_to_f32(bits) / white, peak))
        .collect()
}

/// A table of [`map_channel`] and what it was built for (the bits of the white level and of the peak).
type Table = ((u32, u32), Vec<u8>);

/// The brightest channel value (as half-float bits, which order like the values they hold for non-negative
/// finite numbers) that more than [`PEAK_SHARE`] of the pixels reach.
fn peak_bits(pixels: impl Iterator<Item = u16>, count: usize) -> u16 {
    let mut histogram = vec![0u32; 0x7c00];
    for bits in pixels {
        if bits < 0x7c00 {
            histogram[usize::from(bits)] += 1;
        } else if bits & 0x8000 == 0 {
            histogram[0x7bff] += 1;
        }
    }
    let allowed = (count as f64 * PEAK_SHARE) as u64;
    let mut above = 0u64;
    for bits in (0..0x7c00usize).rev() {
        above += u64::from(histogram[bits]);
        if above > allowed {
            return bits as u16;
        }
    }
    0
}

/// An opaque 8-bit sRGB image from an `Rgba16F` frame: `width`×`height` pixels of four little-endian half
/// floats (R, G, B, A), `stride` bytes from one row to the next. Alpha is ignored (a screen is opaque).
pub fn tone_map(
    width: u32,
    height: u32,
    stride: usize,
    data: &[u8],
    params: ToneMapParams,
) -> Result<RgbaImage, super::ShortFrame> {
    let row = width as usize * 8;
    let needed = match height {
        0 => 0,
        h => stride.saturating_mul(h as usize - 1).saturating_add(row),
    };
    if stride < row || data.len() < needed {
        return Err(super::ShortFrame {
            width,
            height,
            stride,
            len: data.len(),
        });
    }
    let mut out = RgbaImage::new(width, height);
    if row == 0 {
        return Ok(out);
    }
    let rows = || {
        data.chunks(stride.max(1))
            .take(height as usize)
            .map(|r| &r[..row])
    };
    let half = |s: &[u8], i: usize| u16::from_le_bytes([s[i], s[i + 1]]);
    // The brightest channel of each pixel (a negative one counts as 0).
    let brightest = rows().flat_map(|r| r.chunks_exact(8)).map(|s| {
        [half(s, 0), half(s, 2), half(s, 4)]
            .into_iter()
            .map(|b| if b & 0x8000 != 0 { 0 } else { b })
            .max()
            .unwrap_or(0)
    });
    let white = if params.white > 0.0 {
        params.white
    } else {
        1.0
    };
    let peak = f16_to_f32(peak_bits(brightest, width as usize * height as usize)) / white;
    // The last table is kept: a session's frames mostly share their peak.
    static LAST: Mutex<Option<Table>> = Mutex::new(None);
    let key = (white.to_bits(), peak.max(1.0).to_bits());
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if last.as_ref().is_none_or(|(k, _)| *k != key) {
        *last = Some((key, table(white, peak)));
    }
    let lut = &last.as_ref().expect("set above").1;
    for (dst, src) in out.chunks_exact_mut(width as usize * 4).zip(rows()) {
        for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(8)) {
            let c = |i| lut[usize::from(half(s, i))];
            d.copy_from_slice(&[c(0), c(2), c(4), 255]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `f32` as the nearest half float (normal and subnormal ranges; what a GPU writes into `Rgba16F`).
    fn f32_to_f16(v: f32) -> u16 {
        // Search the finite halves for the nearest: slow, exact, and independent of the decoder's shortcuts.
        let mut best = 0u16;
        let mut err = f32::INFINITY;
        for bits in 0..0x7c00u16 {
            let e = (f16_to_f32(bits) - v.abs()).abs();
            if e < err {
                err = e;
                best = bits;
            }
        }
        if v < 0.0 {
            best | 0x8000
        } else {
            best
        }
    }

    /// sRGB 8-bit → linear light.
    fn srgb_decode(c: u8) -> f32 {
        let c = f32::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// An `Rgba16F` frame of `w`×`h` whose pixels are `f(x, y)` (linear R, G, B), rows padded by 16 bytes.
    fn frame(w: u32, h: u32, f: impl Fn(u32, u32) -> [f32; 3]) -> (usize, Vec<u8>) {
        let stride = w as usize * 8 + 16;
        let mut data = vec![0u8; stride * h as usize];
        let mut cache = std::collections::HashMap::new();
        for y in 0..h {
            for x in 0..w {
                let rgb = f(x, y);
                let at = y as usize * stride + x as usize * 8;
                for (i, c) in rgb.into_iter().chain([1.0]).enumerate() {
                    let bits = *cache.entry(c.to_bits()).or_insert_with(|| f32_to_f16(c));
                    data[at + i * 2..at + i * 2 + 2].copy_from_slice(&bits.to_le_bytes());
                }
            }
        }
        (stride, data)
    }

    #[test]
    fn half_floats_decode() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0x4000), 2.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3800), 0.5);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn sdr_content_comes_back_as_it_was() {
        // Every SDR level through linear half floats (what WGC hands over for SDR content) and back, in a frame
        // with nothing brighter than SDR white: exactly.
        let (stride, data) = frame(256, 1, |x, _| [srgb_decode(x as u8); 3]);
        let img = tone_map(256, 1, stride, &data, ToneMapParams::default()).unwrap();
        for (x, _, p) in img.enumerate_pixels() {
            assert_eq!(p.0, [x as u8, x as u8, x as u8, 255]);
        }
        // With highlights in the frame, SDR levels up to the knee still come back exactly, and above it they
        // keep their order.
        let mut last = 0;
        for c in 0..=255u8 {
            let back = map_channel(f16_to_f32(f32_to_f16(srgb_decode(c))), 6.0);
            if c <= 231 {
                assert_eq!(back, c, "level {c}");
            }
            assert!(back >= last);
            last = back;
        }
    }

    #[test]
    fn the_curve_keeps_order_up_to_the_peak_and_the_peak_is_white() {
        for peak in [1.5f32, 6.0, 40.0] {
            let mut last = 0u8;
            let mut distinct = 0;
            for i in 0..=1000 {
                let v = peak * (i as f32 / 1000.0).powi(3);
                let m = map_channel(v, peak);
                assert!(m >= last, "{v} mapped below a darker value (peak {peak})");
                distinct += usize::from(m != last);
                last = m;
            }
            assert_eq!(map_channel(peak, peak), 255);
            assert!(distinct > 100, "{distinct}");
        }
        // Highlights below the peak spread over the last levels, never all 255.
        assert!(map_channel(2.0, 10.0) < map_channel(4.0, 10.0));
        assert!(map_channel(4.0, 10.0) < map_channel(8.0, 10.0));
        assert_eq!(map_channel(-0.2, 6.0), 0);
        assert_eq!(map_channel(f32::NAN, 6.0), 0);
        assert_eq!(map_channel(f32::INFINITY, 6.0), 255);
    }

    fn luma(p: [u8; 4]) -> f32 {
        0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
    }

    #[test]
    fn white_text_on_a_bright_background_stays_readable() {
        // A dialogue box of an HDR game: a bright sky-blue background at about 2.4× SDR white, white text at 6×
        // (a one-pixel stroke every fourth column), and one pixel of sun at 100× that must not squeeze them.
        let (stride, data) = frame(64, 32, |x, y| match (x, y) {
            (63, 31) => [100.0; 3],
            (x, _) if x % 4 == 0 => [6.0; 3],
            _ => [1.8, 2.4, 2.6],
        });
        let img = tone_map(64, 32, stride, &data, ToneMapParams::default()).unwrap();
        let text = img.get_pixel(0, 3).0;
        let back = img.get_pixel(1, 3).0;
        assert_eq!(text[3], 255);
        // Clamping would make both white: no text at all.
        let naive = |v: f32| (srgb_encode(v.min(1.0)) * 255.0).round() as u8;
        assert_eq!([naive(6.0), naive(1.8)], [255, 255]);
        // Mapped, the text is brighter than the background by a margin OCR binarises on.
        assert!(
            luma(text) - luma(back) >= 8.0,
            "text {text:?} background {back:?}"
        );
        // The strokes are sharp: every text pixel one colour, every background pixel another.
        assert!(img
            .enumerate_pixels()
            .filter(|(x, y, _)| (*x, *y) != (63, 31))
            .all(|(x, _, p)| p.0 == if x % 4 == 0 { text } else { back }));
    }

    #[test]
    fn dark_text_on_a_bright_background_keeps_its_contrast() {
        // Black text on a highlight-white page (an HDR browser): as dark as it was, the page white.
        let (stride, data) = frame(16, 4, |x, _| if x % 4 == 0 { [0.01; 3] } else { [4.0; 3] });
        let img = tone_map(16, 4, stride, &data, ToneMapParams::default()).unwrap();
        assert!(luma(img.get_pixel(0, 0).0) < 30.0);
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255, 255]);
    }

    #[test]
    fn a_white_level_above_one_brings_sdr_white_to_white() {
        // Windows with "SDR content brightness" at 240 nits: SDR white is 3.0 in scRGB.
        let p = ToneMapParams { white: 3.0 };
        let (stride, data) = frame(2, 1, |x, _| if x == 0 { [3.0; 3] } else { [0.6; 3] });
        let img = tone_map(2, 1, stride, &data, p).unwrap();
        // SDR white shows white; a mid grey (0.2 of white) shows as sRGB's 0.2 (124).
        assert_eq!(img.get_pixel(0, 0).0[..3], [255, 255, 255]);
        assert_eq!(img.get_pixel(1, 0).0[..3], [124, 124, 124]);
        // At the default white level 0.6 is sRGB 203.
        let img = tone_map(2, 1, stride, &data, ToneMapParams::default()).unwrap();
        assert_eq!(img.get_pixel(1, 0).0[0], 203);
    }

    #[test]
    fn a_short_hdr_frame_is_an_error() {
        let (stride, data) = frame(4, 2, |_, _| [0.5; 3]);
        assert!(tone_map(4, 2, stride, &data[..stride + 31], ToneMapParams::default()).is_err());
        assert!(tone_map(4, 2, 16, &data, ToneMapParams::default()).is_err());
        assert!(tone_map(4, 2, stride, &data[..stride + 32], ToneMapParams::default()).is_ok());
    }
}
