//! What each state means, in plain words: shown when a state of the diagram is clicked. The
//! text lives in the `states` catalog (`web/i18n/{en,zh}/states.txt`), one key per field:
//! `state.<name>.meaning`, `.arrival`, `.waits_for`, `.in_practice`, where `<name>` is the
//! state's RFC name in lower case (`state.syn_rcvd.meaning`).

use synack_core::State;

use crate::i18n::{tr_dyn, Lang};

/// An explanation of one state.
pub struct Explanation {
    /// What the state means.
    pub meaning: &'static str,
    /// How a connection gets there.
    pub arrival: &'static str,
    /// What it is waiting for, and where it goes next.
    pub waits_for: &'static str,
    /// What you may notice about it in `ss` or `netstat`.
    pub in_practice: &'static str,
}

/// The fields of an explanation, as they end the catalog keys.
pub const FIELDS: [&str; 4] = ["meaning", "arrival", "waits_for", "in_practice"];

/// The catalog key of one field of a state's explanation.
pub fn key(state: State, field: &str) -> String {
    format!("state.{}.{field}", state.name().to_ascii_lowercase())
}

pub fn explain(lang: Lang, state: State) -> Explanation {
    let field = |f: &str| tr_dyn(lang, &key(state, f));
    Explanation {
        meaning: field("meaning"),
        arrival: field("arrival"),
        waits_for: field("waits_for"),
        in_practice: field("in_practice"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_is_explained_in_full() {
        for state in State::ALL {
            let ex = explain(Lang::En, state);
            for (field, text) in
                FIELDS
                    .iter()
                    .zip([ex.meaning, ex.arrival, ex.waits_for, ex.in_practice])
            {
                assert!(
                    text.len() > 20,
                    "{state}: `{}` is missing or too short: {text:?}",
                    key(state, field)
                );
            }
        }
    }

    #[test]
    fn explanations_say_what_the_state_is_about() {
        assert!(explain(Lang::En, State::CloseWait)
            .in_practice
            .contains("application bug"));
        assert!(explain(Lang::En, State::TimeWait).meaning.contains("2MSL"));
        assert!(explain(Lang::En, State::SynSent).meaning.contains("SYN"));
    }
}
