//! Catalog keys for the engine's enums. Each comes from a function that matches every variant
//! without a wildcard, so a new variant does not compile until it has its text; the tests walk
//! every variant's key in both languages (timers' keys are `Timer::key`, see `timer_title`).

use synack_core::{CallError, Signal};

/// Every reason the RFC gives for refusing a user call.
pub const CALL_ERRORS: [CallError; 4] = [
    CallError::ConnectionExists,
    CallError::ConnectionDoesNotExist,
    CallError::ConnectionClosing,
    CallError::RemoteUnspecified,
];

/// The catalog key of a refused call's error.
pub fn call_error_key(e: CallError) -> &'static str {
    match e {
        CallError::ConnectionExists => "peer.err.connection_exists",
        CallError::ConnectionDoesNotExist => "peer.err.connection_does_not_exist",
        CallError::ConnectionClosing => "peer.err.connection_closing",
        CallError::RemoteUnspecified => "peer.err.remote_unspecified",
    }
}

/// Every signal to a peer's user.
pub const SIGNALS: [Signal; 4] = [
    Signal::Reset,
    Signal::Refused,
    Signal::TimedOut,
    Signal::Closing,
];

/// The catalog key of a signal to the user.
pub fn signal_key(s: Signal) -> &'static str {
    match s {
        Signal::Reset => "peer.signal.reset",
        Signal::Refused => "peer.signal.refused",
        Signal::TimedOut => "peer.signal.timed_out",
        Signal::Closing => "peer.signal.closing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::Timer;

    use crate::i18n::{timer_title, tr_dyn, Lang};

    #[test]
    fn every_variant_has_its_text_in_both_languages() {
        crate::i18n::tests::install_chinese();
        let keys = CALL_ERRORS
            .into_iter()
            .map(call_error_key)
            .chain(SIGNALS.into_iter().map(signal_key));
        let mut seen = std::collections::BTreeSet::new();
        for key in keys {
            assert!(seen.insert(key), "`{key}` names two variants");
            let (en, zh) = (tr_dyn(Lang::En, key), tr_dyn(Lang::Zh, key));
            assert!(!en.is_empty(), "`{key}` is missing in English");
            assert!(!zh.is_empty() && zh != en, "`{key}` is not translated");
        }
        assert_eq!(seen.len(), CALL_ERRORS.len() + SIGNALS.len());
        for timer in Timer::ALL {
            let (en, zh) = (timer_title(Lang::En, timer), timer_title(Lang::Zh, timer));
            assert!(
                !en.is_empty() && zh != en,
                "{timer:?} has no title in both languages"
            );
        }
    }
}
