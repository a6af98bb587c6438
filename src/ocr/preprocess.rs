//! Preprocessing: the captured image becomes the detector's input tensor (scaled, padded to multiples of 32,
//! ImageNet-normalised BGR), and line crops are cut out of it with their rotation undone.

use image::{imageops, Rgb, RgbImage, RgbaImage};
use rten_tensor::NdTensor;

/// How the image is scaled and padded before detection.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionInputParams {
    /// Extra scale factor applied before detection (1.0 = native pixels). Values above 1 help
    /// very small text at the cost of time (quadratic).
    pub scale: f32,
    /// Images smaller than this on their shorter side are scaled up to it, in pixels.
    pub min_short_side: u32,
    /// Images are scaled down until they hold at most this many pixels (bounds detector time).
    pub max_pixels: u64,
    /// Border added on every side before detection, in pixels of the scaled image; keeps text that
    /// touches the capture's edge detectable.
    pub border: u32,
}

impl Default for DetectionInputParams {
    fn default() -> Self {
        DetectionInputParams {
            scale: 1.0,
            min_short_side: 64,
            max_pixels: 2_400_000,
            border: 8,
        }
    }
}

/// The detector's input and how to map its coordinates back to the image.
#[derive(Debug, Clone)]
pub struct DetectionInput {
    /// `[1, 3, H, W]`, BGR, ImageNet mean/std, H and W multiples of 32.
    pub tensor: NdTensor<f32, 4>,
    /// Image pixels → tensor pixels scale.
    pub scale: f32,
    /// Border (tensor pixels) before the image starts, on the left and on the top.
    pub border: u32,
    /// Size of the scaled image inside the tensor (without border and padding).
    pub scaled_size: (u32, u32),
}

impl DetectionInput {
    /// Maps a point of the tensor back to image pixels.
    pub fn to_image(&self, x: f32, y: f32) -> (f32, f32) {
        (
            (x - self.border as f32) / self.scale,
            (y - self.border as f32) / self.scale,
        )
    }
}

