//! Every job of the pipeline reaches exactly one end — translated, failed, cancelled, nothing to read, or no
//! provider — after all its other events, whatever happens on the way: the overlay's spinner stops on it.
//! The real pipeline (real OCR models, a loopback provider), driven as the app drives it.

mod common;

use common::{answer, json_status_reply, MockServer, Reply};
use ocrlay::config::Settings;
use ocrlay::pipeline::{JobEnd, Pipeline, PipelineEvent, Source, StopReason, TranslationPlan};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Run {
    pipeline: Pipeline,
    events: mpsc::Receiver<PipelineEvent>,
    /// Events of other jobs seen while waiting for one.
    seen: Vec<PipelineEvent>,
}

fn settings(server: Option<&MockServer>) -> Settings {
    let provider = server.map_or(String::new(), |s| {
        format!(
            "[providers.custom]\nenabled = true\nurl = \"{}\"\napi_key = \"sk-test\"\nmodel = \"m\"\n",
            s.url("/v1/chat/completions")
        )
    });
    let text = format!(
        "[general]\nsource = \"ja\"\ntarget = \"zh-CN\"\n[memory]\ncache = false\nhistory = false\n{provider}"
    );
    let (s, warnings) = Settings::parse(&text).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    s
}

fn start(settings: &Settings) -> Run {
    let (pipeline, rx) = common::start_pipeline(settings, tokio::runtime::Handle::current());
    let mut run = Run {
        pipeline,
        events: rx,
        seen: Vec::new(),
    };
    match run.next() {
        PipelineEvent::EngineReady(Ok(())) => {}
        other => panic!("the engine did not load: {other:?}"),
    }
    run
}

impl Run {
    fn next(&mut self) -> PipelineEvent {
        self.events
            .recv_timeout(Duration::from_secs(60))
            .expect("the pipeline went quiet")
    }

    fn submit(&self, image: image::RgbaImage) -> u64 {
        self.submit_source(Source::Image(image))
    }

    fn submit_source(&self, source: Source) -> u64 {
        let id = self.pipeline.next_id();
        self.pipeline.submit(common::test_job(id, source));
        id
    }

    /// The events of job `job` up to and including its end (no later event of it may follow).
    fn until_end(&mut self, job: u64) -> (Vec<PipelineEvent>, JobEnd) {
        let mut mine = Vec::new();
        let mut pending = std::mem::take(&mut self.seen).into_iter();
        loop {
            let e = pending.next().unwrap_or_else(|| self.next());
            if job_of(&e) != Some(job) {
                self.seen.push(e);
                continue;
            }
            if let PipelineEvent::Ended { end, .. } = e {
                self.seen.extend(pending);
                // Nothing more of this job arrives after its end.
                while let Ok(late) = self.events.recv_timeout(Duration::from_millis(300)) {
                    assert_ne!(job_of(&late), Some(job), "after the end: {late:?}");
                    self.seen.push(late);
                }
                return (mine, end);
            }
            mine.push(e);
        }
    }

    /// Waits until job `job`'s text is recognised (its provider calls are under way then).
    fn until_recognized(&mut self, job: u64) {
        loop {
            let e = self.next();
            let hit = matches!(&e, PipelineEvent::Recognized { job: j, .. } if *j == job);
            self.seen.push(e);
            if hit {
                return;
            }
        }
    }
}

fn job_of(e: &PipelineEvent) -> Option<u64> {
    e.job()
}

