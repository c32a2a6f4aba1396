//! synack-app: the browser visualizer. The model (`session`, `timeline`, `state`) is plain
//! Rust, tested natively; the components render it with Yew.

pub mod app;
pub mod capture;
pub mod components;
pub mod diagram_layout;
pub mod explain;
pub mod fetch;
pub mod i18n;
pub mod lesson;
pub mod linux;
pub mod presets;
pub mod session;
pub mod state;
pub mod svg;
pub mod timeline;
pub mod url;
