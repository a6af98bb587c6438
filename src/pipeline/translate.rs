//! The translate step of a job, in named steps: [`snapshot`] what the job needs of the shared state (one short
//! lock, never held across I/O), [`announce`] the recognised text, then per provider a [`lookup`] in the
//! translation memory or a [`request`] [`run`] on the network threads, each answer kept by [`remember`]; the
//! job's end comes from [`watch`] once every call is over.

use super::{
    ms, DeltaThrottle, InFlight, JobEnd, PipelineEvent, Problem, Shared, Sink, StopReason,
    TranslationPlan, Work, MAX_OCR_CHARS,
};
use crate::filters::Stage;
use crate::memory::{self, MemoryKey, NewHistoryEntry, Remembered, Store};
use crate::providers::prompt::ContextPair;
use crate::providers::{Endpoint, TranslateRequest};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

/// Context lines kept per region (the plan sends the last `context_lines` of them).
const CONTEXT_KEPT: usize = 20;

/// Recognised text on its way to the providers.
pub(super) struct TextJob {
    pub id: u64,
    pub text: String,
    pub ocr_ms: u64,
    pub region: String,
    pub slot: usize,
    pub use_memory: bool,
    pub corrected: bool,
}

/// What one job's translation needs of the shared state.
struct Snapshot {
    plan: Arc<TranslationPlan>,
    context: Vec<ContextPair>,
    store: Option<Arc<Mutex<Store>>>,
}

/// Takes the plan, the region's last context lines and the store in one short lock.
fn snapshot(shared: &Mutex<Shared>, region: &str) -> Snapshot {
    let s = shared.lock().unwrap_or_else(|e| e.into_inner());
    let context = s
        .context
        .get(region)
        .map(|c| {
            let skip = c.len().saturating_sub(s.plan.context_lines);
            c.iter().skip(skip).cloned().collect()
        })
        .unwrap_or_default();
    Snapshot {
        plan: s.plan.clone(),
        context,
        store: s.store.clone(),
    }
}

/// Tells the app what was read and which providers will answer (and which cannot). Returns whether any
/// provider can be asked; when none can, the job ends here.
fn announce(
    sink: &Sink,
    plan: &TranslationPlan,
    id: u64,
    text: &str,
    ocr_ms: u64,
    cut_from: Option<usize>,
    corrected: bool,
) -> bool {
    sink(PipelineEvent::Recognized {
        job: id,
        text: text.to_string(),
        ms: ocr_ms,
        providers: plan.labels(),
        cut_from,
        corrected,
    });
    for (label, problem) in &plan.broken {
        sink(PipelineEvent::ProviderFailed {
            job: id,
            provider: label.id.clone(),
            problem: problem.clone(),
            partial: String::new(),
        });
    }
    if !plan.endpoints.is_empty() {
        return true;
    }
    // Nothing will answer: the recognised text is the result (or every provider is misconfigured).
    let end = if plan.broken.is_empty() {
        JobEnd::NoProvider
    } else {
        JobEnd::Failed
    };
    sink(PipelineEvent::Ended { job: id, end });
    false
}

/// The translation memory's key for `text` through `ep` under this plan.
fn memory_key(plan: &TranslationPlan, ep: &Endpoint, text: &str) -> MemoryKey {
    MemoryKey {
        provider: ep.info.id.to_string(),
        model: ep.model.clone(),
        prompt: plan.prompt_fingerprint.clone(),
        from: plan.from.code().to_string(),
        to: plan.to.code().to_string(),
        source: text.to_string(),
    }
}

/// What the translation memory knows of `key` (a failure to read it is logged and counts as not known).
fn lookup(store: Option<&Arc<Mutex<Store>>>, key: &MemoryKey) -> Option<Remembered> {
    store?
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .lookup(key)
        .unwrap_or_else(|e| {
            tracing::warn!("translation memory: {e}");
            None
        })
}

/// The request for `text` under this plan, with the region's context lines.
fn request(plan: &TranslationPlan, text: &str, context: &[ContextPair]) -> TranslateRequest {
    let mut req = TranslateRequest::new(text.to_string(), plan.from, plan.to);
    req.stream = plan.stream;
    req.context = context.to_vec();
    req.glossary = plan.glossary.clone();
    req.custom_prompt = plan.custom_prompt.clone();
    req
}

