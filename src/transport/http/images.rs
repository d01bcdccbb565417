//! A question's image, uploaded from the quiz editor. No file is ever served as it was sent:
//! the size in pixels is read from the header and capped before anything is decoded, the
//! image is decoded (PNG or JPEG only), scaled down to what a projector shows, and encoded
//! again; only that copy is stored and served (`/bank-images/…`, see `assets::bank_image`).

use std::io::Cursor;

use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use image::{ImageFormat, ImageReader, Limits};
use serde::Serialize;

use super::access::require;
use super::auth::CurrentAccount;
use super::error::{ApiResult, Refusal};
use super::uploads::off_runtime;
use crate::domain::access::{Action, Target};
use crate::domain::authoring::own_bank_id;
use crate::transport::assets::IMAGE_BASE;
use crate::transport::AppState;

/// The largest upload: a phone's photo.
const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The most pixels decoded: a 16-megapixel photo takes 64 MB as RGBA while it is scaled.
const MAX_PIXELS: u64 = 16_000_000;
/// The longest side kept: a projector is 1280 or 1920 wide, and the image shares the screen
/// with the question.
const MAX_SIDE: u32 = 1280;
/// Images one account may upload (each at most a few hundred kB once re-encoded).
const MAX_IMAGES: usize = 500;

/// An image as stored: its bytes, its content type and its file extension.
#[derive(Debug)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// Decodes `bytes` (PNG or JPEG) within the caps and encodes it again, scaled down to at most
/// [`MAX_SIDE`] on its longest side. A PNG stays a PNG (a diagram keeps its sharp edges and
/// transparency), a JPEG stays a JPEG (a photo stays small).
pub fn reencode(bytes: &[u8]) -> Result<Encoded, Refusal> {
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| Refusal::UnreadableImage)
    };
    let format = reader()?.format();
    if !matches!(format, Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(Refusal::UnreadableImage);
    }
    // The header alone: a small file may claim a huge canvas (a decompression bomb).
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|_| Refusal::UnreadableImage)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal::ImageTooLarge {
            megapixels: MAX_PIXELS / 1_000_000,
        });
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 16 * 1024 * 1024);
    let mut decoder = reader()?;
    decoder.limits(limits);
    let image = decoder.decode().map_err(|_| Refusal::UnreadableImage)?;
    let image = if width > MAX_SIDE || height > MAX_SIDE {
        image.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let mut out = Vec::new();
    if format == Some(ImageFormat::Png) {
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| Refusal::UnreadableImage)?;
        Ok(Encoded {
            bytes: out,
            content_type: "image/png",
            extension: "png",
        })
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&image.to_rgb8())
            .map_err(|_| Refusal::UnreadableImage)?;
        Ok(Encoded {
            bytes: out,
            content_type: "image/jpeg",
            extension: "jpg",
        })
    }
}

/// `POST /api/images`: the image stored, by the name a question gives in `image`, and where
/// it is served.
#[derive(Serialize)]
pub struct Uploaded {
    name: String,
    url: String,
}

pub async fn upload(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Uploaded>> {
    require(&account, Action::EditQuiz, Target::OwnedBy(account.id))?;
    if state.store().images_of(account.id).await?.len() >= MAX_IMAGES {
        return Err(Refusal::TooManyImages { cap: MAX_IMAGES }.into());
    }
    let (bytes, _turn) = state
        .imports()
        .read_bytes(MAX_UPLOAD_BYTES, &headers, body)
        .await?;
    let encoded = off_runtime(move || reencode(&bytes)).await??;
    let name = format!(
        "u-{:020x}.{}",
        rand::random::<u128>() >> 48,
        encoded.extension
    );
    state
        .store()
        .save_image(&name, account.id, encoded.content_type, &encoded.bytes)
        .await?;
    Ok(Json(Uploaded {
        url: format!("{IMAGE_BASE}/{}/{name}", own_bank_id(account.id)),
        name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbaImage::from_pixel(width, height, Rgba([200, 30, 30, 128]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgba8)
            .unwrap();
        out
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, Rgb([20, 120, 200]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&img)
            .unwrap();
        out
    }

    fn size_of(bytes: &[u8]) -> (u32, u32) {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap()
    }

    #[test]
    fn a_png_stays_a_png_and_a_jpeg_a_jpeg_and_neither_is_the_file_sent() {
        let sent = png(40, 30);
        let png_out = reencode(&sent).unwrap();
        assert_eq!(png_out.content_type, "image/png");
        assert_eq!(size_of(&png_out.bytes), (40, 30));
        let jpeg_out = reencode(&jpeg(64, 48)).unwrap();
        assert_eq!(
            (jpeg_out.content_type, jpeg_out.extension),
            ("image/jpeg", "jpg")
        );
        assert_eq!(size_of(&jpeg_out.bytes), (64, 48));
        // Anything after the image's end (a script, another file) does not survive.
        let mut with_tail = sent.clone();
        with_tail.extend_from_slice(b"<script>alert(1)</script>");
        let cleaned = reencode(&with_tail).unwrap();
        assert!(!cleaned.bytes.windows(8).any(|w| w == b"<script>"));
    }

    #[test]
    fn a_large_image_is_scaled_to_the_projector() {
        let out = reencode(&jpeg(2560, 1440)).unwrap();
        assert_eq!(size_of(&out.bytes), (1280, 720));
    }

    #[test]
    fn a_canvas_over_the_cap_is_refused_before_it_is_decoded() {
        // A 5000 × 4000 PNG of one colour compresses to a few kB: the header decides.
        let bomb = png(5000, 4000);
        assert!(bomb.len() < MAX_UPLOAD_BYTES);
        assert_eq!(
            reencode(&bomb).unwrap_err(),
            Refusal::ImageTooLarge { megapixels: 16 }
        );
    }

    #[test]
    fn what_is_not_a_png_or_jpeg_is_refused() {
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec();
        let mut cut = png(40, 30);
        cut.truncate(60);
        for bad in [gif, svg, cut, Vec::new()] {
            assert_eq!(reencode(&bad).unwrap_err(), Refusal::UnreadableImage);
        }
    }
}
