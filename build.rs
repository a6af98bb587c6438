//! Embeds the pages in `ui/` into the binary, so the app needs no files besides itself and its models.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=ui");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.is_file()
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("html" | "css" | "js" | "png" | "svg")
            )
    });
    files.sort();
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
