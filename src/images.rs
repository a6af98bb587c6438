//! Bounds on images from outside ocrlay (an image file, standard input, a screen capture): the one place that
//! says how large an image may be once decoded and converted, and how large an image OCR reads.
//!
//! An image is checked from its header, before its pixels are decoded, by the bytes it takes once decoded
//! *and converted to RGBA* (a grey PNG of 20000×20000 pixels is a 439 kB file, 400 MB decoded and 1.6 GB as
//! RGBA): at most [`MAX_DECODED_BYTES`]. Images within that bound but larger than OCR can use are scaled down
//! to [`MAX_OCR_PIXELS`] as they are read (and by the engine, for captures: see
//! [`crate::ocr::load_engine`]); the detector's own input, padding included, is bounded in
//! [`crate::ocr::preprocess::detection_scale`].

use crate::files::{self, FileError};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbaImage};
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

/// The most bytes an image may take once decoded, counted as RGBA (4 bytes a pixel) or as decoded when that is
/// more (16-bit colour): 64 megapixels of 8-bit colour. The largest screens are 33 megapixels (8K), the
/// largest phone photos 50; a 12000×12000 scan (144) or a 20000×20000 "image bomb" (400) is refused.
pub const MAX_DECODED_BYTES: u64 = 256_000_000;

/// The most pixels a screen capture may have: [`MAX_DECODED_BYTES`] of RGBA.
pub const MAX_CAPTURE_PIXELS: u64 = MAX_DECODED_BYTES / 4;

/// The most pixels OCR reads of an image; larger ones are scaled down to it first. The detector reads at most
/// 2.4 megapixels (`DetectionInputParams::max_pixels`) and the recogniser cuts its lines from the image OCR
/// reads: 16 megapixels keep a 4K (8.3) or 5K (14.7) screen at full size, where the smallest text is, and
/// bound OCR's copies of the image (RGBA, RGB, the last frame kept) to about 160 MB.
pub const MAX_OCR_PIXELS: u64 = 16_000_000;

/// An image too large to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the image is {width}×{height} pixels ({:.1} megapixels); ocrlay reads images of up to {:.1} megapixels \
     (of this colour depth): scale it down or cut out the part with the text",
    megapixels(u64::from(*width) * u64::from(*height)),
    megapixels(*limit_pixels)
)]
pub struct TooLarge {
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// The most pixels read of an image of its colour depth.
    pub limit_pixels: u64,
}

fn megapixels(pixels: u64) -> f64 {
    pixels as f64 / 1e6
}

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageReadError {
    /// The file was not read (missing, not a regular file, too large).
    #[error(transparent)]
    File(#[from] FileError),
    /// Too many pixels (from its header: nothing was decoded).
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// Not an image of a format ocrlay reads, or a damaged one.
    #[error("it is not an image ocrlay can read (PNG, JPEG, BMP or WebP): {0}")]
    Decode(image::ImageError),
}

/// A decoded image, scaled down to [`MAX_OCR_PIXELS`] when it was larger.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels.
    pub image: RgbaImage,
    /// The size of the image as it was stored.
    pub source_size: (u32, u32),
}

impl Decoded {
    /// Pixels of the stored image per pixel of [`Decoded::image`], across and down (1 when it was not scaled
    /// down).
    pub fn scale_to_source(&self) -> (f32, f32) {
        (
            self.source_size.0 as f32 / self.image.width().max(1) as f32,
            self.source_size.1 as f32 / self.image.height().max(1) as f32,
        )
    }
}

/// Refuses an image of `width`×`height` pixels of `bytes_per_pixel` once decoded, when it would take more than
/// [`MAX_DECODED_BYTES`] as decoded or as RGBA.
pub fn check(width: u32, height: u32, bytes_per_pixel: u64) -> Result<(), TooLarge> {
    let per_pixel = bytes_per_pixel.max(4);
    let limit_pixels = MAX_DECODED_BYTES / per_pixel;
    if u64::from(width) * u64::from(height) > limit_pixels {
        return Err(TooLarge {
            width,
            height,
            limit_pixels,
        });
    }
    Ok(())
}

/// The size an image of `width`×`height` is scaled to so that it holds at most `max_pixels` (its own size when
/// it does already); the sides keep their ratio as far as whole pixels allow, and are at least 1.
pub fn fit_size(width: u32, height: u32, max_pixels: u64) -> (u32, u32) {
    let pixels = u64::from(width) * u64::from(height);
    if pixels <= max_pixels {
        return (width, height);
    }
    let scale = (max_pixels as f64 / pixels as f64).sqrt();
    let w = ((f64::from(width) * scale).floor() as u64).clamp(1, max_pixels.max(1));
    let h = ((f64::from(height) * scale).floor() as u64).clamp(1, (max_pixels / w).max(1));
    (w as u32, h as u32)
}

/// `image` scaled down to at most [`MAX_OCR_PIXELS`] (box filter: each source pixel counts once), or `None`
/// when it is small enough already.
pub fn fit_for_ocr(image: &RgbaImage) -> Option<RgbaImage> {
    let (w, h) = fit_size(image.width(), image.height(), MAX_OCR_PIXELS);
    ((w, h) != image.dimensions()).then(|| image::imageops::thumbnail(image, w, h))
}

