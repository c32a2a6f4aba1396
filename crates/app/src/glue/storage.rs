//! The page's memory across visits (`localStorage`): whether the first steps were put away,
//! and each exercise's scores (`model::score`). Storage may be refused (private modes, a sandboxed iframe): then nothing is
//! remembered and nothing fails.

/// The key under which the first steps' dismissal is kept.
pub const FIRST_STEPS_DONE: &str = "synack.first-steps-done";

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether `key` was set on an earlier visit.
pub fn flag(key: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        false
    }
}

/// Remembers `key` for later visits.
pub fn set_flag(key: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = storage() {
        let _ = s.set_item(key, "1");
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = key;
}

/// The text kept under `key`, if any.
pub fn get(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        storage()?.get_item(key).ok().flatten()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` under `key` for later visits.
pub fn set(key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}