/// Keeps an answer: in the translation memory when `put` (a memory hit is not put back), and the line in the
/// history when `history`. Failures are logged; translation goes on without them.
pub(super) fn remember(
    store: Option<&Arc<Mutex<Store>>>,
    key: &MemoryKey,
    region: &str,
    translation: &str,
    put: bool,
    history: bool,
    from_memory: bool,
) {
    let Some(store) = store.filter(|_| put || history) else {
        return;
    };
    let mut st = store.lock().unwrap_or_else(|e| e.into_inner());
    if put {
        if let Err(e) = st.put(key, translation) {
            tracing::warn!("translation memory: {e}");
        }
    }
    if history {
        let entry = NewHistoryEntry {
            time_ms: memory::now_ms(),
            region: region.to_string(),
            key: key.clone(),
            translation: translation.to_string(),
        };
        // A new answer is a new line of the history; a memory hit is the same line seen again.
        let recorded = if from_memory {
            st.record_again(&entry)
        } else {
            st.record(&entry)
        };
        if let Err(e) = recorded {
            tracing::warn!("history: {e}");
        }
    }
}

/// One provider call of a job.
struct Call {
    id: u64,
    ep: Endpoint,
    req: TranslateRequest,
    key: MemoryKey,
    region: String,
    slot: usize,
    plan: Arc<TranslationPlan>,
    store: Option<Arc<Mutex<Store>>>,
    /// This call's answer becomes the region's next context line (the first provider's).
    keeps_context: bool,
    shared: Arc<Mutex<Shared>>,
    sink: Sink,
    /// Auto mode hears of a failed call, so it can try the same line again.
    failed: Option<mpsc::Sender<Work>>,
}

/// Asks one provider, streaming its text to the overlay (at most 20 updates a second); keeps the answer.
/// Returns whether it answered.
async fn run(call: Call) -> bool {
    let Call {
        id,
        ep,
        req,
        key,
        region,
        slot,
        plan,
        store,
        keeps_context,
        shared,
        sink,
        failed,
    } = call;
    let provider = ep.info.id.to_string();
    let filters = plan.filters.clone();
    let mut throttle = DeltaThrottle::default();
    let mut on_update = |u: crate::providers::Update<'_>| {
        if throttle.due(Instant::now()) {
            sink(PipelineEvent::Delta {
                job: id,
                provider: provider.clone(),
                text: filters.apply(Stage::AfterTranslation, u.text).into_owned(),
            })
        }
    };
    tracing::debug!(job = id, provider = %provider, model = %ep.model, url = %ep.url, chars = req.text.chars().count(), context = req.context.len(), "provider request");
    match ep.translate(&req, &mut on_update).await {
        Ok(t) => {
            tracing::debug!(job = id, provider = %provider, ms = t.elapsed.as_millis(), chars = t.text.chars().count(), "translation");
            if keeps_context {
                let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                let c = s.context.entry(region.clone()).or_default();
                c.push_back(ContextPair {
                    source: req.text.clone(),
                    translation: t.text.clone(),
                });
                while c.len() > CONTEXT_KEPT {
                    c.pop_front();
                }
            }
            // SQLite work off the network threads (there are two): a slow disk must not stall streams.
            let (put, history, text) = (plan.memory, plan.history, t.text.clone());
            tokio::task::spawn_blocking(move || {
                remember(store.as_ref(), &key, &region, &text, put, history, false)
            });
            sink(PipelineEvent::Done {
                job: id,
                provider,
                text: filters.apply(Stage::AfterTranslation, &t.text).into_owned(),
                ms: ms(t.elapsed),
            });
            true
        }
        Err(e) => {
            tracing::warn!(job = id, "{e}");
            if let Some(f) = &failed {
                let _ = f.send(Work::ForgetText(slot));
            }
            sink(PipelineEvent::ProviderFailed {
                job: id,
                provider,
                partial: e.partial_text().unwrap_or_default().to_string(),
                problem: Problem::Provider(Arc::new(e)),
            });
            false
        }
    }
}

/// A call under way, and where the reason it was stopped will be written.
type Watched = (
    String,
    tokio::task::JoinHandle<bool>,
    Arc<Mutex<Option<StopReason>>>,
);

