//! The range of every numeric setting, in one table: reading the file (and so checking the settings form)
//! refuses values outside it, and the settings page gets it (`limits` in its state) for its inputs and hints.

use crate::auto::GateSettings;
use crate::text::Text;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The lowest and highest value a setting may hold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limit {
    /// The lowest.
    pub min: f64,
    /// The highest; `None`: no upper bound.
    pub max: Option<f64>,
}

/// By dotted path (`providers.*` stands for every provider); `auto.*` comes from [`GateSettings::RANGES`].
const TABLE: &[(&str, f64, Option<f64>)] = &[
    ("network.connect_timeout_secs", 1.0, Some(120.0)),
    ("network.read_timeout_secs", 5.0, Some(3600.0)),
    ("network.total_timeout_secs", 10.0, Some(7200.0)),
    ("translation.context_lines", 0.0, Some(20.0)),
    ("providers.*.temperature", 0.0, Some(2.0)),
    ("providers.*.top_p", 0.0, Some(1.0)),
    ("providers.*.max_tokens", 1.0, None),
    ("overlay.font_size", 10.0, Some(72.0)),
    ("overlay.outline_width", 0.0, Some(6.0)),
    ("overlay.background_opacity", 0.0, Some(1.0)),
    ("overlay.width", 200.0, Some(2000.0)),
    ("memory.max_entries", 1_000.0, Some(10_000_000.0)),
    ("memory.history_days", 0.0, Some(36_500.0)),
    ("memory.history_max_rows", 1_000.0, Some(10_000_000.0)),
    ("output.websocket_port", 1_024.0, Some(65_535.0)),
    ("output.rate", 0.5, Some(2.0)),
];

/// The range of the setting at `path` (`overlay.font_size`, `providers.kimi.temperature`), if it has one.
pub fn limit(path: &str) -> Option<Limit> {
    let general = match path.strip_prefix("providers.") {
        Some(rest) => rest
            .split_once('.')
            .map(|(_, key)| format!("providers.*.{key}")),
        None => None,
    };
    let path = general.as_deref().unwrap_or(path);
    limits().remove(path)
}

/// Every range, by path: the table, the gates of auto mode, the active region's slot, and (as a length in
/// characters) a saved region's name.
pub fn limits() -> BTreeMap<String, Limit> {
    let mut out: BTreeMap<String, Limit> = TABLE
        .iter()
        .map(|&(path, min, max)| (path.to_string(), Limit { min, max }))
        .collect();
    for (name, min, max) in GateSettings::RANGES {
        out.insert(
            format!("auto.{name}"),
            Limit {
                min,
                max: Some(max),
            },
        );
    }
    let last_slot = (super::REGION_SLOTS - 1) as f64;
    out.insert(
        "regions.active".into(),
        Limit {
            min: 0.0,
            max: Some(last_slot),
        },
    );
    out.insert(
        "regions.slots.*.name".into(),
        Limit {
            min: 0.0,
            max: Some(super::REGION_NAME_MAX as f64),
        },
    );
    out
}

/// A number a setting holds, compared with a [`Limit`] in its own type (an `f32` setting at exactly the
/// lowest value is inside).
pub trait Number: Copy + PartialOrd + fmt::Display {
    /// The limit `v` in this type.
    fn from_f64(v: f64) -> Self;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn from_f64(v: f64) -> Self {
                v as $t
            }
        }
    )*};
}
number!(u16, u32, u64, usize, f32, f64);

impl Limit {
    /// Refuses `v` outside the range, saying so (NaN too).
    pub fn check<T: Number>(&self, v: T) -> Result<(), Text> {
        let above = T::from_f64(self.min) <= v;
        let below = self.max.is_none_or(|hi| v <= T::from_f64(hi));
        match (above && below, self.max) {
            (true, _) => Ok(()),
            (false, Some(hi)) => Err(Text::new("err.range").with("min", self.min).with("max", hi)),
            (false, None) => Err(Text::new("err.at_least").with("min", self.min)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_by_path_in_the_settings_own_types() {
        assert_eq!(
            limit("providers.kimi.temperature"),
            Some(Limit {
                min: 0.0,
                max: Some(2.0)
            })
        );
        assert_eq!(limit("auto.image_threshold").unwrap().min, 0.005);
        assert_eq!(limit("regions.active").unwrap().max, Some(3.0));
        assert_eq!(limit("overlay.locked"), None);
        let l = limit("auto.image_threshold").unwrap();
        assert!(l.check(0.005_f32).is_ok());
        assert!(l.check(f32::NAN).is_err());
        assert_eq!(
            limit("overlay.font_size").unwrap().check(9_u32),
            Err(Text::new("err.range").with("min", 10).with("max", 72))
        );
        assert_eq!(
            limit("providers.openai.max_tokens").unwrap().check(0_u32),
            Err(Text::new("err.at_least").with("min", 1))
        );
    }
}
