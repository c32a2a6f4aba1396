//! The model: plain Rust, tested natively, with no browser in sight. The session is the write
//! side (the script and the engine that ran it), the timeline indexes its log, and a frame
//! answers what the views ask at one cursor; `state` holds the actions and the reducer.

pub mod capture;
pub mod cc;
pub mod chart_band;
pub mod chart_labels;
pub mod chart_layout;
pub mod chunked;
pub mod diagram_layout;
pub mod exercise;
pub mod explain;
pub mod explore;
pub mod first_steps;
pub mod frame;
pub mod inject;
pub mod ladder;
pub mod lesson;
pub mod notice;
pub mod placement;
pub mod presets;
pub mod score;
pub mod session;
pub mod settings;
pub mod shared;
pub mod ss;
pub mod state;
pub mod timeline;
