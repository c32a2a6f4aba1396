//! The page's language as a hook.

use yew::prelude::*;

use crate::i18n::Lang;

/// The page's language, provided by the app as a context so that every component re-renders
/// when it changes.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}
