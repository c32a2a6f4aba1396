//! The page's language as a hook.

use yew::prelude::*;

use crate::i18n::Lang;

/// The page's language, provided by the app as a context so that every component re-renders
/// when it changes.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The page's language, kept in step with the browser: at first, the link's or the browser's
/// choice (Chinese once its catalog has arrived); then `<html lang>` and the title follow
/// `lang`.
#[hook]
pub fn use_page_language(lang: Lang, dispatch: Callback<crate::model::state::Action>) {
    use_effect_with((), move |_| {
        let first = crate::glue::link::browser_initial_lang();
        if first != Lang::En {
            crate::glue::catalog::switch_language(first, dispatch, false);
        }
    });
    use_effect_with(lang, |lang| crate::glue::catalog::apply_to_document(*lang));
}
