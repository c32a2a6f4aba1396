//! Custom hooks: each wraps one piece of the page's environment (the language, the Linux view,
//! the link, window events, the chart's viewport, playback, keyboard shortcuts) for the
//! components.

pub mod keyboard;
pub mod ladder_link;
pub mod lang;
pub mod link;
pub mod linux;
pub mod narrow;
pub mod playback;
pub mod resize;
pub mod sticky;
pub mod viewport;
pub mod window_event;
