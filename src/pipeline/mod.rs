//! Capture → OCR → translate, off the UI thread.
//!
//! A [`Pipeline`] owns one OCR worker thread (the engine is loaded once, there) and a handle to the tokio
//! runtime for provider calls. Each [`Job`] runs capture (or takes an image it was given), OCR, then one
//! translation per enabled provider; everything that happens is reported as a [`PipelineEvent`] through the
//! sink the caller gave, which the app turns into `AppEvent`s for the overlay. A new job cancels the provider
//! calls of the previous one, so an old answer is never shown over newer text. The translate step is in
//! [`translate`].

mod translate;

use crate::auto::{FrameDecision, Gate, GateSettings, TextDecision, Thumb};
use crate::capture::{self, Reader, Rect, Target};
use crate::config::Settings;
use crate::filters::{Filters, Stage};
use crate::lang::Lang;
use crate::memory::{self, Store};
use crate::ocr::{self, EngineParams, OcrEngine, RecognizeOptions, TextDirection};
use crate::providers::prompt::ContextPair;
use crate::providers::Endpoint;
use crate::text::Text;
use image::RgbaImage;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a job reads.
#[derive(Debug)]
pub enum Source {
    /// Read this place on the screen now.
    Screen(Target),
    /// An image captured already (the region selector's frozen screenshot).
    Image(RgbaImage),
    /// Text the user corrected: translated as it is, without capture or OCR.
    Text(String),
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
    /// The region's name (saved slot or window title): the history's "region", and whose context lines go with
    /// the request (context is kept per region).
    pub region: String,
    /// The saved region (slot) the job is for: its overlay shows it, and a newer job of the same slot stops its
    /// provider calls (other slots' lines go on).
    pub slot: usize,
    /// Answer from the translation memory when it knows the line (off: always ask the provider).
    pub use_memory: bool,
    /// Wait this long before capturing (the app hid its overlay from the region and the screen must catch up).
    pub settle: Duration,
    /// Which way the region's text runs, when its saved region says (else the plan's).
    pub direction: Option<TextDirection>,
}

/// A provider taking part in a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderLabel {
    /// Catalog id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Why a job, auto mode or a provider could not go on, as data: the app says it in the UI's language
/// ([`Problem::message`]).
#[derive(Debug, Clone)]
pub enum Problem {
    /// Capture failed.
    Capture(Arc<capture::CaptureError>),
    /// OCR could not be set up (at start) or failed on an image.
    Ocr(Arc<ocr::OcrError>),
    /// The OCR engine is not loaded (its start-up failure was said then).
    NoEngine,
    /// A provider could not be prepared or failed.
    Provider(Arc<crate::providers::ProviderError>),
}

impl Problem {
    /// The words for the user, as a sentence of the string table.
    ///
    /// An OCR error's own words are its English here (`src/ocr/` has no sentence of the table yet);
    /// [`Problem::message`] says them in Chinese too.
    pub fn text(&self) -> Text {
        match self {
            Problem::Capture(e) => e.text(),
            Problem::Ocr(e) => Text::new("pipeline.err.ocr").with("reason", e),
            Problem::NoEngine => Text::new("pipeline.err.no_engine"),
            Problem::Provider(e) => e.text(),
        }
    }

    /// The words for the user, in Chinese when `zh`.
    pub fn message(&self, zh: bool) -> String {
        let lang = if zh { "zh" } else { "en" };
        match self {
            Problem::Ocr(e) => Text::new("pipeline.err.ocr")
                .with("reason", e.message(zh))
                .render(lang),
            _ => self.text().render(lang),
        }
    }
}

/// Two problems are the same when they say the same (the errors inside compare no other way).
impl PartialEq for Problem {
    fn eq(&self, other: &Self) -> bool {
        self.text().to_string() == other.text().to_string()
    }
}

