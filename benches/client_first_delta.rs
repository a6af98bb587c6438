//! Client overhead: from building the request to the first delta delivered, against a loopback server that
//! answers at once. Run with `cargo bench --bench client_first_delta`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{MockServer, Reply};
use ocrlay::lang::Lang;
use ocrlay::providers::{find, ApiKey, Endpoint, EndpointSpec, TranslateRequest};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = MockServer::start().await;
        let mut events = vec![common::delta("你好")];
        events.extend(common::finish());
        // No gate: the server sends everything at once.
        server.reply([Reply::Sse {
            events,
            before_gate: 0,
            pause: Duration::ZERO,
            abort: false,
        }]);
        let mut spec = EndpointSpec::new(find("deepseek").unwrap());
        spec.url = Some(server.url("/chat/completions"));
        spec.key = Some(ApiKey::new("sk-bench"));
        let text = "「今日はいい天気ですね。」\n「そうだね、散歩にでも行こうか。」";
        for (label, reuse) in [("warm connection (reused client)", true), ("cold (new client each time)", false)] {
            let shared = Endpoint::new(spec.clone()).unwrap();
            let mut samples = Vec::new();
            for i in 0..230 {
                let start = Instant::now();
                let ep = if reuse { shared.clone() } else { Endpoint::new(spec.clone()).unwrap() };
                let req = TranslateRequest::new(text, Lang::Japanese, Lang::ChineseSimplified);
                let mut first = None;
                ep.translate(&req, &mut |_| {
                    first.get_or_insert_with(|| start.elapsed());
                })
                .await
                .unwrap();
                if i >= 30 {
                    samples.push(first.unwrap());
                }
            }
            samples.sort();
            println!(
                "client request→first delta, {label}: median {:.3} ms, p90 {:.3} ms, min {:.3} ms (n={})",
                percentile(&samples, 0.5).as_secs_f64() * 1e3,
                percentile(&samples, 0.9).as_secs_f64() * 1e3,
                samples[0].as_secs_f64() * 1e3,
                samples.len()
            );
        }
    });
}
