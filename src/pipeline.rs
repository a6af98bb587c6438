//! Capture → OCR → translate, off the UI thread.
//!
//! A [`Pipeline`] owns one OCR worker thread (the engine is loaded once, there) and a handle to the tokio
//! runtime for provider calls. Each [`Job`] runs capture (or takes an image it was given), OCR, then one
//! translation per enabled provider; everything that happens is reported as a [`PipelineEvent`] through the
//! sink the caller gave, which the app turns into `AppEvent`s for the overlay. A new job cancels the provider
//! calls of the previous one, so an old answer is never shown over newer text.

use crate::capture::{self, Rect};
use crate::config::Settings;
use crate::lang::Lang;
use crate::ocr::{self, EngineParams, OcrEngine, RecognizeOptions};
use crate::providers::prompt::ContextPair;
use crate::providers::{Endpoint, TranslateRequest};
use image::RgbaImage;
use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a job reads.
#[derive(Debug)]
pub enum Source {
    /// Capture this desktop region now.
    Region(Rect),
    /// An image captured already (the region selector's frozen screenshot).
    Image(RgbaImage),
}

/// One trip from pixels to translations.
#[derive(Debug)]
pub struct Job {
    /// Increasing id; events carry it so that late ones can be told apart.
    pub id: u64,
    /// What to read.
    pub source: Source,
    /// When the user asked for it (hotkey press), for the stage timings.
    pub started: Instant,
}

/// A provider taking part in a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderLabel {
    /// Catalog id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// What happened in a job.
#[derive(Debug, Clone, PartialEq)]
pub enum PipelineEvent {
    /// The OCR engine is loaded (or failed to load, with the reason).
    EngineReady(Result<(), String>),
    /// The region was captured.
    Captured {
        /// Job id.
        job: u64,
        /// Capture time.
        ms: u64,
    },
    /// Text was recognised and translation starts.
    Recognized {
        /// Job id.
        job: u64,
        /// The text, lines joined by `\n`.
        text: String,
        /// OCR time.
        ms: u64,
        /// The providers that will answer.
        providers: Vec<ProviderLabel>,
    },
    /// The region holds no text.
    NoText {
        /// Job id.
        job: u64,
        /// OCR time.
        ms: u64,
    },
    /// Capture or OCR failed.
    Failed {
        /// Job id.
        job: u64,
        /// What to tell the user.
        message: String,
    },
    /// More translated text arrived.
    Delta {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// The whole translation so far.
        text: String,
    },
    /// A provider finished.
    Done {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// The translation.
        text: String,
        /// Time from the request to the end of the answer.
        ms: u64,
    },
    /// A provider failed.
    ProviderFailed {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// What to tell the user.
        message: String,
        /// Text that arrived before the failure.
        partial: String,
    },
}

/// Where events go.
pub type Sink = Arc<dyn Fn(PipelineEvent) + Send + Sync>;

/// What translation needs from the settings, prepared once per settings change.
#[derive(Debug, Clone)]
pub struct TranslationPlan {
    /// Ready endpoints (their HTTP clients keep connections alive between jobs).
    pub endpoints: Vec<Endpoint>,
    /// Providers that could not be prepared, with the reason (shown in the overlay).
    pub broken: Vec<(ProviderLabel, String)>,
    /// Source language.
    pub from: Lang,
    /// Target language.
    pub to: Lang,
    /// Stream answers.
    pub stream: bool,
    /// Context lines to send.
    pub context_lines: usize,
    /// Glossary.
    pub glossary: Vec<crate::providers::prompt::GlossaryEntry>,
    /// Custom system prompt.
    pub custom_prompt: Option<String>,
    /// OCR options.
    pub ocr: RecognizeOptions,
}