/// The job's end, once every call of it is over (answered, failed or stopped).
async fn watch(id: u64, watched: Vec<Watched>, from_memory: bool, sink: Sink) {
    let (mut translated, mut stopped) = (from_memory, false);
    for (provider, handle, reason) in watched {
        match handle.await {
            Ok(ok) => translated |= ok,
            Err(e) if e.is_cancelled() => {
                stopped = true;
                let reason = reason
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or(StopReason::Superseded);
                sink(PipelineEvent::ProviderStopped {
                    job: id,
                    provider,
                    reason,
                });
            }
            Err(e) => {
                tracing::error!(job = id, provider = %provider, "provider call panicked: {e}")
            }
        }
    }
    let end = match (translated, stopped) {
        (true, _) => JobEnd::Translated,
        (false, true) => JobEnd::Cancelled,
        (false, false) => JobEnd::Failed,
    };
    sink(PipelineEvent::Ended { job: id, end });
}

/// Sends recognised text to every enabled provider (or answers from the memory). `failed` hears of requests
/// that failed, so auto mode can try the same line again.
pub(super) fn translate(
    job: TextJob,
    shared: &Arc<Mutex<Shared>>,
    runtime: &tokio::runtime::Handle,
    sink: &Sink,
    failed: Option<mpsc::Sender<Work>>,
) {
    let TextJob {
        id,
        text,
        ocr_ms,
        region,
        slot,
        use_memory,
        corrected,
    } = job;
    let (text, cut_from) = super::cap_text(text);
    if let Some(n) = cut_from {
        tracing::warn!(
            job = id,
            read = n,
            kept = MAX_OCR_CHARS,
            "recognised text cut"
        );
    }
    let Snapshot {
        plan,
        context,
        store,
    } = snapshot(shared, &region);
    if !announce(sink, &plan, id, &text, ocr_ms, cut_from, corrected) {
        return;
    }
    let mut from_memory = false;
    let mut calls = Vec::new();
    for (i, ep) in plan.endpoints.iter().enumerate() {
        let key = memory_key(&plan, ep, &text);
        // A line the memory knows costs no request (the user's own correction wins).
        let hit = (plan.memory && use_memory)
            .then(|| lookup(store.as_ref(), &key))
            .flatten();
        if let Some(hit) = hit {
            tracing::debug!(job = id, provider = %key.provider, edited = hit.edited, "translation memory hit");
            crate::probe::emit(crate::probe::Probe::MemoryHit { job: id });
            let shown = plan
                .filters
                .apply(Stage::AfterTranslation, &hit.translation)
                .into_owned();
            remember(
                store.as_ref(),
                &key,
                &region,
                &hit.translation,
                false,
                plan.history,
                true,
            );
            sink(PipelineEvent::Delta {
                job: id,
                provider: key.provider.clone(),
                text: shown.clone(),
            });
            sink(PipelineEvent::Done {
                job: id,
                provider: key.provider,
                text: shown,
                ms: 0,
            });
            from_memory = true;
            continue;
        }
        let call = Call {
            id,
            ep: ep.clone(),
            req: request(&plan, &text, &context),
            key,
            region: region.clone(),
            slot,
            plan: plan.clone(),
            store: store.clone(),
            keeps_context: i == 0 && plan.context_lines > 0,
            shared: shared.clone(),
            sink: sink.clone(),
            failed: failed.clone(),
        };
        calls.push((ep.info.id.to_string(), runtime.spawn(run(call))));
    }
    if calls.is_empty() {
        // Every provider answered from the memory.
        sink(PipelineEvent::Ended {
            job: id,
            end: JobEnd::Translated,
        });
        return;
    }
    // Registered so that a newer job (or a plan without the provider) can stop them.
    let mut watched = Vec::new();
    {
        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
        for (provider, handle) in calls {
            let reason: Arc<Mutex<Option<StopReason>>> = Arc::default();
            s.in_flight.push(InFlight {
                provider: provider.clone(),
                slot,
                abort: handle.abort_handle(),
                reason: reason.clone(),
            });
            watched.push((provider, handle, reason));
        }
    }
    runtime.spawn(watch(id, watched, from_memory, sink.clone()));
}
