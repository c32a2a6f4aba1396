//! Fetching same-origin text files that Trunk copies next to the page (scenarios, lessons,
//! the Chinese catalogs), so that they do not weigh on the wasm bundle.

/// Fetches `url` (relative to the page) as text.
#[cfg(target_arch = "wasm32")]
pub async fn text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let failed = |e: wasm_bindgen::JsValue| {
        format!(
            "cannot load {url}: {}",
            e.as_string().unwrap_or_else(|| "network error".into())
        )
    };
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(failed)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(failed)?;
    if !resp.ok() {
        return Err(format!("cannot load {url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}

/// Natively (tests, tools) the files are read from the source tree, where `url`'s first
/// folder is `web/<folder>` or a top-level folder (`scenarios/`, `lessons/`).
#[cfg(not(target_arch = "wasm32"))]
pub async fn text(url: &str) -> Result<String, String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let top = format!("{root}/{url}");
    let path = if std::path::Path::new(&top).exists() {
        top
    } else {
        format!("{root}/web/{url}")
    };
    std::fs::read_to_string(&path).map_err(|e| format!("cannot load {path}: {e}"))
}
