//! The run's settings at one point of its log: what every `set` before it left. The timeline
//! keeps one [`Settings`] per configuration event, so a past moment is drawn with its own
//! delivery mode and latency, never the live end's.
//!
//! This is the one place that reads a configuration event; it applies it the way the engine
//! does (`NetworkSettings::apply`, `Config::apply`).

use synack_core::{Config, Event, NetworkSettings};

/// Every setting of the run at one point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Latency, delivery mode, loss and seed.
    pub network: NetworkSettings,
    /// The endpoints' settings (both peers share them).
    pub config: Config,
}

impl Settings {
    /// The settings after `event`, when it is a configuration change.
    pub fn after(&self, event: &Event) -> Option<Settings> {
        let Event::Config(setting) = event else {
            return None;
        };
        let mut next = self.clone();
        // A setting is either the network's or the endpoints': one of these takes it.
        if !next.network.apply(setting) {
            next.config.apply(setting);
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::{script, Delivery, Duration, Profile};

    #[test]
    fn settings_follow_the_set_lines_of_a_run() {
        let sim = script::run_source(
            "set delivery auto\nset latency 200ms\nset loss 1.5%\nset seed 9\nset profile linux\nset msl 1s\n",
        )
        .unwrap()
        .sim;
        let mut s = Settings::default();
        for e in sim.trace() {
            if let Some(next) = s.after(&e.event) {
                s = next;
            }
        }
        assert_eq!(s.network.delivery, Delivery::Auto);
        assert_eq!(s.network.latency, Duration::from_millis(200));
        assert_eq!(s.network.loss_ppm, 15_000);
        assert_eq!(s.network.seed, 9);
        assert_eq!(s.config.profile, Profile::Linux);
        assert_eq!(s.config.msl, Duration::from_secs(1));
        assert_eq!(
            s.network,
            *sim.network(),
            "the log's settings are the engine's"
        );
        assert_eq!(s.config, *sim.endpoint(synack_core::Peer::A).config());
    }
}
