//! What each state means, in plain words: shown when a state of the diagram is clicked.

use synack_core::State;

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

pub fn explain(state: State) -> Explanation {
    match state {
        State::Closed => Explanation {
            meaning: "No connection: there is no TCB, so there is nothing to remember about a peer.",
            arrival: "Every socket starts here, and every connection ends here: after TIME_WAIT, after the last ACK in LAST_ACK, or at once on a reset or an abort.",
            waits_for: "A user call: listen (passive open) or connect (active open). A segment that reaches a closed port is answered with a RST.",
            in_practice: "ss does not list closed connections: the socket is gone. A RST in answer to a SYN is what the client reports as \"connection refused\".",
        },
        State::Listen => Explanation {
            meaning: "A server socket waiting for a connection request from any peer.",
            arrival: "The application called listen (a passive open). A half-finished handshake that is reset also falls back here.",
            waits_for: "A SYN. It then answers SYN,ACK and moves to SYN_RCVD. A stray ACK gets a RST; a RST is ignored.",
            in_practice: "Every server port shows one LISTEN socket in ss -tln; its Recv-Q is the number of connections waiting to be accepted.",
        },
        State::SynSent => Explanation {
            meaning: "The active opener has sent its SYN and waits for the answer: the first step of the three-way handshake.",
            arrival: "The application called connect. A SYN occupies one sequence number, so SND.NXT is ISS+1.",
            waits_for: "A SYN,ACK that acknowledges ISS+1 (then ACK and ESTABLISHED), a SYN alone (a simultaneous open, to SYN_RCVD), or a RST (refused). Without an answer the SYN is sent again with a doubled timeout until the client gives up.",
            in_practice: "Sockets stuck in SYN-SENT mean the SYNs get no answer at all: a firewall dropping them, or a host that is down.",
        },
        State::SynReceived => Explanation {
            meaning: "A SYN arrived and was answered with SYN,ACK; the final ACK of the handshake has not come yet.",
            arrival: "From LISTEN on a SYN (the usual server side), or from SYN_SENT when both sides opened at once.",
            waits_for: "The ACK of its SYN, which makes it ESTABLISHED. A RST sends a passive opener back to LISTEN. Without the ACK the SYN,ACK is retransmitted.",
            in_practice: "Normally too brief to see. Many SYN-RECV entries mean clients that never send the third segment, as in a SYN flood.",
        },
        State::Established => Explanation {
            meaning: "The connection is open: both sides know each other's sequence numbers and data flows both ways.",
            arrival: "The active opener on the SYN,ACK; the passive opener on the ACK that completes the handshake.",
            waits_for: "Data, and eventually a close: our application's CLOSE (to FIN_WAIT_1) or the peer's FIN (to CLOSE_WAIT).",
            in_practice: "The ESTAB lines of ss. Send-Q is data not yet acknowledged by the peer; Recv-Q is data the application has not read.",
        },
        State::FinWait1 => Explanation {
            meaning: "We closed first (the active close): our FIN is sent and we wait for it to be acknowledged. We may still receive data.",
            arrival: "The application called close in ESTABLISHED (or in SYN_RCVD).",
            waits_for: "The ACK of our FIN (to FIN_WAIT_2), the peer's FIN (to CLOSING, a simultaneous close), or a FIN that also acknowledges ours (straight to TIME_WAIT).",
            in_practice: "Rarely seen, because the peer's TCP acknowledges a FIN at once. Lingering FIN-WAIT-1 points to a peer that stopped answering.",
        },
        State::FinWait2 => Explanation {
            meaning: "Our FIN is acknowledged: our direction is closed, but the peer may still send. This is the half-closed connection.",
            arrival: "From FIN_WAIT_1 when the ACK of our FIN arrives.",
            waits_for: "The peer's FIN, which we acknowledge before entering TIME_WAIT. Until then the peer's data keeps arriving.",
            in_practice: "Seen in ss when the peer's application has not closed yet. Linux gives up on an orphaned FIN-WAIT-2 after tcp_fin_timeout (60 s), which the RFC does not do.",
        },
        State::CloseWait => Explanation {
            meaning: "The peer closed its direction (we received and acknowledged its FIN). We can still send; TCP waits for our application to close.",
            arrival: "From ESTABLISHED when the peer's FIN arrives: the passive close.",
            waits_for: "Our application's close, which sends our FIN and moves to LAST_ACK. TCP itself never leaves this state.",
            in_practice: "A pile of CLOSE-WAIT sockets is an application bug: the program got end-of-file and never called close. Only fixing the program clears it.",
        },
        State::Closing => Explanation {
            meaning: "Both sides are closing at once: we sent a FIN, then received the peer's FIN before the ACK of ours.",
            arrival: "From FIN_WAIT_1 when the peer's FIN arrives first: the two FINs crossed in the network (a simultaneous close).",
            waits_for: "The ACK of our FIN, then TIME_WAIT.",
            in_practice: "Rare and short: both applications closed within one round trip of each other.",
        },
        State::LastAck => Explanation {
            meaning: "The passive closer has sent its own FIN and waits for the last ACK of the connection.",
            arrival: "From CLOSE_WAIT when our application calls close.",
            waits_for: "The ACK of our FIN, which deletes the TCB (CLOSED). If that ACK is lost, our FIN is retransmitted.",
            in_practice: "Brief. Many LAST-ACK entries mean the final ACKs are being lost, or the peer vanished after sending its FIN.",
        },
        State::TimeWait => Explanation {
            meaning: "The active closer has acknowledged the peer's FIN and waits twice the maximum segment lifetime (2MSL) before forgetting the connection.",
            arrival: "From FIN_WAIT_2 or CLOSING, or straight from FIN_WAIT_1 on a FIN that also acknowledges ours.",
            waits_for: "Time. If our last ACK was lost, the peer's FIN comes again: we acknowledge it again and restart the 2MSL wait. The wait also lets old segments of this connection die out before the same addresses and ports are used again.",
            in_practice: "Busy clients show many TIME-WAIT sockets; they are harmless and cost little. Linux holds them for a fixed 60 s.",
        },
    }
}
