//! The built-in scenarios of `scenarios/`: their names and titles are built in; their text is
//! fetched from `scenarios/<name>.tcps` next to the page when one is chosen.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// Where the page finds a scenario's text (Trunk copies `scenarios/` into the build).
pub fn url(name: &str) -> String {
    format!("scenarios/{name}.tcps")
}

/// Fetches a scenario's text.
#[cfg(target_arch = "wasm32")]
pub async fn fetch(name: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let failed = |e: wasm_bindgen::JsValue| {
        format!(
            "cannot load {}: {}",
            url(name),
            e.as_string().unwrap_or_else(|| "network error".into())
        )
    };
    let resp = JsFuture::from(window.fetch_with_str(&url(name)))
        .await
        .map_err(failed)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(failed)?;
    if !resp.ok() {
        return Err(format!("cannot load {}: HTTP {}", url(name), resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string()
        .ok_or_else(|| format!("{} is not text", url(name)))
}

/// Natively (tests, tools) the scenarios are read from the source tree.
#[cfg(not(target_arch = "wasm32"))]
pub async fn fetch(name: &str) -> Result<String, String> {
    let path = format!("{}/../../{}", env!("CARGO_MANIFEST_DIR"), url(name));
    std::fs::read_to_string(&path).map_err(|e| format!("cannot load {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_passing_script() {
        assert!(PRESETS.iter().any(|(name, _)| *name == DEFAULT_PRESET));
        assert_eq!(
            PRESETS.len(),
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios"))
                .unwrap()
                .count()
        );
        for (name, title) in PRESETS {
            assert!(!title.is_empty(), "{name}");
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
