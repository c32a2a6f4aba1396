//! The Linux view's panel "Where Linux differs from RFC 9293": one short paragraph per
//! difference, and a button that switches the engine to Linux's timers.

use synack_core::script::Command;
use synack_core::{Profile, Setting};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::tr;
use crate::model::state::Action;

/// The differences, in the order the panel lists them: (title key, text key). Each states
/// only what the Linux lab (`bash scripts/linux-lab.sh`) saw the kernel do.
const NOTES: [(&str, &str); 13] = [
    ("linux.n_time_wait", "linux.n_time_wait_text"),
    ("linux.n_fin_timeout", "linux.n_fin_timeout_text"),
    ("linux.n_close", "linux.n_close_text"),
    ("linux.n_syn_recv", "linux.n_syn_recv_text"),
    ("linux.n_rto", "linux.n_rto_text"),
    ("linux.n_retries", "linux.n_retries_text"),
    ("linux.n_challenge", "linux.n_challenge_text"),
    ("linux.n_rfc1337", "linux.n_rfc1337_text"),
    ("linux.n_tw_syn", "linux.n_tw_syn_text"),
    ("linux.n_resets", "linux.n_resets_text"),
    ("linux.n_zero_window", "linux.n_zero_window_text"),
    ("linux.n_handshake_extras", "linux.n_handshake_extras_text"),
    ("linux.n_delayed_ack", "linux.n_delayed_ack_text"),
];

#[derive(Properties, PartialEq, Clone)]
pub struct LinuxNotesProps {
    /// The engine already runs with `set profile linux`.
    pub profile_on: bool,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The Linux view's notes, fetched with its socket table.
    pub static LINUX_NOTES = LinuxNotes(LinuxNotesProps) in linux, areas: &["linux-view"], stylesheets: &["linux.css"];
}

#[function_component(LinuxNotes)]
pub fn linux_notes(props: &LinuxNotesProps) -> Html {
    let lang = use_lang();
    let apply = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            d.emit(Action::Do(Command::Set(Setting::Profile(Profile::Linux))))
        })
    };
    html! {
        <section class="linux-notes" data-testid="linux-notes" aria-label={tr(lang, "linux.notes_title")}>
            <h3>{ tr(lang, "linux.notes_title") }</h3>
            <p class="muted">{ tr(lang, "linux.notes_intro") }</p>
            <dl>
                { for NOTES.iter().map(|&(title, text)| html! {
                    <>
                        <dt>{ tr(lang, title) }</dt>
                        <dd>{ tr(lang, text) }</dd>
                    </>
                }) }
            </dl>
            if props.profile_on {
                <p class="muted" data-testid="linux-profile-on">{ tr(lang, "linux.profile_on") }</p>
            } else {
                <button data-action="linux-profile" onclick={apply}>{ tr(lang, "linux.apply_profile") }</button>
                <p class="muted">{ tr(lang, "linux.apply_hint") }</p>
            }
        </section>
    }
}
