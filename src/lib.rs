//! ocrlay's core: settings, the provider catalog and client, local OCR and the translation pipeline.
//!
//! Nothing here knows about windows: the GUI, the CLI and the tests all drive the same functions.

#![deny(clippy::all)]
#![warn(missing_docs)]

pub mod app;
pub mod auto;
pub mod capture;
pub mod config;
pub mod files;
pub mod filters;
pub mod images;
pub mod lang;
pub mod memory;
pub mod ocr;
pub mod outputs;
pub mod paths;
pub mod pipeline;
pub mod probe;
pub mod providers;
pub mod speech;
pub mod text;
