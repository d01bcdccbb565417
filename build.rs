//! Embeds `web/` and `question-banks/` into the binary, so `hoithi` runs from any directory
//! with nothing beside it. Generates `$OUT_DIR/web_assets.rs` (for `transport::assets`) and
//! `$OUT_DIR/bundled_banks.rs` (for `banks`), each a table of (relative path, bytes).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    for (name, dir, file, keep) in [
        (
            "WEB_ASSETS",
            "web",
            "web_assets.rs",
            (|_: &Path| true) as fn(&Path) -> bool,
        ),
        (
            "BUNDLED_BANKS",
            "question-banks",
            "bundled_banks.rs",
            |p: &Path| {
                // Bank files and their images; the templates and README stay out of the binary.
                !p.starts_with("templates") && p.extension().is_some_and(|e| e != "md")
            },
        ),
    ] {
        let mut out = String::new();
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        collect(&base, &base, &mut files);
        files.retain(|(rel, _)| keep(Path::new(rel)));
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for (rel, abs) in files {
            println!("cargo:rerun-if-changed={}", abs.display());
            writeln!(
                out,
                "    ({rel:?}, include_bytes!({:?})),",
                abs.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
        std::fs::write(out_dir.join(file), out).unwrap();
    }
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, path));
        }
    }
}
