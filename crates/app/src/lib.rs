//! synack-app: the browser visualizer.
//!
//! - [`model`]: the session, the timeline, the per-cursor frame, the actions and the reducer,
//!   the lessons and the geometry of the pictures; plain Rust, tested natively.
//! - [`glue`]: fetching files, links (the URL), the capture worker, loading catalogs.
//! - [`hooks`]: the custom hooks the components use.
//! - [`components`]: one Yew component per file; [`app`] puts them together.
//! - [`i18n`]: the English and Chinese catalogs and lookups.
//! - [`lazy`]: the parts of the page fetched on first use (their code, texts and stylesheets).

pub mod app;
pub mod components;
pub mod glue;
pub mod hooks;
pub mod i18n;
pub mod lazy;
pub mod model;
pub mod svg;