fn dialogue() -> image::RgbaImage {
    image::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr/ja_dialogue.png"))
        .unwrap()
        .to_rgba8()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_translated_job_ends_translated() {
    let server = MockServer::start().await;
    server.reply([answer("你好")]);
    let mut run = start(&settings(Some(&server)));
    let job = run.submit(dialogue());
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::Translated);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, PipelineEvent::Done { text, .. } if text == "你好")),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_request_ends_failed() {
    let server = MockServer::start().await;
    server.reply([json_status_reply(
        401,
        r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#,
    )]);
    let mut run = start(&settings(Some(&server)));
    let job = run.submit(dialogue());
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::Failed);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, PipelineEvent::ProviderFailed { .. })),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_without_text_ends_with_nothing_to_read() {
    let server = MockServer::start().await;
    let mut run = start(&settings(Some(&server)));
    let job = run.submit(image::RgbaImage::from_pixel(
        600,
        120,
        image::Rgba([250, 250, 250, 255]),
    ));
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::NothingToRead);
    assert!(events
        .iter()
        .any(|e| matches!(e, PipelineEvent::NoText { .. })));
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_provider_the_text_is_the_result() {
    let mut run = start(&settings(None));
    let job = run.submit(dialogue());
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::NoProvider);
    let recognized = events
        .iter()
        .find_map(|e| match e {
            PipelineEvent::Recognized {
                text, providers, ..
            } => Some((text.clone(), providers.len())),
            _ => None,
        })
        .expect("the text is recognised");
    assert!(recognized.0.contains("アリス"), "{}", recognized.0);
    assert_eq!(recognized.1, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_job_cancels_the_one_still_waiting() {
    let server = MockServer::start().await;
    server.reply([Reply::Hang, answer("新的")]);
    let mut run = start(&settings(Some(&server)));
    let first = run.submit(dialogue());
    run.until_recognized(first);
    // The first request is at the server (it will never answer) before the second job starts: the server
    // answers requests in the order they arrive.
    let t = Instant::now();
    while server.requests().is_empty() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the first request never came"
        );
        tokio::task::yield_now().await;
    }
    let second = run.submit(dialogue());
    let (events, end) = run.until_end(first);
    assert_eq!(end, JobEnd::Cancelled);
    assert!(
        events.iter().any(|e| matches!(
            e,
            PipelineEvent::ProviderStopped {
                reason: StopReason::Superseded,
                ..
            }
        )),
        "{events:?}"
    );
    let (_, end) = run.until_end(second);
    assert_eq!(end, JobEnd::Translated);
}

#[tokio::test(flavor = "multi_thread")]
async fn turning_the_provider_off_mid_job_cancels_it() {
    let server = MockServer::start().await;
    server.reply([Reply::Hang]);
    let on = settings(Some(&server));
    let mut run = start(&on);
    let job = run.submit(dialogue());
    run.until_recognized(job);
    // The settings are saved with the provider off (and then with it gone altogether: no job runs then).
    let mut off = on.clone();
    off.providers.clear();
    run.pipeline.set_plan(TranslationPlan::from_settings(&off));
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::Cancelled);
    assert!(
        events.iter().any(|e| matches!(
            e,
            PipelineEvent::ProviderStopped {
                reason: StopReason::Disabled,
                ..
            }
        )),
        "{events:?}"
    );
    // The next job has no provider to ask.
    let next = run.submit(dialogue());
    assert_eq!(run.until_end(next).1, JobEnd::NoProvider);
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_errors_follow_the_ui_language() {
    let server = MockServer::start().await;
    server.reply([json_status_reply(
        401,
        r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#,
    )]);
    let mut zh = settings(Some(&server));
    zh.general.ui_language = ocrlay::config::UiLanguage::Zh;
    let mut run = start(&zh);
    let job = run.submit(dialogue());
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::Failed);
    let message = events
        .iter()
        .find_map(|e| match e {
            // The app says it in the UI's language.
            PipelineEvent::ProviderFailed { problem, .. } => Some(problem.message(true)),
            _ => None,
        })
        .unwrap();
    assert!(message.contains("API 密钥被拒绝"), "{message}");
    assert!(!message.contains("sk-test"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn corrected_text_is_translated_as_it_is_without_ocr() {
    let server = MockServer::start().await;
    server.reply([answer("爱丽丝去打倒魔王。")]);
    let mut run = start(&settings(Some(&server)));
    let job = run.submit_source(Source::Text("アリスは魔王を倒しに行く。".into()));
    let (events, end) = run.until_end(job);
    assert_eq!(end, JobEnd::Translated);
    // No capture: the corrected text is what the overlay shows, marked as corrected.
    assert!(!events
        .iter()
        .any(|e| matches!(e, PipelineEvent::Captured { .. })));
    assert!(events.iter().any(|e| matches!(
        e,
        PipelineEvent::Recognized { text, corrected: true, .. } if text == "アリスは魔王を倒しに行く。"
    )));
    let asked = server.requests()[0].body["messages"].to_string();
    assert!(asked.contains("アリスは魔王を倒しに行く。"), "{asked}");
}