/// ImageNet mean and standard deviation, applied to channels in B, G, R order as PaddleOCR does.
const DET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
const DET_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// Flattens the alpha channel onto white (captures are opaque; this only matters for image files).
pub fn flatten_alpha(image: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let p = image.get_pixel(x, y).0;
        if p[3] == 255 {
            return Rgb([p[0], p[1], p[2]]);
        }
        let a = p[3] as u32;
        let blend = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

/// How much larger than [`DetectionInputParams::max_pixels`] the detector's tensor may be: its border and its
/// padding to multiples of 32. An image of a usual shape at `max_pixels` needs under 7 % more (2560×1440:
/// 2.7 %); a long thin strip (1×30000 pixels) would need many times more, and is scaled down further instead.
/// The detector's memory grows with its tensor (about 160 bytes a pixel: 400 MB for a 1920×1080 screen).
pub const PADDING_ALLOWANCE: f64 = 1.1;

/// The side of the detector's tensor for an image side of `side` pixels at `scale`: scaled, bordered, padded.
fn tensor_side(side: u32, scale: f32, border: u32) -> u64 {
    let scaled = ((side as f32 * scale).round() as u64).max(1);
    (scaled + 2 * u64::from(border)).div_ceil(32) * 32
}

/// The pixels of the detector's tensor for an image of `w`×`h` at `scale` (see [`prepare_detection`]).
pub fn tensor_pixels(w: u32, h: u32, scale: f32, border: u32) -> u64 {
    tensor_side(w, scale, border) * tensor_side(h, scale, border)
}

/// The scale the detector input gets for an image of `w`×`h`: the scaled image holds at most
/// [`DetectionInputParams::max_pixels`], and the tensor (border and padding included) at most
/// [`PADDING_ALLOWANCE`] times that, whatever the image's shape.
pub fn detection_scale(w: u32, h: u32, params: &DetectionInputParams) -> f32 {
    let mut scale = params.scale.max(0.05);
    let short = w.min(h).max(1) as f32;
    if short * scale < params.min_short_side as f32 {
        scale = params.min_short_side as f32 / short;
    }
    let pixels = w as f64 * h as f64 * (scale as f64).powi(2);
    if pixels > params.max_pixels as f64 {
        scale *= (params.max_pixels as f64 / pixels).sqrt() as f32;
    }
    let bound = (params.max_pixels as f64 * PADDING_ALLOWANCE) as u64;
    if tensor_pixels(w, h, scale, params.border) > bound {
        // The tensor only grows with the scale: the largest scale whose tensor fits, by bisection (a side of
        // one pixel is the least, at any scale).
        let (mut lo, mut hi) = (0.0f32, scale);
        for _ in 0..48 {
            let mid = (lo + hi) / 2.0;
            if tensor_pixels(w, h, mid, params.border) <= bound {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        scale = lo.max(f32::MIN_POSITIVE);
    }
    scale
}

/// Builds the detector input for `image`.
pub fn prepare_detection(image: &RgbImage, params: &DetectionInputParams) -> DetectionInput {
    let (w, h) = image.dimensions();
    let scale = detection_scale(w, h, params);
    let sw = ((w as f32 * scale).round() as u32).max(1);
    let sh = ((h as f32 * scale).round() as u32).max(1);
    let resized;
    let src = if (sw, sh) == (w, h) {
        image
    } else {
        resized = imageops::resize(image, sw, sh, imageops::FilterType::Triangle);
        &resized
    };
    let border = params.border;
    let tw = (sw + 2 * border).div_ceil(32) * 32;
    let th = (sh + 2 * border).div_ceil(32) * 32;
    // Zero in normalised space is the mean colour: a neutral padding.
    let (th, tw) = (th as usize, tw as usize);
    let mut tensor = NdTensor::<f32, 4>::zeros([1, 3, th, tw]);
    let data = tensor.data_mut().expect("a new tensor is contiguous");
    let (b, row_len) = (border as usize, sw as usize);
    for (y, row) in src.as_raw().chunks_exact(row_len * 3).enumerate() {
        // BGR order.
        for c in 0..3 {
            let start = (c * th + y + b) * tw + b;
            let (mean, std) = (DET_MEAN[c], DET_STD[c]);
            for (d, p) in data[start..start + row_len]
                .iter_mut()
                .zip(row.chunks_exact(3))
            {
                *d = (p[2 - c] as f32 / 255.0 - mean) / std;
            }
        }
    }
    DetectionInput {
        tensor,
        scale,
        border,
        scaled_size: (sw, sh),
    }
}

/// Cuts the parallelogram `origin`, `origin + u`, `origin + v` (a rotated rectangle: `u` along the text,
/// `v` downwards) out of `image` into an upright `width`×`height` crop, with bilinear sampling.
pub fn crop_rotated(
    image: &RgbImage,
    origin: (f32, f32),
    u: (f32, f32),
    v: (f32, f32),
    width: u32,
    height: u32,
) -> RgbImage {
    let (iw, ih) = (image.width() as f32, image.height() as f32);
    RgbImage::from_fn(width.max(1), height.max(1), |cx, cy| {
        let fu = (cx as f32 + 0.5) / width as f32;
        let fv = (cy as f32 + 0.5) / height as f32;
        let sx = origin.0 + fu * u.0 + fv * v.0 - 0.5;
        let sy = origin.1 + fu * u.1 + fv * v.1 - 0.5;
        let sx = sx.clamp(0.0, iw - 1.0);
        let sy = sy.clamp(0.0, ih - 1.0);
        let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
        let (x1, y1) = (
            (x0 + 1).min(image.width() - 1),
            (y0 + 1).min(image.height() - 1),
        );
        let (ax, ay) = (sx - x0 as f32, sy - y0 as f32);
        let p00 = image.get_pixel(x0, y0).0;
        let p10 = image.get_pixel(x1, y0).0;
        let p01 = image.get_pixel(x0, y1).0;
        let p11 = image.get_pixel(x1, y1).0;
        let mut out = [0u8; 3];
        for c in 0..3 {
            let top = p00[c] as f32 * (1.0 - ax) + p10[c] as f32 * ax;
            let bottom = p01[c] as f32 * (1.0 - ax) + p11[c] as f32 * ax;
            out[c] = (top * (1.0 - ay) + bottom * ay).round() as u8;
        }
        Rgb(out)
    })
}

/// Whether a crop looks like light text on a dark background: its border (mostly background) is
/// darker than its middle on average.
pub fn is_light_on_dark(crop: &RgbImage) -> bool {
    let (w, h) = crop.dimensions();
    if w < 3 || h < 3 {
        return false;
    }
    let luma = |p: &Rgb<u8>| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
    let (mut border_sum, mut border_n, mut all_sum) = (0.0f32, 0u32, 0.0f32);
    for (x, y, p) in crop.enumerate_pixels() {
        let l = luma(p);
        all_sum += l;
        if x == 0 || y == 0 || x == w - 1 || y == h - 1 {
            border_sum += l;
            border_n += 1;
        }
    }
    let border_mean = border_sum / border_n as f32;
    let mean = all_sum / (w * h) as f32;
    border_mean < mean
}

/// Inverts every channel of `crop` in place.
pub fn invert(crop: &mut RgbImage) {
    for p in crop.pixels_mut() {
        p.0 = [255 - p[0], 255 - p[1], 255 - p[2]];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rten_tensor::prelude::*;

    #[test]
    fn detection_input_is_padded_to_32_and_maps_back() {
        let img = RgbImage::from_pixel(100, 50, Rgb([255, 255, 255]));
        let params = DetectionInputParams {
            min_short_side: 0,
            ..Default::default()
        };
        let input = prepare_detection(&img, &params);
        assert_eq!(input.tensor.shape(), [1, 3, 96, 128]);
        assert_eq!(input.to_image(8.0, 8.0), (0.0, 0.0));
        // Padding is neutral, the image is white (positive after normalisation).
        assert_eq!(input.tensor[[0, 0, 0, 0]], 0.0);
        assert!(input.tensor[[0, 0, 10, 10]] > 2.0);
    }

    #[test]
    fn huge_images_are_scaled_down_tiny_ones_up() {
        let p = DetectionInputParams::default();
        let s = detection_scale(8000, 4000, &p);
        assert!((8000.0 * s) * (4000.0 * s) <= p.max_pixels as f32 * 1.01);
        assert_eq!(detection_scale(1, 1, &p), 64.0);
        assert_eq!(detection_scale(1280, 240, &p), 1.0);
    }

    #[test]
    fn the_tensor_with_its_padding_is_bounded_at_any_shape() {
        let p = DetectionInputParams::default();
        let bound = (p.max_pixels as f64 * PADDING_ALLOWANCE) as u64;
        // A 1×30000 strip: raised to the 64 px short side and padded to 32 columns, it needed 8.6 million.
        for (w, h) in [
            (1, 30000),
            (30000, 1),
            (3, 16_000_000),
            (20000, 20000),
            (4000, 4000),
        ] {
            let s = detection_scale(w, h, &p);
            assert!(s > 0.0, "{w}×{h}");
            assert!(tensor_pixels(w, h, s, p.border) <= bound, "{w}×{h} at {s}");
        }
        // Screens of usual shapes are read as before: the padding alone never shrinks them.
        for (w, h) in [
            (1920, 1080),
            (2560, 1440),
            (3840, 2160),
            (5120, 2160),
            (3440, 1440),
            (1280, 240),
            (800, 600),
            (1080, 1920),
            (6000, 500),
        ] {
            let s = detection_scale(w, h, &p);
            let pixels = w as f64 * h as f64 * (s as f64).powi(2);
            assert!(
                s == 1.0 || pixels > p.max_pixels as f64 * 0.99,
                "{w}×{h} at {s}"
            );
        }
        // The tensor prepare_detection builds is the one counted.
        let strip = RgbImage::from_pixel(1, 30000, Rgb([255, 255, 255]));
        let input = prepare_detection(&strip, &p);
        let [_, _, th, tw] = input.tensor.shape();
        assert!((th * tw) as u64 <= bound, "{th}×{tw}");
    }

    #[test]
    fn crop_undoes_rotation() {
        // A 90° rotated crop: walking u = down the image reads the first column.
        let mut img = RgbImage::new(4, 4);
        for y in 0..4 {
            img.put_pixel(0, y, Rgb([y as u8 * 60, 0, 0]));
        }
        let crop = crop_rotated(&img, (0.0, 0.0), (0.0, 4.0), (1.0, 0.0), 4, 1);
        let reds: Vec<u8> = crop.pixels().map(|p| p[0]).collect();
        assert_eq!(reds, vec![0, 60, 120, 180]);
    }

    #[test]
    fn polarity_detection() {
        let mut dark = RgbImage::from_pixel(20, 10, Rgb([10, 10, 10]));
        for x in 5..15 {
            dark.put_pixel(x, 5, Rgb([250, 250, 250]));
        }
        assert!(is_light_on_dark(&dark));
        invert(&mut dark);
        assert!(!is_light_on_dark(&dark));
    }

    #[test]
    fn alpha_is_flattened_onto_white() {
        let img = RgbaImage::from_pixel(1, 1, image::Rgba([0, 0, 0, 0]));
        assert_eq!(flatten_alpha(&img).get_pixel(0, 0).0, [255, 255, 255]);
    }
}
