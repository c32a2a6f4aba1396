//! The model: plain Rust, tested natively, with no browser in sight. The session is the write
//! side (the script and the engine that ran it), the timeline indexes its log, and a frame
//! answers what the views ask at one cursor; `state` holds the actions and the reducer.

pub mod capture;
pub mod diagram_layout;
pub mod explain;
pub mod lesson;
pub mod presets;
pub mod session;
pub mod state;
pub mod timeline;