impl TranslationPlan {
    /// Prepares the enabled providers of the settings.
    pub fn from_settings(s: &Settings) -> Self {
        let mut endpoints = Vec::new();
        let mut broken = Vec::new();
        for info in s.enabled_providers() {
            match Endpoint::new(s.endpoint_spec(info)) {
                Ok(ep) => endpoints.push(ep),
                Err(e) => broken.push((
                    ProviderLabel {
                        id: info.id.into(),
                        name: info.name.into(),
                    },
                    e.to_string(),
                )),
            }
        }
        let ocr_lang = match s.ocr.language {
            Lang::Auto => s.general.source,
            l => l,
        };
        TranslationPlan {
            endpoints,
            broken,
            from: s.general.source,
            to: s.general.target,
            stream: s.translation.stream,
            context_lines: s.translation.context_lines as usize,
            glossary: s.translation.glossary.clone(),
            custom_prompt: Some(s.translation.custom_prompt.clone())
                .filter(|p| !p.trim().is_empty()),
            ocr: RecognizeOptions { lang: ocr_lang },
        }
    }

    fn labels(&self) -> Vec<ProviderLabel> {
        self.endpoints
            .iter()
            .map(|e| ProviderLabel {
                id: e.info.id.into(),
                name: e.info.name.into(),
            })
            .chain(self.broken.iter().map(|(l, _)| l.clone()))
            .collect()
    }
}

enum Work {
    Job(Job),
    Plan(Box<TranslationPlan>),
}

/// The worker: OCR thread + provider calls on the runtime.
pub struct Pipeline {
    tx: mpsc::Sender<Work>,
}

struct Shared {
    plan: TranslationPlan,
    context: VecDeque<ContextPair>,
    in_flight: Vec<tokio::task::JoinHandle<()>>,
}

impl Pipeline {
    /// Starts the worker thread; it loads the OCR engine first and reports [`PipelineEvent::EngineReady`].
    pub fn start(
        engine_kind: ocr::EngineKind,
        engine_params: EngineParams,
        plan: TranslationPlan,
        runtime: tokio::runtime::Handle,
        sink: Sink,
    ) -> Pipeline {
        let (tx, rx) = mpsc::channel::<Work>();
        std::thread::Builder::new()
            .name("ocrlay-pipeline".into())
            .spawn(move || {
                let started = Instant::now();
                let mut engine = match ocr::load_engine(engine_kind, &engine_params) {
                    Ok(e) => {
                        tracing::info!(
                            engine = engine_kind.name(),
                            ms = started.elapsed().as_millis(),
                            "OCR engine loaded"
                        );
                        sink(PipelineEvent::EngineReady(Ok(())));
                        Some(e)
                    }
                    Err(e) => {
                        tracing::error!("OCR engine failed to load: {e}");
                        sink(PipelineEvent::EngineReady(Err(e.to_string())));
                        None
                    }
                };
                let shared = Arc::new(Mutex::new(Shared {
                    plan,
                    context: VecDeque::new(),
                    in_flight: Vec::new(),
                }));
                while let Ok(work) = rx.recv() {
                    match work {
                        Work::Plan(p) => {
                            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                            s.plan = *p;
                            s.context.clear();
                        }
                        Work::Job(job) => {
                            run_job(job, engine.as_deref_mut(), &shared, &runtime, &sink);
                        }
                    }
                }
            })
            .expect("spawning the pipeline thread");
        Pipeline { tx }
    }

    /// Queues a job.
    pub fn submit(&self, job: Job) {
        let _ = self.tx.send(Work::Job(job));
    }