/// What happened in a job.
#[derive(Debug, Clone, PartialEq)]
pub enum PipelineEvent {
    /// The OCR engine is loaded (or failed to load, with the reason).
    EngineReady(Result<(), Problem>),
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
        /// The text was longer than [`MAX_OCR_CHARS`] and was cut: how many characters OCR read.
        cut_from: Option<usize>,
        /// The text is not what OCR read: the user corrected it, or a replacement rule (a remembered
        /// correction) changed it.
        corrected: bool,
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
        /// Why.
        problem: Problem,
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
    /// Auto mode found a new line in saved region `slot` and starts job `job` for it.
    AutoJob {
        /// Job id.
        job: u64,
        /// The saved region.
        slot: usize,
    },
    /// Auto mode cannot capture or read saved region `slot` (it keeps trying).
    AutoProblem {
        /// The saved region.
        slot: usize,
        /// Why.
        problem: Problem,
    },
    /// A window-bound region is somewhere else on the desktop now (its window moved): where it is.
    RegionMoved {
        /// The manual job that found it (`None`: auto mode).
        job: Option<u64>,
        /// The saved region.
        slot: usize,
        /// Where the region is now.
        region: Rect,
    },
    /// A provider failed.
    ProviderFailed {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Why.
        problem: Problem,
        /// Text that arrived before the failure.
        partial: String,
    },
    /// A provider's call was stopped before it answered.
    ProviderStopped {
        /// Job id.
        job: u64,
        /// Provider id.
        provider: String,
        /// Why.
        reason: StopReason,
    },
    /// The job is over: sent exactly once per job, after every other event of the job.
    Ended {
        /// Job id.
        job: u64,
        /// How it ended.
        end: JobEnd,
    },
}

impl PipelineEvent {
    /// The job it speaks of, if any.
    pub fn job(&self) -> Option<u64> {
        use PipelineEvent::*;
        match self {
            Captured { job, .. }
            | Recognized { job, .. }
            | NoText { job, .. }
            | Failed { job, .. }
            | Delta { job, .. }
            | Done { job, .. }
            | AutoJob { job, .. }
            | ProviderFailed { job, .. }
            | ProviderStopped { job, .. }
            | Ended { job, .. } => Some(*job),
            RegionMoved { job, .. } => *job,
            EngineReady(_) | AutoProblem { .. } => None,
        }
    }
}

/// How a job ended. Every job reaches one of these, whatever happens on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEnd {
    /// At least one provider (or the translation memory) gave a translation.
    Translated,
    /// Capture or OCR failed, or every provider failed.
    Failed,
    /// Its provider calls were stopped (a newer line superseded it, or the providers were turned off).
    Cancelled,
    /// The region holds no text.
    NothingToRead,
    /// Text was read, and no translation provider is enabled: the text is the result.
    NoProvider,
}

/// Why a provider call was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A newer job or line took over.
    Superseded,
    /// The provider was turned off or removed in the settings.
    Disabled,
}

/// Where events go.
pub type Sink = Arc<dyn Fn(PipelineEvent) + Send + Sync>;

/// At most this often the overlay gets the translation so far (20 times a second): each update re-runs the
/// replacement rules over the whole text and sends it to the page, so updating on every token would cost more
/// with every token of a long answer. The final text always comes with `Done`.
pub const DELTA_INTERVAL: Duration = Duration::from_millis(50);

/// Decides which streamed updates reach the overlay: the first at once, then one per [`DELTA_INTERVAL`].
#[derive(Debug, Default, Clone)]
pub struct DeltaThrottle {
    last: Option<Instant>,
}

impl DeltaThrottle {
    /// Whether an update arriving `now` is passed on.
    pub fn due(&mut self, now: Instant) -> bool {
        if self
            .last
            .is_some_and(|t| now.saturating_duration_since(t) < DELTA_INTERVAL)
        {
            return false;
        }
        self.last = Some(now);
        true
    }
}

