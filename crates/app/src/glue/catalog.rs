//! Loading the catalogs the page does not embed: Chinese (fetched when first chosen) and the
//! lazy English areas (fetched when first shown), and telling the document its language.

use crate::i18n::{self, Lang, AREAS};
use crate::model::state::{Action, Notice};

/// Where the page fetches a Chinese catalog file.
pub fn zh_url(area: &str) -> String {
    format!("i18n/zh/{area}.txt")
}

/// Fetches every Chinese catalog file and installs them; after this, `tr(Lang::Zh, ..)` answers
/// in Chinese. Does nothing for English or when Chinese is already installed.
pub async fn load(lang: Lang) -> Result<(), String> {
    if lang == Lang::En || i18n::chinese_ready() {
        return Ok(());
    }
    let mut texts = Vec::new();
    for area in AREAS.iter().copied().chain(["rules"]) {
        texts.push(crate::glue::fetch::text(&zh_url(area)).await?);
    }
    i18n::install(texts);
    Ok(())
}

/// Fetches the English file of a lazy area (`LAZY_AREAS`, e.g. `states`) once; the Chinese
/// one comes with the rest of Chinese (see [`load`]).
pub async fn load_area(area: &'static str) -> Result<(), String> {
    if i18n::area_ready(area) {
        return Ok(());
    }
    let text = crate::glue::fetch::text(&format!("i18n/en/{area}.txt")).await?;
    i18n::install_area(area, text);
    Ok(())
}

/// Tells the document which language it is in: `<html lang>` (so that the browser picks CJK
/// fonts and hyphenation) and the window title.
pub fn apply_to_document(lang: Lang) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(html) = doc.document_element() {
        let code = match lang {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        };
        let _ = html.set_attribute("lang", code);
    }
    doc.set_title(i18n::tr(lang, "app.doc_title"));
}

/// Shows the page in `lang`: at once for English, after fetching the catalog for Chinese (a
/// failed fetch keeps the current language and says why). `remember` puts the choice in the
/// URL, for a user's toggle but not for the language the page opened in.
pub fn switch_language(lang: Lang, dispatch: yew::Callback<Action>, remember: bool) {
    wasm_bindgen_futures::spawn_local(async move {
        match load(lang).await {
            Ok(()) => {
                if remember {
                    crate::glue::link::remember_in_url(lang);
                }
                dispatch.emit(Action::SetLang(lang));
            }
            Err(e) => dispatch.emit(Action::Notify(Notice::LangLoadFailed(e))),
        }
    });
}
