//! `ocrlay providers`, `ocrlay provider-test ID` and `ocrlay models ID`.

use anyhow::Context;
use clap::Args;
use ocrlay::lang::Lang;
use ocrlay::providers::{self, Endpoint, ProviderInfo};
use serde_json::json;

/// Arguments of `ocrlay providers`.
#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `ocrlay provider-test`.
#[derive(Debug, Args)]
pub struct ProviderTestArgs {
    /// The provider id (see `ocrlay providers`).
    id: String,
    /// Language of the sample text.
    #[arg(long, default_value = "ja")]
    from: Lang,
    /// Language to translate into.
    #[arg(long, default_value = "zh-CN")]
    to: Lang,
}

/// Arguments of `ocrlay models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// The provider id (see `ocrlay providers`).
    id: String,
}

/// Finds a provider by id, or says which ids exist.
pub fn find(id: &str) -> anyhow::Result<&'static ProviderInfo> {
    providers::find(id).with_context(|| {
        format!(
            "unknown provider '{id}'; known providers: {}",
            providers::catalog::ids().join(", ")
        )
    })
}

/// Runs `ocrlay providers`.
pub fn list(args: ProvidersArgs) -> anyhow::Result<()> {
    if args.json {
        let all: Vec<_> = providers::PROVIDERS
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "name": p.name,
                    "name_zh": p.name_zh,
                    "url": p.url,
                    "key_page": p.key_page,
                    "models_page": p.models_page,
                    "models": p.models,
                    "notes": p.notes,
                    "notes_zh": p.notes_zh,
                    "region": p.region,
                    "needs_proxy": p.needs_proxy,
                    "key_format": p.key_format,
                    "prompt": p.prompt,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    for (region, title) in [
        (providers::Region::Cn, "国内 / China"),
        (providers::Region::Global, "国外 / International"),
        (providers::Region::Local, "本地 / Local"),
    ] {
        println!("{title}");
        for p in providers::PROVIDERS.iter().filter(|p| p.region == region) {
            let url = if p.url.is_empty() {
                "(your URL)"
            } else {
                p.url
            };
            println!("  {:<13} {:<28} {url}", p.id, p.name);
            if !p.models.is_empty() {
                println!("  {:<13} models: {}", "", p.models.join(", "));
            }
        }
        println!();
    }
    Ok(())
}

fn endpoint(id: &str) -> anyhow::Result<Endpoint> {
    let info = find(id)?;
    let settings = super::load_settings()?.settings;
    let mut spec = settings.endpoint_spec(info);
    if let Some(key) = std::env::var("OCRLAY_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        spec.key = Some(providers::ApiKey::new(key));
    }
    Ok(Endpoint::new(spec)?)
}

/// Runs `ocrlay provider-test`.
pub fn test(args: ProviderTestArgs) -> anyhow::Result<()> {
    let ep = endpoint(&args.id)?;
    let report = super::runtime()?.block_on(ep.test(args.from, args.to))?;
    println!(
        "OK: {} ({}, model {}) answered in {} ms (first text after {} ms)",
        report.provider,
        report.url,
        report.model,
        report.elapsed.as_millis(),
        report
            .first_delta
            .map(|d| d.as_millis())
            .unwrap_or_default()
    );
    println!("  {} → {}", report.sample, report.reply);
    Ok(())
}

/// Runs `ocrlay models`.
pub fn models(args: ModelsArgs) -> anyhow::Result<()> {
    let ep = endpoint(&args.id)?;
    for m in super::runtime()?.block_on(ep.list_models())? {
        println!("{m}");
    }
    Ok(())
}
