//! Parts of the capture view (capture_view.rs) that have one job each: the per-connection
//! diagnosis and the time-sequence graph. They are reached only from the capture view, so
//! they travel in its lazily loaded module.

pub mod diagnosis;
pub mod tseq;