/// Decodes an image (PNG, JPEG, BMP or WebP, told from its first bytes) when it fits [`check`], scaled down to
/// [`MAX_OCR_PIXELS`] before it is converted to RGBA.
pub fn decode(reader: impl BufRead + Seek) -> Result<Decoded, ImageReadError> {
    let mut reader = ImageReader::new(reader)
        .with_guessed_format()
        .map_err(|e| ImageReadError::Decode(e.into()))?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(ImageReadError::Decode)?;
    let (width, height) = decoder.dimensions();
    check(
        width,
        height,
        u64::from(decoder.color_type().bytes_per_pixel()),
    )?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        // The decoder's own bound, met after all (a header that lied): said with the sizes.
        image::ImageError::Limits(_) => ImageReadError::TooLarge(TooLarge {
            width,
            height,
            limit_pixels: MAX_DECODED_BYTES / 8,
        }),
        e => ImageReadError::Decode(e),
    })?;
    let (w, h) = fit_size(width, height, MAX_OCR_PIXELS);
    let image = if (w, h) == (width, height) {
        image.into_rgba8()
    } else {
        // Scaled in its own colour type, then converted: the RGBA copy is of the smaller image.
        image.thumbnail_exact(w, h).into_rgba8()
    };
    Ok(Decoded {
        image,
        source_size: (width, height),
    })
}

/// Reads an image file (a regular file of at most [`files::IMAGE_MAX_BYTES`]; see [`decode`]).
pub fn read_file(path: &Path) -> Result<Decoded, ImageReadError> {
    let file = files::open(path, files::IMAGE_MAX_BYTES)?;
    decode(BufReader::new(file))
}

/// Reads an image from a stream such as standard input (at most [`files::IMAGE_MAX_BYTES`]; see [`decode`]).
pub fn read_stream(stream: impl Read) -> Result<Decoded, ImageReadError> {
    let bytes = files::read_at_most(stream, files::IMAGE_MAX_BYTES)?;
    decode(Cursor::new(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(img: DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn the_bound_counts_pixels_after_conversion_to_rgba() {
        // 8000×8000 grey is 64 MB as stored and 256 MB as RGBA: the most read.
        assert!(check(8000, 8000, 1).is_ok());
        let e = check(8001, 8000, 1).unwrap_err();
        assert_eq!(e.limit_pixels, 64_000_000);
        // 16-bit RGBA takes 8 bytes a pixel as decoded: half as many.
        assert_eq!(check(8000, 8000, 8).unwrap_err().limit_pixels, 32_000_000);
        let words = check(20000, 20000, 1).unwrap_err().to_string();
        assert!(
            words.contains("20000×20000") && words.contains("400.0") && words.contains("64.0"),
            "{words}"
        );
        // No overflow at the extremes.
        assert!(check(u32::MAX, u32::MAX, 16).is_err());
    }

    #[test]
    fn sizes_fit_the_bound_at_any_aspect_ratio() {
        assert_eq!(fit_size(640, 480, 16_000_000), (640, 480));
        let (w, h) = fit_size(8000, 6000, 16_000_000);
        assert!(
            u64::from(w) * u64::from(h) <= 16_000_000 && w > 4600,
            "{w}×{h}"
        );
        for (w0, h0) in [
            (1, 64_000_000),
            (64_000_000, 1),
            (3, 50_000_000),
            (u32::MAX, 2),
        ] {
            let (w, h) = fit_size(w0, h0, 16_000_000);
            assert!(
                w >= 1 && h >= 1 && u64::from(w) * u64::from(h) <= 16_000_000,
                "{w0}×{h0} → {w}×{h}"
            );
        }
    }

    #[test]
    fn a_bomb_is_refused_from_its_header_before_decoding() {
        // A 20000×20000 PNG header (IHDR) with no pixel data at all: only the header can have been read.
        let mut bytes = png(DynamicImage::new_luma8(1, 1));
        bytes[16..20].copy_from_slice(&20000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&20000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        match decode(Cursor::new(bytes)) {
            Err(ImageReadError::TooLarge(e)) => assert_eq!((e.width, e.height), (20000, 20000)),
            other => panic!("{other:?}"),
        }
    }

    /// CRC-32 of a PNG chunk (type and data), bit by bit: a test needs one chunk.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_large_image_is_read_scaled_down_to_what_ocr_reads() {
        let big = DynamicImage::new_luma8(5000, 4000);
        let decoded = decode(Cursor::new(png(big))).unwrap();
        let (w, h) = decoded.image.dimensions();
        assert!(u64::from(w) * u64::from(h) <= MAX_OCR_PIXELS, "{w}×{h}");
        assert_eq!(decoded.source_size, (5000, 4000));
        let (sx, sy) = decoded.scale_to_source();
        assert!((sx - 5000.0 / w as f32).abs() < 1e-6 && (sy - 4000.0 / h as f32).abs() < 1e-6);
        let small = decode(Cursor::new(png(DynamicImage::new_rgb8(30, 20)))).unwrap();
        assert_eq!(small.image.dimensions(), (30, 20));
        assert_eq!(small.scale_to_source(), (1.0, 1.0));
    }

    #[test]
    fn not_an_image_is_a_decode_error() {
        assert!(matches!(
            decode(Cursor::new(b"hello".to_vec())),
            Err(ImageReadError::Decode(_))
        ));
    }

    #[test]
    fn a_capture_is_fitted_for_ocr_only_when_larger() {
        assert!(fit_for_ocr(&RgbaImage::new(100, 100)).is_none());
        let fitted = fit_for_ocr(&RgbaImage::new(1, 20_000_000)).unwrap();
        assert!(u64::from(fitted.width()) * u64::from(fitted.height()) <= MAX_OCR_PIXELS);
    }
}
