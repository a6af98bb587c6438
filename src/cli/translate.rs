//! `ocrlay translate`: translate text from the command line, streaming the answer to stdout.

use anyhow::{bail, Context};
use clap::Args;
use ocrlay::lang::Lang;
use ocrlay::providers::{self, ApiKey, Endpoint, TranslateRequest};
use std::io::{Read, Write};

/// Arguments of `ocrlay translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// Provider id (see `ocrlay providers`). Default: `custom` with --url, else the first enabled provider.
    #[arg(long)]
    provider: Option<String>,
    /// API address overriding the provider's (a bare domain gets /v1/chat/completions).
    #[arg(long)]
    url: Option<String>,
    /// Model name (Doubao: the endpoint id).
    #[arg(long)]
    model: Option<String>,
    /// Proxy for this request (`127.0.0.1:7890`, `socks5://…`, or `none`).
    #[arg(long)]
    proxy: Option<String>,
    /// Source language: auto, ja, zh-CN, zh-TW, en, ko.
    #[arg(long, default_value = "auto")]
    from: Lang,
    /// Target language.
    #[arg(long, default_value = "zh-CN")]
    to: Lang,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    no_stream: bool,
    /// The text; read from standard input when absent or `-`.
    text: Option<String>,
}

/// Runs `ocrlay translate`.
pub fn run(args: TranslateArgs) -> anyhow::Result<()> {
    if args.to == Lang::Auto {
        bail!("--to cannot be auto: name the language to translate into (e.g. zh-CN)");
    }
    let settings = super::load_settings()?.settings;
    let info = match (&args.provider, &args.url) {
        (Some(id), _) => super::providers::find(id)?,
        (None, Some(_)) => providers::find("custom").context("the catalog has no custom entry")?,
        (None, None) => *settings.enabled_providers().first().context(
            "no provider chosen: pass --provider ID (see `ocrlay providers`) or enable one in the settings",
        )?,
    };
    let mut spec = settings.endpoint_spec(info);
    if let Some(url) = args.url {
        spec.url = Some(url);
    }
    if let Some(model) = args.model {
        spec.model = Some(model);
    }
    if let Some(proxy) = args.proxy {
        spec.proxy = Some(proxy.parse()?);
    }
    if let Some(key) = std::env::var("OCRLAY_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        spec.key = Some(ApiKey::new(key));
    }
    let text = match args.text.as_deref() {
        None | Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("reading the text from standard input")?;
            s
        }
        Some(t) => t.to_string(),
    };
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if text.trim().is_empty() {
        bail!("nothing to translate: give TEXT or pipe it to standard input");
    }
    let endpoint = Endpoint::new(spec)?;
    let mut req = TranslateRequest::new(text, args.from, args.to);
    req.stream = !args.no_stream;
    req.glossary = settings.translation.glossary.clone();
    req.custom_prompt =
        Some(settings.translation.custom_prompt.clone()).filter(|p| !p.trim().is_empty());

    let mut stdout = std::io::stdout();
    let mut printed = String::new();
    let result = super::runtime()?.block_on(endpoint.translate(&req, &mut |u| {
        // A cumulative stream may rewrite its start; print only what extends what is already out.
        if let Some(rest) = u.text.strip_prefix(printed.as_str()) {
            let _ = stdout.write_all(rest.as_bytes());
            let _ = stdout.flush();
            printed = u.text.to_string();
        }
    }));
    match result {
        Ok(t) => {
            if let Some(rest) = t.text.strip_prefix(printed.as_str()) {
                print!("{rest}");
            }
            println!();
            Ok(())
        }
        Err(e) => {
            if !printed.is_empty() {
                println!();
            }
            Err(e.into())
        }
    }
}