/// What translation needs from the settings, prepared once per settings change.
#[derive(Debug, Clone)]
pub struct TranslationPlan {
    /// Ready endpoints (their HTTP clients keep connections alive between jobs).
    pub endpoints: Vec<Endpoint>,
    /// Providers that could not be prepared, with the reason (shown in the overlay).
    pub broken: Vec<(ProviderLabel, Problem)>,
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
    /// Replacement rules (before translation on the OCR text, after it on the answer).
    pub filters: Arc<Filters>,
    /// Answer repeated lines from the translation memory.
    pub memory: bool,
    /// Record every translated line in the history.
    pub history: bool,
    /// What else shapes an answer (custom prompt, glossary): part of the memory's key.
    pub prompt_fingerprint: String,
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
                    Problem::Provider(Arc::new(e)),
                )),
            }
        }
        let ocr_lang = match s.ocr.language {
            Lang::Auto => s.general.source,
            l => l,
        };
        let (filters, _errors) = Filters::compile(&s.filters);
        let glossary = serde_json::to_string(&s.translation.glossary).unwrap_or_default();
        TranslationPlan {
            filters: Arc::new(filters),
            memory: s.memory.cache,
            history: s.memory.history,
            prompt_fingerprint: memory::prompt_fingerprint(&[
                &s.translation.custom_prompt,
                &glossary,
            ]),
            endpoints,
            broken,
            from: s.general.source,
            to: s.general.target,
            stream: s.translation.stream,
            context_lines: s.translation.context_lines as usize,
            glossary: s.translation.glossary.clone(),
            custom_prompt: Some(s.translation.custom_prompt.clone())
                .filter(|p| !p.trim().is_empty()),
            ocr: RecognizeOptions {
                direction: s.ocr.direction,
                keep_furigana: s.ocr.keep_furigana,
                ..RecognizeOptions::for_lang(ocr_lang)
            },
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
    /// The regions auto mode watches (none: auto mode off).
    Auto(Vec<AutoTarget>),
    /// A translation of saved region `n`'s line failed: its gate lets the same line through again.
    ForgetText(usize),
}

/// What auto mode watches.
#[derive(Debug, Clone)]
pub struct AutoTarget {
    /// What to watch: a desktop region, or a region of a window that capture follows.
    pub target: Target,
    /// Which way the region's text runs, when its saved region says (else the plan's).
    pub direction: Option<TextDirection>,
    /// The region's name (history, per-region context).
    pub name: String,
    /// The saved region (slot) it is: events of its lines carry it.
    pub slot: usize,
    /// The gates' thresholds.
    pub gates: GateSettings,
}

/// One watched region: its own reader, gates and beat.
struct AutoState {
    target: AutoTarget,
    gate: Gate,
    reader: Reader,
    failures: u32,
    /// When its next beat is due.
    next_at: Instant,
}

impl AutoState {
    fn new(target: AutoTarget, now: Instant) -> AutoState {
        AutoState {
            gate: Gate::new(target.gates.clone()),
            target,
            reader: Reader::default(),
            failures: 0,
            next_at: now,
        }
    }
}

/// The worker: OCR thread + provider calls on the runtime.
pub struct Pipeline {
    tx: mpsc::Sender<Work>,
    ids: Arc<AtomicU64>,
}

struct Shared {
    plan: Arc<TranslationPlan>,
    /// Context lines, per region.
    context: HashMap<String, VecDeque<ContextPair>>,
    store: Option<Arc<Mutex<Store>>>,
    in_flight: Vec<InFlight>,
}

/// A provider call that is still running.
struct InFlight {
    provider: String,
    /// The saved region whose line it translates.
    slot: usize,
    abort: tokio::task::AbortHandle,
    /// Set before aborting: why (read by the job's watcher).
    reason: Arc<Mutex<Option<StopReason>>>,
}

impl InFlight {
    fn stop(&self, reason: StopReason) {
        if !self.abort.is_finished() {
            *self.reason.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason);
            self.abort.abort();
        }
    }
}