    /// Replaces the providers and options (after the settings changed).
    pub fn set_plan(&self, plan: TranslationPlan) {
        let _ = self.tx.send(Work::Plan(Box::new(plan)));
    }
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

fn run_job(
    job: Job,
    engine: Option<&mut (dyn OcrEngine + 'static)>,
    shared: &Arc<Mutex<Shared>>,
    runtime: &tokio::runtime::Handle,
    sink: &Sink,
) {
    let id = job.id;
    // A newer job makes the answers of older ones pointless.
    for h in shared
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .in_flight
        .drain(..)
    {
        h.abort();
    }
    let t0 = Instant::now();
    let image = match job.source {
        Source::Image(img) => img,
        Source::Region(rect) => match capture::capture_region(rect) {
            Ok(img) => img,
            Err(e) => {
                sink(PipelineEvent::Failed {
                    job: id,
                    message: e.to_string(),
                });
                return;
            }
        },
    };
    sink(PipelineEvent::Captured {
        job: id,
        ms: ms(t0.elapsed()),
    });
    let Some(engine) = engine else {
        sink(PipelineEvent::Failed {
            job: id,
            message: "the OCR engine is not loaded (see the message at start-up)".into(),
        });
        return;
    };
    let t1 = Instant::now();
    let opts = shared
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .plan
        .ocr
        .clone();
    let output = match engine.recognize(&image, &opts) {
        Ok(o) => o,
        Err(e) => {
            sink(PipelineEvent::Failed {
                job: id,
                message: format!("OCR failed: {e}"),
            });
            return;
        }
    };
    let text = output.text();
    let ocr_ms = ms(t1.elapsed());
    tracing::debug!(job = id, ms = ocr_ms, lines = output.lines.len(), text = %text, "OCR");
    if text.trim().is_empty() {
        sink(PipelineEvent::NoText {
            job: id,
            ms: ocr_ms,
        });
        return;
    }
    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
    sink(PipelineEvent::Recognized {
        job: id,
        text: text.clone(),
        ms: ocr_ms,
        providers: s.plan.labels(),
    });
    for (label, message) in &s.plan.broken {
        sink(PipelineEvent::ProviderFailed {
            job: id,
            provider: label.id.clone(),
            message: message.clone(),
            partial: String::new(),
        });
    }
    let skip = s.context.len().saturating_sub(s.plan.context_lines);
    let context: Vec<ContextPair> = s.context.iter().skip(skip).cloned().collect();
    let mut handles = Vec::new();
    for (i, ep) in s.plan.endpoints.iter().enumerate() {
        let ep = ep.clone();
        let mut req = TranslateRequest::new(text.clone(), s.plan.from, s.plan.to);
        req.stream = s.plan.stream;
        req.context = context.clone();
        req.glossary = s.plan.glossary.clone();
        req.custom_prompt = s.plan.custom_prompt.clone();
        let sink = sink.clone();
        let shared = shared.clone();
        let keep_context = i == 0 && s.plan.context_lines > 0;
        handles.push(runtime.spawn(async move {
            let provider = ep.info.id.to_string();
            let mut on_update = |u: crate::providers::Update<'_>| {
                sink(PipelineEvent::Delta {
                    job: id,
                    provider: provider.clone(),
                    text: u.text.to_string(),
                })
            };
            tracing::debug!(job = id, provider = %provider, model = %ep.model, url = %ep.url, chars = req.text.chars().count(), context = req.context.len(), "provider request");
            match ep.translate(&req, &mut on_update).await {
                Ok(t) => {
                    tracing::debug!(job = id, provider = %provider, ms = t.elapsed.as_millis(), translation = %t.text, "translation");
                    if keep_context {
                        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                        s.context.push_back(ContextPair {
                            source: req.text.clone(),
                            translation: t.text.clone(),
                        });
                        while s.context.len() > 20 {
                            s.context.pop_front();
                        }
                    }
                    sink(PipelineEvent::Done {
                        job: id,
                        provider,
                        text: t.text,
                        ms: ms(t.elapsed),
                    });
                }
                Err(e) => {
                    tracing::warn!(job = id, "{e}");
                    sink(PipelineEvent::ProviderFailed {
                        job: id,
                        provider,
                        partial: e.partial_text().unwrap_or_default().to_string(),
                        message: e.to_string(),
                    });
                }
            }
        }));
    }
    s.in_flight = handles;
}
