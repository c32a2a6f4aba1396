//! The built-in scenarios of `scenarios/`: their names and titles are built in; their text is
//! fetched from `scenarios/<name>.tcps` next to the page when one is chosen.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// Where the page finds a scenario's text (Trunk copies `scenarios/` into the build).
pub fn url(name: &str) -> String {
    format!("scenarios/{name}.tcps")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_passing_script() {
        assert!(PRESETS.iter().any(|(name, _, _)| *name == DEFAULT_PRESET));
        assert_eq!(
            PRESETS.len(),
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios"))
                .unwrap()
                .count()
        );
        for (name, title, title_zh) in PRESETS {
            assert!(!title.is_empty(), "{name}");
            // The Scenarios menu speaks both languages: every scenario has a `title zh` line.
            assert!(
                title_zh
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}: add a `title zh` line with a Chinese title"
            );
            let path = format!("{}/../../{}", env!("CARGO_MANIFEST_DIR"), url(name));
            let text = std::fs::read_to_string(&path).unwrap();
            let outcome = synack_core::script::run_source(&text).unwrap();
            assert!(
                outcome.passed(),
                "{name}: {:?} {:?}",
                outcome.failures,
                outcome.error
            );
        }
    }
}
