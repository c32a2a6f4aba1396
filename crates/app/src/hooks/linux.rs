//! The Linux view: what an engineer sees on a Linux host. The app provides the switch as a
//! context, so that every component that names a state can spell it as `ss -tan` does
//! without a new prop on each.

use synack_core::State;
use yew::prelude::*;

/// Whether the Linux view is on (the context's value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinuxView(pub bool);

/// The Linux view's switch, for a function component.
#[hook]
pub fn use_linux() -> bool {
    use_context::<LinuxView>().unwrap_or_default().0
}

/// A state's name as the page shows it: the RFC's (script) spelling, or `ss`'s in the Linux
/// view (`ESTAB`, `SYN-RECV`, `TIME-WAIT`, and `UNCONN` for a socket with no connection).
pub fn state_label(state: State, linux: bool) -> &'static str {
    if linux {
        state.ss_name()
    } else {
        state.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_linux_view_spells_states_as_ss_does() {
        assert_eq!(state_label(State::Established, true), "ESTAB");
        assert_eq!(state_label(State::SynReceived, true), "SYN-RECV");
        assert_eq!(state_label(State::TimeWait, true), "TIME-WAIT");
        assert_eq!(state_label(State::CloseWait, true), "CLOSE-WAIT");
        assert_eq!(state_label(State::Closed, true), "UNCONN");
        assert_eq!(state_label(State::TimeWait, false), "TIME_WAIT");
    }
}
