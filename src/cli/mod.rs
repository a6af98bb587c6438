//! Subcommands of the `ocrlay` binary: argument parsing and output only, the work is in the library.

pub mod console;
pub mod ocr;
pub mod providers;
pub mod translate;
pub mod trigger;

use anyhow::Context;
use ocrlay::config;

/// Loads the settings file, printing its warnings to stderr.
pub fn load_settings() -> anyhow::Result<config::Loaded> {
    let path = config::default_path().context("finding the settings file")?;
    let loaded = config::load(&path);
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
    ocrlay::capture::set_method(loaded.settings.capture.method);
    Ok(loaded)
}

/// A tokio runtime for one command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Starts the desktop app with the settings file.
pub fn run_app() -> anyhow::Result<()> {
    let path = config::default_path().context("finding the settings file")?;
    ocrlay::app::run(path, ocrlay::app::RunOptions::default())
}

/// `ocrlay settings`: the running ocrlay shows its settings; where none runs, this starts the app with them.
pub fn settings() -> anyhow::Result<()> {
    use ocrlay::app::instance;
    let path = config::default_path().context("finding the settings file")?;
    if instance::ask_running(&path, instance::Request::ShowSettings).unwrap_or(false) {
        println!("The settings of the running ocrlay are in front now.");
        return Ok(());
    }
    ocrlay::app::run(
        path,
        ocrlay::app::RunOptions {
            show_settings: true,
        },
    )
}
