//! Model runs side by side, one per core, each on a single-thread rten pool.
//!
//! The OCR models are made of many small operators; one core each keeps them busy far better than rten's
//! pool splitting every operator across all cores (measured: the detector on one core takes 1.6× its time on
//! two, not 2×). So the recogniser's batches are independent jobs, run `count` at a time. (The detector runs
//! whole on rten's pool: cut into tiles it reads differently, see benches/RESULTS.md.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::OcrError;

/// Single-thread pools, made on first use.
pub struct Workers {
    count: usize,
    pools: OnceLock<Vec<Arc<rten::ThreadPool>>>,
}

impl Workers {
    /// `count` jobs at a time (0 = one per core).
    pub fn new(count: usize) -> Workers {
        let count = match count {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Workers {
            count,
            pools: OnceLock::new(),
        }
    }

    /// How many jobs run at a time.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Runs `job(i, pool)` for each `i` in `0..jobs`, up to [`Workers::count`] at a time, taken in index
    /// order (put the costliest first); the results come back in index order. The first error is returned.
    pub fn run<T: Send>(
        &self,
        jobs: usize,
        stage: &'static str,
        job: impl Fn(usize, &Arc<rten::ThreadPool>) -> Result<T, OcrError> + Sync,
    ) -> Result<Vec<T>, OcrError> {
        let pools = self.pools.get_or_init(|| {
            (0..self.count)
                .map(|_| Arc::new(rten::ThreadPool::with_num_threads(1)))
                .collect()
        });
        let workers = self.count.min(jobs);
        let next = AtomicUsize::new(0);
        let (next, job) = (&next, &job);
        let per_worker: Vec<Result<Vec<(usize, T)>, OcrError>> = std::thread::scope(|s| {
            let handles: Vec<_> = pools[..workers]
                .iter()
                .map(|pool| {
                    s.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= jobs {
                                return Ok(done);
                            }
                            done.push((i, job(i, pool)?));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(OcrError::Inference {
                            stage,
                            reason: format!("a {stage} thread panicked"),
                        })
                    })
                })
                .collect()
        });
        let mut results: Vec<Option<T>> = (0..jobs).map(|_| None).collect();
        for r in per_worker {
            for (i, t) in r? {
                results[i] = Some(t);
            }
        }
        Ok(results.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_job_order_and_errors_surface() {
        let w = Workers::new(2);
        assert_eq!(w.count(), 2);
        let out = w.run(7, "test", |i, _| Ok(i * 10)).unwrap();
        assert_eq!(out, vec![0, 10, 20, 30, 40, 50, 60]);
        let err = w
            .run(5, "test", |i, _| {
                if i == 3 {
                    Err(OcrError::Inference {
                        stage: "test",
                        reason: "job 3".into(),
                    })
                } else {
                    Ok(i)
                }
            })
            .unwrap_err();
        assert!(err.to_string().contains("job 3"), "{err}");
        assert!(w.run(0, "test", |i, _| Ok(i)).unwrap().is_empty());
        assert!(Workers::new(0).count() >= 1);
    }
}
