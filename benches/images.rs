//! A question's image from the quiz editor: what one upload costs the server's blocking
//! thread (`transport::http::images::reencode`) for a phone's photo, the largest one taken, and
//! a diagram already the projector's size.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hoithi::transport::http::images::reencode;
use image::{ImageEncoder, Rgb, RgbImage};

/// A photo-like picture: gradients with noise, so JPEG and PNG work as on a real photo.
fn picture(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed & 31) as u8;
        Rgb([
            (x * 255 / width) as u8 ^ n,
            (y * 255 / height) as u8 ^ n,
            ((x + y) % 256) as u8,
        ])
    })
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&picture(width, height))
        .unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = picture(width, height);
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn images(c: &mut Criterion) {
    let photo = jpeg(4000, 3000);
    let largest = jpeg(4608, 3456);
    let diagram = png(1280, 720);
    c.bench_function("reencode_jpeg_12mp", |b| {
        b.iter(|| reencode(black_box(&photo)).unwrap())
    });
    c.bench_function("reencode_jpeg_16mp", |b| {
        b.iter(|| reencode(black_box(&largest)).unwrap())
    });
    c.bench_function("reencode_png_1280x720", |b| {
        b.iter(|| reencode(black_box(&diagram)).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = common::quick().sample_size(10);
    targets = images
}
criterion_main!(benches);
