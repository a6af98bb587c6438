//! The `ocrlay` command: argument parsing and logging. The work is done by the library.

#![deny(clippy::all)]
// On Windows the app is a GUI program: started from Explorer it opens no console window. The subcommands
// print through the console of the cmd/PowerShell they were started from (`cli::console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Screen-OCR overlay translator: read text on screen locally and translate it with the LLM provider you pick.
///
/// Without a subcommand, starts the app: Alt+Q selects a region and translates it.
#[derive(Debug, Parser)]
#[command(name = "ocrlay", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every translation provider ocrlay knows.
    Providers(cli::providers::ProvidersArgs),
    /// Translate TEXT (or standard input) with a provider and stream the result to standard output.
    Translate(cli::translate::TranslateArgs),
    /// Send a tiny real request to a provider and report its latency or the precise error.
    ProviderTest(cli::providers::ProviderTestArgs),
    /// List the models a provider's server offers (GET …/models).
    Models(cli::providers::ModelsArgs),
    /// Recognise the text in an image file or a part of the screen.
    Ocr(cli::ocr::OcrArgs),
    /// Show the settings of the running ocrlay (starts ocrlay with them if none runs).
    Settings,
    /// Ask the running ocrlay to do what a hotkey does (bind this in the desktop's keyboard settings where
    /// ocrlay's own hotkeys do not reach, e.g. on Wayland): select, retranslate, auto, hide, settings, lock,
    /// unlock, slot-1 … slot-4.
    Trigger(cli::trigger::TriggerArgs),
}

fn main() -> ExitCode {
    cli::console::attach();
    let cli = Cli::parse();
    // The app tells what it is doing (start-up, timings) at info; commands stay quiet but for warnings.
    let app = matches!(cli.command, None | Some(Command::Settings));
    init_logging(if app { "warn,ocrlay=info" } else { "warn" }, app);
    let result = match cli.command {
        None => cli::run_app(),
        Some(Command::Providers(args)) => cli::providers::list(args),
        Some(Command::Translate(args)) => cli::translate::run(args),
        Some(Command::ProviderTest(args)) => cli::providers::test(args),
        Some(Command::Models(args)) => cli::providers::models(args),
        Some(Command::Ocr(args)) => cli::ocr::run(args),
        Some(Command::Settings) => cli::settings(),
        Some(Command::Trigger(args)) => cli::trigger::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if app {
                // Started from Explorer or a shortcut, nobody reads stderr: say it in a box (Windows).
                ocrlay::app::os::show_fatal(&format!("{e:#}"));
            }
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr; `RUST_LOG=debug` shows every stage with its duration. The Windows app, started from
/// Explorer, has no stderr anyone reads: its log also goes to `ocrlay.log` in the data folder (new each start).
fn init_logging(default: &str, app: bool) {
    use tracing_subscriber::fmt::writer::MakeWriterExt;
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // xcap's wlroots screencopy (libwayshot) logs an ERROR for every wl_output global it skips, hundreds a
    // capture on sway, none of which is ocrlay's or the user's problem (a failed capture is reported as such).
    if !std::env::var("RUST_LOG").is_ok_and(|v| v.contains("libwayshot")) {
        if let Ok(quiet) = "libwayshot_xcap=off".parse() {
            filter = filter.add_directive(quiet);
        }
    }
    let file = (app && cfg!(windows))
        .then(|| {
            let dir = ocrlay::paths::Places::current().data_dir;
            std::fs::create_dir_all(&dir).ok()?;
            std::fs::File::create(dir.join("ocrlay.log")).ok()
        })
        .flatten();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    match file {
        Some(f) => builder
            .with_ansi(false)
            .with_writer(std::io::stderr.and(std::sync::Mutex::new(f)))
            .init(),
        None => builder.with_writer(std::io::stderr).init(),
    }
}
