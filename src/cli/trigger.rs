//! `ocrlay trigger ACTION`: asks the running ocrlay to do what a hotkey or the tray does. For desktops where
//! ocrlay cannot grab keys (bind the command in the desktop's own keyboard settings), for scripts, and to undo a
//! state from outside (`ocrlay trigger unlock` for a locked overlay).

use anyhow::Context;
use ocrlay::app::instance::{self, Request};
use ocrlay::config;

/// The arguments of `ocrlay trigger`.
#[derive(Debug, clap::Args)]
pub struct TriggerArgs {
    /// What to do: select, retranslate, auto, hide, settings, lock, unlock, slot-1 … slot-4.
    #[arg(value_parser = parse_action)]
    pub action: Request,
}

fn parse_action(word: &str) -> Result<Request, String> {
    Request::parse(word.trim()).ok_or_else(|| {
        format!(
            "'{word}' is not an action of ocrlay trigger; it takes one of: {}",
            Request::words().join(", ")
        )
    })
}

/// Hands the request to the running instance, or says that none runs.
pub fn run(args: TriggerArgs) -> anyhow::Result<()> {
    let path = config::default_path().context("finding the settings file")?;
    let heard = instance::ask_running(&path, args.action).context("asking the running ocrlay")?;
    if !heard {
        anyhow::bail!(
            "no ocrlay is running with the settings file {}: start ocrlay first",
            path.display()
        );
    }
    Ok(())
}
