//! Browser glue: what talks to the page's surroundings (the network, the URL, the capture
//! worker, the document) rather than to the model.

pub mod catalog;
pub mod explore_worker;
pub mod fetch;
pub mod focus;
pub mod link;
pub mod storage;
pub mod worker;
