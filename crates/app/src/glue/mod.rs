//! Browser glue: what talks to the page's surroundings (the network, the URL, the capture
//! worker, the document) rather than to the model.

pub mod catalog;
pub mod fetch;
pub mod link;
pub mod storage;
pub mod worker;
