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
        // §3.10.3: CLOSE-WAIT serves only data already on hand (the endpoint knows whether
        // there is some); CLOSING, LAST-ACK and TIME-WAIT answer "connection closing".
        Call::Read(_) => match state {
            Closed => Err(CallError::ConnectionDoesNotExist),
            Closing | LastAck | TimeWait => Err(CallError::ConnectionClosing),
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
            Call::Read(10),
        ];
        for (state, src) in REACH {
            let outcome = script::run_source(src).expect("fixture scripts parse");
            assert_eq!(outcome.sim.state(Peer::A), *state, "fixture for {state}");
            for call in calls {
                if *state == State::CloseWait && call == Call::Read(10) {
                    // Depends on unread data, which the state alone does not tell: see
                    // `a_read_in_close_wait_depends_on_unread_data`.
                    continue;
                }
                let mut sim = outcome.sim.clone();
                let actual = sim.call(Peer::A, call);
                assert_eq!(permitted(*state, call), actual, "{call} in {state}");
            }
        }
    }

    #[test]
    fn a_read_in_close_wait_depends_on_unread_data() {
        assert_eq!(permitted(State::CloseWait, Call::Read(1)), Ok(()));
        let src = "set read manual\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nB send 10\ndeliver s4\nB close\n";
        let mut sim = script::run_source(src).expect("parses").sim;
        let fin = sim.in_flight().last().map(|f| f.label).expect("B's FIN");
        sim.deliver(fin).expect("in flight");
        assert_eq!(sim.state(Peer::A), State::CloseWait);
        assert_eq!(sim.call(Peer::A, Call::Read(10)), Ok(()));
        assert_eq!(
            sim.call(Peer::A, Call::Read(10)),
            Err(CallError::ConnectionClosing)
        );
    }
}
