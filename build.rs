//! Embeds the pages in `ui/` into the binary, so the app needs no files besides itself and its models.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=ui");
    // The manifest directory of this build, read when the script runs: `env!` would bake in the directory
    // the script was compiled for, and a target directory shared between checkouts (worktrees) reuses the
    // compiled script for another checkout; when the first one is gone, the pages were silently left out.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("ui");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the pages in {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.retain(|p| {
        p.is_file()
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("html" | "css" | "js" | "png" | "svg")
            )
    });
    files.sort();
    assert!(
        files.iter().any(|p| p.ends_with("overlay.html")),
        "{} holds no overlay.html: a binary without its pages shows blank windows",
        dir.display()
    );
    let mut out =
        String::from("/// Files of `ui/`, by name.\npub static UI_FILES: &[(&str, &[u8])] = &[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("ui_files.rs");
    std::fs::write(dest, out).unwrap();
}