impl Pipeline {
    /// Starts the worker thread; it loads the OCR engine first and reports [`PipelineEvent::EngineReady`].
    /// `own_windows` is where ocrlay's visible windows are (kept up to date by the app): capture never reads
    /// them (see [`capture::RegionReader`]).
    pub fn start(
        engine_kind: ocr::EngineKind,
        engine_params: EngineParams,
        plan: TranslationPlan,
        runtime: tokio::runtime::Handle,
        store: Option<Arc<Mutex<Store>>>,
        own_windows: Arc<Mutex<Vec<Rect>>>,
        sink: Sink,
    ) -> Pipeline {
        let (tx, rx) = mpsc::channel::<Work>();
        let ids = Arc::new(AtomicU64::new(1));
        let (own_tx, thread_ids) = (tx.clone(), ids.clone());
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
                        crate::probe::emit(crate::probe::Probe::EngineLoaded { ok: true });
                        sink(PipelineEvent::EngineReady(Ok(())));
                        Some(e)
                    }
                    Err(e) => {
                        tracing::error!("OCR engine failed to load: {e}");
                        crate::probe::emit(crate::probe::Probe::EngineLoaded { ok: false });
                        sink(PipelineEvent::EngineReady(Err(Problem::Ocr(Arc::new(e)))));
                        None
                    }
                };
                let shared = Arc::new(Mutex::new(Shared {
                    plan: Arc::new(plan),
                    context: HashMap::new(),
                    store,
                    in_flight: Vec::new(),
                }));
                // The watched regions, each on its own beat.
                let mut auto: Vec<AutoState> = Vec::new();
                // When the memory kept for the last region read goes back, unless another read comes first.
                let idle_after = ocr::heap::idle_release_after();
                let mut release_at: Option<Instant> = None;
                loop {
                    // Auto mode's timer is this thread's receive timeout (the beat due first), and so is the
                    // idle release: no wake-ups at all when neither is due.
                    let due = auto.iter().map(|a| a.next_at).chain(release_at).min();
                    let work = match due {
                        Some(due) => {
                            match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                                Ok(w) => Some(w),
                                Err(mpsc::RecvTimeoutError::Timeout) => None,
                                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                            }
                        }
                        None => match rx.recv() {
                            Ok(w) => Some(w),
                            Err(_) => break,
                        },
                    };
                    let Some(work) = work else {
                        if release_at.is_some_and(|at| at <= Instant::now()) {
                            release_at = None;
                            if ocr::heap::release_idle() {
                                tracing::debug!("OCR idle: freed memory given back");
                                crate::probe::emit(crate::probe::Probe::HeapReleased);
                            }
                        }
                        let ctx = AutoCtx {
                            shared: &shared,
                            runtime: &runtime,
                            sink: &sink,
                            ids: &thread_ids,
                            tx: &own_tx,
                            own: &own_windows,
                        };
                        for a in &mut auto {
                            if a.next_at <= Instant::now() {
                                auto_tick(a, engine.as_deref_mut(), &ctx);
                                let now = Instant::now();
                                a.next_at = now + a.gate.next_delay(now);
                                release_at = ocr::heap::kept_since().map(|t| t + idle_after);
                            }
                        }
                        continue;
                    };
                    match work {
                        Work::Auto(targets) => {
                            let now = Instant::now();
                            auto = targets
                                .into_iter()
                                .map(|t| AutoState::new(t, now))
                                .collect();
                            tracing::info!(regions = auto.len(), "auto mode");
                            crate::probe::emit(crate::probe::Probe::AutoMode {
                                on: !auto.is_empty(),
                            });
                        }
                        Work::ForgetText(slot) => {
                            for a in auto.iter_mut().filter(|a| a.target.slot == slot) {
                                a.gate.forget_text();
                            }
                        }
                        Work::Plan(p) => {
                            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                            // A provider turned off or removed stops answering at once.
                            for call in &s.in_flight {
                                if !p.endpoints.iter().any(|e| e.info.id == call.provider) {
                                    call.stop(StopReason::Disabled);
                                }
                            }
                            s.plan = Arc::new(*p);
                            s.context.clear();
                        }
                        Work::Job(job) => {
                            run_job(
                                job,
                                engine.as_deref_mut(),
                                &shared,
                                &runtime,
                                &own_windows,
                                &sink,
                            );
                            release_at = ocr::heap::kept_since().map(|t| t + idle_after);
                        }
                    }
                }
            })
            .expect("spawning the pipeline thread");
        Pipeline { tx, ids }
    }

    /// A new job id (shared with auto mode's jobs, so ids only grow).
    pub fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Starts auto mode on these regions (replacing any others), or stops it (none).
    pub fn set_auto(&self, targets: Vec<AutoTarget>) {
        let _ = self.tx.send(Work::Auto(targets));
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

struct AutoCtx<'a> {
    shared: &'a Arc<Mutex<Shared>>,
    runtime: &'a tokio::runtime::Handle,
    sink: &'a Sink,
    ids: &'a AtomicU64,
    tx: &'a mpsc::Sender<Work>,
    own: &'a Mutex<Vec<Rect>>,
}

