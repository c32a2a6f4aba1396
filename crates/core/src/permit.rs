//! Which user calls the RFC accepts in which state (§3.10.1 to §3.10.5), without running them:
//! the UI disables a control when its call would be rejected, and says why.

use crate::endpoint::{Call, CallError};
use crate::state::State;

/// `Ok` when `call` is accepted in `state`, else the RFC's error for it.
pub fn permitted(state: State, call: Call) -> Result<(), CallError> {
    use State::*;
    match call {
        Call::Listen => match state {
            Closed => Ok(()),
            _ => Err(CallError::ConnectionExists),
        },
        Call::Connect => match state {
            Closed | Listen => Ok(()),
            _ => Err(CallError::ConnectionExists),
        },
        Call::Send(_) => match state {
            Closed => Err(CallError::ConnectionDoesNotExist),
            Listen => Err(CallError::RemoteUnspecified),
            SynSent | SynReceived | Established | CloseWait => Ok(()),
            FinWait1 | FinWait2 | Closing | LastAck | TimeWait => Err(CallError::ConnectionClosing),
        },
        Call::Close | Call::Shutdown => match state {
            Closed => Err(CallError::ConnectionDoesNotExist),
            Listen | SynSent | SynReceived | Established | CloseWait => Ok(()),
            FinWait1 | FinWait2 | Closing | LastAck | TimeWait => Err(CallError::ConnectionClosing),
        },
        Call::Abort | Call::Crash => match state {
            Closed => Err(CallError::ConnectionDoesNotExist),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script;
    use crate::trace::Peer;

    /// Scripts that leave peer A in each of the eleven states.
    const REACH: &[(State, &str)] = &[
        (State::Closed, ""),
        (State::Listen, "A listen"),
        (State::SynSent, "A connect"),
        (State::SynReceived, "B connect\nA listen\ndeliver s1"),
        (State::Established, "B listen\nA connect\ndeliver s1\ndeliver s2"),
        (State::FinWait1, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close"),
        (State::FinWait2, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5"),
        (State::CloseWait, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nB close\ndeliver s4"),
        (State::Closing, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\nB close\ndeliver s5"),
        (State::LastAck, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nB close\ndeliver s4\nA close"),
        (State::TimeWait, "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5\nB close\ndeliver s6"),
    ];

    #[test]
    fn permitted_agrees_with_the_endpoint_in_every_state() {
        let calls = [
            Call::Listen,
            Call::Connect,
            Call::Send(10),
            Call::Close,
            Call::Shutdown,
            Call::Abort,
            Call::Crash,
        ];
        for (state, src) in REACH {
            let outcome = script::run_source(src).expect("fixture scripts parse");
            assert_eq!(outcome.sim.state(Peer::A), *state, "fixture for {state}");
            for call in calls {
                let mut sim = outcome.sim.clone();
                let actual = sim.call(Peer::A, call);
                assert_eq!(permitted(*state, call), actual, "{call} in {state}");
            }
        }
    }
}
