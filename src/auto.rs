//! Auto mode's gates: image gate, stable wait, text gate, adaptive cadence (being written).
