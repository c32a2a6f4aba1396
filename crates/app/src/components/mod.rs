//! One component per file; each repeated SVG shape is a plain function, not a component.

pub mod anchored;
pub mod capture;
pub mod capture_chart;
pub mod capture_view;
pub mod cc_panel;
pub mod cc_views;
pub mod chart;
pub mod coach;
pub mod diagram;
pub mod explore;
pub mod export;
pub mod hex_view;
pub mod inject;
pub mod inspector;
pub mod ladder;
pub mod lesson;
pub mod linux_notes;
pub mod notice_bar;
pub mod peer_panel;
pub mod script_panel;
pub mod segment_menu;
pub mod share;
pub mod socket_table;
pub mod state_explanation;
pub mod time_controls;
pub mod top_bar;
