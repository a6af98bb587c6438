//! A model run in stages, one runtime call each, so that each stage's scratch buffers are freed before the next
//! stage starts.
//!
//! rten keeps every intermediate buffer a run frees in a pool of that run, for the run's later operators to
//! reuse, and gives the pool back only when the run ends. A detector is a backbone at a half to a thirty-second
//! of the input's resolution, then a neck and a head back at a quarter and a half: the pool ends up holding
//! the backbone's largest buffers *and* the head's, although they are never needed at the same time. On a
//! 1920×1080 screen that was ~290 MB of buffers for one read (benches/RESULTS.md, "Memory while working (issue
//! 29)"). Run as three calls — backbone, neck, head — with only the few tensors that cross from one stage to
//! the next handed over, each stage's pool holds only its own buffers.
//!
//! Exact: the same operators run on the same values in the same order; only where the freed buffers go differs.
//! The cuts are named by the values that cross them, read off the model's graph (every value produced before
//! the cut and read after it); a model whose graph does not hold those names (another file, or a runtime that
//! renamed them) runs in one call, as before.

use std::sync::Arc;

use rten::{Model, NodeId, Value, ValueOrView};
use rten_tensor::{Layout, NdTensor, NdTensorView, Tensor};

use super::models::InferenceModel;

/// The cuts of PP-OCRv5 mobile detection (`ppocrv5_det.onnx`): after the backbone (its four feature maps, at
/// a quarter to a thirty-second of the input's resolution: `p2o.pd_op.add.16.0` … `add.83.0` in the file,
/// named here by the values the `Identity` nodes before those names copy, since the runtime drops the
/// `Identity` nodes), and after the neck (the concatenated features the head reads, at a quarter).
pub const PPOCR_V5_DET_CUTS: &[&[&str]] =
    &[&["Add.33", "Add.55", "Add.113", "Add.167"], &["Concat.1"]];

/// Set to `off` to run every model in one call (for measuring).
pub const ENV: &str = "OCRLAY_STAGED";

/// The cuts ocrlay knows for the model file `name` (none: it runs in one call, as with `OCRLAY_STAGED=off`).
pub fn cuts_for(name: &str) -> &'static [&'static [&'static str]] {
    if std::env::var(ENV).as_deref() == Ok("off") {
        return &[];
    }
    match name {
        n if n == super::models::PPOCR_V5_DET.name => PPOCR_V5_DET_CUTS,
        _ => &[],
    }
}

/// A model and the values it is cut at.
pub struct StagedModel {
    model: Model,
    /// The values handed from each stage to the next (all stages but the last).
    cuts: Vec<Vec<NodeId>>,
}

impl StagedModel {
    /// `model` run in stages at `cuts` (value names); in one call when `cuts` is empty, or when a name is not
    /// in its graph or the stages do not run on a small input (logged).
    pub fn new(model: Model, cuts: &[&[&str]]) -> StagedModel {
        let found: Option<Vec<Vec<NodeId>>> = cuts
            .iter()
            .map(|cut| cut.iter().map(|name| model.find_node(name)).collect())
            .collect();
        let mut staged = StagedModel {
            model,
            cuts: found.unwrap_or_default(),
        };
        if staged.cuts.is_empty() != cuts.is_empty() {
            tracing::warn!("the model's graph lacks a value of its cuts: it runs in one call");
        } else if !staged.cuts.is_empty() {
            // A stage whose inputs do not cover what it reads fails only when it runs: try them once.
            if let Err(e) = staged.run_owned(NdTensor::zeros([1, 3, 64, 64])) {
                tracing::warn!("the model does not run in stages ({e}): it runs in one call");
                staged.cuts.clear();
            }
        }
        staged
    }

    /// How many calls one run takes.
    pub fn stages(&self) -> usize {
        self.cuts.len() + 1
    }

    fn run_stages(&self, input: ValueOrView, pixels: usize) -> Result<Tensor<f32>, String> {
        let (&input_id, &output_id) = self
            .model
            .input_ids()
            .first()
            .zip(self.model.output_ids().first())
            .ok_or("the model has no input or no output")?;
        // A large input's stages free tens of megabytes each: give them back before the next stage maps its own.
        let large = pixels as u64 > super::heap::KEEP_PIXELS;
        let mut values: Vec<(NodeId, ValueOrView)> = vec![(input_id, input)];
        for (k, cut) in self.cuts.iter().enumerate() {
            if k > 0 && large {
                super::heap::purge_now();
            }
            let out = self
                .model
                .run(std::mem::take(&mut values), cut, None)
                .map_err(|e| e.to_string())?;
            values = cut
                .iter()
                .copied()
                .zip(out.into_iter().map(ValueOrView::from))
                .collect();
        }
        if large && !self.cuts.is_empty() {
            super::heap::purge_now();
        }
        let mut out = self
            .model
            .run(values, &[output_id], None)
            .map_err(|e| e.to_string())?;
        let out = out.pop().ok_or("the model gave no output")?;
        out.try_into()
            .map_err(|e: rten::TryFromValueError| e.to_string())
    }
}

impl InferenceModel for StagedModel {
    fn run(&self, input: NdTensorView<f32, 4>) -> Result<Tensor<f32>, String> {
        let [_, _, h, w] = input.shape();
        self.run_stages(input.into(), h * w)
    }

    fn run_owned(&self, input: NdTensor<f32, 4>) -> Result<Tensor<f32>, String> {
        let [_, _, h, w] = input.shape();
        self.run_stages(Value::from(input.into_dyn()).into(), h * w)
    }

    /// In one call (the recogniser's batches run this way; they are small).
    fn run_in(
        &self,
        input: NdTensorView<f32, 4>,
        pool: &Arc<rten::ThreadPool>,
    ) -> Result<Tensor<f32>, String> {
        self.model.run_in(input, pool)
    }

    fn output_classes(&self) -> Option<usize> {
        self.model.output_classes()
    }
}