/// One beat of auto mode: capture, image gate, stable wait, OCR, text gate, translate.
fn auto_tick(a: &mut AutoState, engine: Option<&mut (dyn OcrEngine + 'static)>, ctx: &AutoCtx<'_>) {
    let t0 = Instant::now();
    let own = ctx.own.lock().map(|o| o.clone()).unwrap_or_default();
    let image = match a.reader.read(&a.target.target, &own) {
        Ok(img) => {
            a.failures = 0;
            if let Some(r) = a.reader.moved() {
                (ctx.sink)(PipelineEvent::RegionMoved {
                    job: None,
                    slot: a.target.slot,
                    region: r,
                });
            }
            img
        }
        Err(e) => {
            // Nothing seen: the next frame that can be read starts the gates afresh.
            a.gate.reset();
            a.failures += 1;
            // Say it once, then every ~30 tries, not on every beat. A blank frame is said only once it lasts
            // (~30 beats): a game's black scene change or empty window is no fault of the capture.
            let blank = matches!(e, capture::CaptureError::Blank { .. });
            if (a.failures == 1 && !blank) || a.failures.is_multiple_of(30) {
                tracing::info!("auto: {e}");
                if matches!(e, capture::CaptureError::Covered(_)) {
                    crate::probe::emit(crate::probe::Probe::AutoCovered);
                }
                (ctx.sink)(PipelineEvent::AutoProblem {
                    slot: a.target.slot,
                    problem: Problem::Capture(Arc::new(e)),
                });
            }
            return;
        }
    };
    let capture_ms = ms(t0.elapsed());
    let thumb = Thumb::from_image(&image);
    let FrameDecision::Recognize { timed_out } = a.gate.on_frame(Instant::now(), thumb) else {
        return;
    };
    let Some(engine) = engine else {
        return;
    };
    let t1 = Instant::now();
    let (text, corrected) = match read_text(
        engine,
        &image,
        ctx.shared,
        a.target.direction,
        &a.target.name,
    ) {
        Ok((text, _, corrected)) => (text, corrected),
        Err(problem) => {
            (ctx.sink)(PipelineEvent::AutoProblem {
                slot: a.target.slot,
                problem,
            });
            return;
        }
    };
    let ocr_ms = ms(t1.elapsed());
    let decision = a.gate.on_text(&text);
    // The decision without the text (what OCR read is never logged).
    let (decided, chars) = match &decision {
        TextDecision::Translate(t) => ("translate", t.chars().count()),
        TextDecision::Same => ("same", 0),
        TextDecision::Empty => ("empty", 0),
    };
    tracing::debug!(ms = ocr_ms, timed_out, decided, chars, "auto: OCR");
    let TextDecision::Translate(text) = decision else {
        return;
    };
    let id = ctx.ids.fetch_add(1, Ordering::Relaxed);
    // The new line supersedes whatever of its region is still being translated.
    cancel_in_flight(ctx.shared, a.target.slot);
    (ctx.sink)(PipelineEvent::AutoJob {
        job: id,
        slot: a.target.slot,
    });
    (ctx.sink)(PipelineEvent::Captured {
        job: id,
        ms: capture_ms,
    });
    translate::translate(
        translate::TextJob {
            id,
            text,
            ocr_ms,
            region: a.target.name.clone(),
            slot: a.target.slot,
            use_memory: true,
            corrected,
        },
        ctx.shared,
        ctx.runtime,
        ctx.sink,
        Some(ctx.tx.clone()),
    );
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

fn run_job(
    job: Job,
    engine: Option<&mut (dyn OcrEngine + 'static)>,
    shared: &Arc<Mutex<Shared>>,
    runtime: &tokio::runtime::Handle,
    own: &Mutex<Vec<Rect>>,
    sink: &Sink,
) {
    let id = job.id;
    // A newer job of the same region makes the answers of its older ones pointless.
    cancel_in_flight(shared, job.slot);
    if !job.settle.is_zero() {
        std::thread::sleep(job.settle);
    }
    let t0 = Instant::now();
    let mut reader = Reader::default();
    let captured = match job.source {
        Source::Text(text) => {
            // The user's own text: no capture, no OCR, no rules.
            return translate::translate(
                translate::TextJob {
                    id,
                    text,
                    ocr_ms: 0,
                    region: job.region,
                    slot: job.slot,
                    use_memory: job.use_memory,
                    corrected: true,
                },
                shared,
                runtime,
                sink,
                None,
            );
        }
        Source::Image(img) => Ok(img),
        Source::Screen(target) => {
            let own = own.lock().map(|o| o.clone()).unwrap_or_default();
            reader.read(&target, &own)
        }
    };
    if let Some(r) = reader.moved() {
        sink(PipelineEvent::RegionMoved {
            job: Some(id),
            slot: job.slot,
            region: r,
        });
    }
    let ended = |end| sink(PipelineEvent::Ended { job: id, end });
    let image = match captured {
        Ok(img) => img,
        Err(e) => {
            sink(PipelineEvent::Failed {
                job: id,
                problem: Problem::Capture(Arc::new(e)),
            });
            return ended(JobEnd::Failed);
        }
    };
    sink(PipelineEvent::Captured {
        job: id,
        ms: ms(t0.elapsed()),
    });
    let Some(engine) = engine else {
        sink(PipelineEvent::Failed {
            job: id,
            problem: Problem::NoEngine,
        });
        return ended(JobEnd::Failed);
    };
    let t1 = Instant::now();
    let (text, lines, corrected) =
        match read_text(engine, &image, shared, job.direction, &job.region) {
            Ok(t) => t,
            Err(problem) => {
                sink(PipelineEvent::Failed { job: id, problem });
                return ended(JobEnd::Failed);
            }
        };
    let ocr_ms = ms(t1.elapsed());
    // What OCR read is never logged (it is whatever the screen showed): its size only.
    tracing::debug!(
        job = id,
        ms = ocr_ms,
        lines,
        chars = text.chars().count(),
        "OCR"
    );
    if text.trim().is_empty() {
        sink(PipelineEvent::NoText {
            job: id,
            ms: ocr_ms,
        });
        return ended(JobEnd::NothingToRead);
    }
    translate::translate(
        translate::TextJob {
            id,
            text,
            ocr_ms,
            region: job.region,
            slot: job.slot,
            use_memory: job.use_memory,
            corrected,
        },
        shared,
        runtime,
        sink,
        None,
    );
}

/// Aborts the provider calls still running: their answers would land over newer text.
fn cancel_in_flight(shared: &Mutex<Shared>, slot: usize) {
    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
    // Finished calls are forgotten; running ones of other regions go on.
    s.in_flight.retain(|h| !h.abort.is_finished());
    let running = s.in_flight.iter().filter(|h| h.slot == slot).count();
    if running > 0 {
        tracing::debug!(
            running,
            "superseded: aborting the provider calls of the previous line"
        );
    }
    let (stop, keep): (Vec<_>, Vec<_>) = s.in_flight.drain(..).partition(|h| h.slot == slot);
    s.in_flight = keep;
    for call in stop {
        call.stop(StopReason::Superseded);
    }
}

/// OCR of `image` with the plan's options, then the before-translation replacement rules: the text, and how
/// many lines OCR found.
/// The most characters of recognised text sent on (to the providers, the memory, the overlay): far more than a
/// dialogue box holds; a whole page of small print is cut here (the cut is reported) rather than sent whole to a
/// paid API.
pub const MAX_OCR_CHARS: usize = 2_000;

/// `text` cut to [`MAX_OCR_CHARS`] characters, at the last line break before the limit where there is one;
/// with the original length when it was cut.
pub fn cap_text(text: String) -> (String, Option<usize>) {
    let n = text.chars().count();
    if n <= MAX_OCR_CHARS {
        return (text, None);
    }
    let end = text
        .char_indices()
        .nth(MAX_OCR_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let end = text[..end].rfind('\n').filter(|&i| i > 0).unwrap_or(end);
    (text[..end].to_string(), Some(n))
}

fn read_text(
    engine: &mut (dyn OcrEngine + 'static),
    image: &RgbaImage,
    shared: &Mutex<Shared>,
    direction: Option<TextDirection>,
    region: &str,
) -> Result<(String, usize, bool), Problem> {
    let (mut opts, filters) = {
        let s = shared.lock().unwrap_or_else(|e| e.into_inner());
        (s.plan.ocr.clone(), s.plan.filters.clone())
    };
    if let Some(d) = direction {
        opts.direction = d;
    }
    let output = engine
        .recognize(image, &opts)
        .map_err(|e| Problem::Ocr(Arc::new(e)))?;
    let raw = output.text();
    let text = filters
        .apply_for(Stage::BeforeTranslation, &raw, region)
        .into_owned();
    let corrected = text != raw;
    Ok((text, output.lines.len(), corrected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_line_break_and_says_so() {
        let short = "一行目\n二行目".to_string();
        assert_eq!(cap_text(short.clone()), (short, None));
        let line = "あ".repeat(99) + "\n";
        let page = line.repeat(30); // 3000 characters
        let (cut, from) = cap_text(page);
        assert_eq!(from, Some(3000));
        assert!(cut.chars().count() <= MAX_OCR_CHARS);
        assert!(cut.ends_with('あ'), "cut at a line break");
        assert_eq!(cut.lines().count(), 20);
        // One endless line: cut at the limit.
        let (cut, from) = cap_text("字".repeat(5000));
        assert_eq!((cut.chars().count(), from), (MAX_OCR_CHARS, Some(5000)));
    }

    #[test]
    fn updates_reach_the_overlay_at_most_twenty_times_a_second() {
        let mut t = DeltaThrottle::default();
        let start = Instant::now();
        // The first at once.
        assert!(t.due(start));
        // A thousand tokens in the next 49 ms: none of them.
        assert!((1..1000).all(|i| !t.due(start + Duration::from_micros(i * 49))));
        assert!(t.due(start + DELTA_INTERVAL));
        // One second of tokens every millisecond: 20 updates.
        let mut t = DeltaThrottle::default();
        let n = (0..1000)
            .filter(|ms| t.due(start + Duration::from_millis(*ms)))
            .count();
        assert_eq!(n, 20);
    }
}
