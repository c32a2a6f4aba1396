//! English and Simplified Chinese.
//!
//! Every piece of text the page shows is looked up by key in a catalog: `web/i18n/en/*.txt`
//! (embedded, so the page can draw at once) and `web/i18n/zh/*.txt` (fetched when Chinese is
//! first chosen, so that it costs the English reader nothing). One file per area of the UI, with
//! the same name in both folders. The rule reasons are the exception on the English side: they
//! come from `synack_core::Rule::reason`, and `zh/rules.txt` translates them by `Rule::key`.
//!
//! Catalog format: one `key = value` per line; `#` starts a comment line; `\n` in a value is a
//! line break; `{name}` is a placeholder filled by [`fill`].

use std::cell::RefCell;
use std::collections::HashMap;

use synack_core::{Rule, Timer};
use yew::prelude::*;

include!(concat!(env!("OUT_DIR"), "/i18n.rs"));

/// The page's language: the engine's own [`synack_core::Language`], which lesson lines name.
pub use synack_core::Language as Lang;

/// The language the page opens in: the URL's `lang` parameter if it names a language we have
/// (`?lang=zh`, `?lang=en`), else the first of the browser's preferred languages that we have
/// (`navigator.language` first, then `navigator.languages`), else English.
pub fn initial_lang(query: &str, browser_langs: &[String]) -> Lang {
    query_param(query, "lang")
        .and_then(Lang::from_tag)
        .or_else(|| browser_langs.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or_default()
}

/// The value of `name` in a query string (`?a=1&lang=zh`), if present.
fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The query string with `lang` set to `lang`, every other parameter kept as it was and in
/// its place (a new `lang` goes last). Returns it with its leading `?`.
pub fn with_lang_param(query: &str, lang: Lang) -> String {
    let mut found = false;
    let mut parts: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "lang" || p.starts_with("lang=") {
                found = true;
                format!("lang={}", lang.code())
            } else {
                p.to_string()
            }
        })
        .collect();
    if !found {
        parts.push(format!("lang={}", lang.code()));
    }
    format!("?{}", parts.join("&"))
}

/// The page's language as the browser sees it: [`initial_lang`] of the page's query string and
/// the browser's preferred languages.
pub fn browser_initial_lang() -> Lang {
    let Some(w) = web_sys::window() else {
        return Lang::En;
    };
    let query = w.location().search().unwrap_or_default();
    let nav = w.navigator();
    let mut langs: Vec<String> = nav.language().into_iter().collect();
    langs.extend(nav.languages().iter().filter_map(|v| v.as_string()));
    initial_lang(&query, &langs)
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
    doc.set_title(tr(lang, "app.doc_title"));
}

/// Records the user's choice in the URL's `lang` parameter, without a new history entry and
/// leaving the rest of the URL (path, other parameters, `#script=`) as it is.
pub fn remember_in_url(lang: Lang) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let (Ok(path), Ok(query), Ok(hash)) = (loc.pathname(), loc.search(), loc.hash()) else {
        return;
    };
    let url = format!("{path}{}{hash}", with_lang_param(&query, lang));
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A parsed catalog: key to text. The texts are `'static`: English is embedded, and Chinese is
/// fetched once per page and kept for its life (see [`install`]).
pub type Catalog = HashMap<&'static str, &'static str>;

/// Parses one catalog file. Malformed lines are returned as errors with their line numbers, so
/// the tests can insist on clean files while the page skips what it cannot read.
pub fn parse(text: &'static str) -> (Vec<(&'static str, &'static str)>, Vec<String>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match line.split_once(" = ") {
            Some((key, value)) if !key.trim().is_empty() && !value.trim().is_empty() => {
                entries.push((key.trim(), value.trim()));
            }
            _ => errors.push(format!("line {}: expected `key = text`", i + 1)),
        }
    }
    (entries, errors)
}

thread_local! {
    static EN: RefCell<Catalog> = RefCell::new(english());
    /// The lazy areas whose English text is here.
    static EN_LAZY_LOADED: RefCell<Vec<&'static str>> = RefCell::new(english_lazy_loaded());
    static ZH: RefCell<Option<Catalog>> = const { RefCell::new(None) };
}

/// The embedded English catalog (natively, with the lazy areas too).
fn english() -> Catalog {
    #[allow(unused_mut)]
    let mut catalog: Catalog = EN_FILES.iter().flat_map(|(_, t)| parse(t).0).collect();
    #[cfg(not(target_arch = "wasm32"))]
    catalog.extend(EN_LAZY_FILES.iter().flat_map(|(_, t)| parse(t).0));
    catalog
}

fn english_lazy_loaded() -> Vec<&'static str> {
    if cfg!(target_arch = "wasm32") {
        Vec::new()
    } else {
        LAZY_AREAS.to_vec()
    }
}

/// Whether a lazy area's English text is here (see [`load_area`]).
pub fn area_ready(area: &str) -> bool {
    EN_LAZY_LOADED.with(|l| l.borrow().contains(&area))
}

/// Fetches the English file of a lazy area (`LAZY_AREAS`, e.g. `states`) once; the Chinese
/// one comes with the rest of Chinese (see [`load`]).
pub async fn load_area(area: &'static str) -> Result<(), String> {
    if area_ready(area) {
        return Ok(());
    }
    let text = crate::fetch::text(&format!("i18n/en/{area}.txt")).await?;
    let text: &'static str = Box::leak(text.into_boxed_str());
    EN.with(|c| c.borrow_mut().extend(parse(text).0));
    EN_LAZY_LOADED.with(|l| l.borrow_mut().push(area));
    Ok(())
}

/// Where the page fetches a Chinese catalog file.
pub fn zh_url(area: &str) -> String {
    format!("i18n/zh/{area}.txt")
}

/// Fetches every Chinese catalog file and installs them; after this, `tr(Lang::Zh, ..)` answers
/// in Chinese. Does nothing when they are already installed.
pub async fn load(lang: Lang) -> Result<(), String> {
    if lang == Lang::En || ZH.with(|z| z.borrow().is_some()) {
        return Ok(());
    }
    let mut texts = Vec::new();
    for area in AREAS.iter().copied().chain(["rules"]) {
        texts.push(crate::fetch::text(&zh_url(area)).await?);
    }
    install(texts);
    Ok(())
}

/// Installs the Chinese catalog from the files' texts. The text is leaked on purpose: it is
/// loaded at most once per page and lives as long as the page, and `'static` keys and values
/// keep every lookup a plain borrow.
pub fn install(texts: Vec<String>) {
    let mut catalog = Catalog::new();
    for text in texts {
        let text: &'static str = Box::leak(text.into_boxed_str());
        catalog.extend(parse(text).0);
    }
    ZH.with(|z| *z.borrow_mut() = Some(catalog));
}

/// The text for `key` in `lang`. Falls back to English while Chinese is not loaded (or if a
/// key were missing, which the tests forbid), and to the key itself as a last resort, so that a
/// slip shows up on the page instead of breaking it.
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    lookup(lang, key).unwrap_or(key)
}

/// Like [`tr`] for a key built at run time (e.g. `state.listen.summary`).
pub fn tr_dyn(lang: Lang, key: &str) -> &'static str {
    lookup(lang, key).unwrap_or("")
}

/// A rule's one-line reason in `lang`.
pub fn rule_reason(lang: Lang, rule: Rule) -> &'static str {
    match lang {
        Lang::Zh => zh(&format!("rule.{}", rule.key())),
        Lang::En => None,
    }
    .unwrap_or(rule.reason())
}

/// What a timer is, in `lang` (`peer.timer.<Timer::key>`).
pub fn timer_title(lang: Lang, timer: Timer) -> &'static str {
    tr_dyn(lang, &format!("peer.timer.{}", timer.key()))
}

/// `key` in `lang`, falling back to English while Chinese is not loaded.
fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    match lang {
        Lang::Zh => zh(key),
        Lang::En => None,
    }
    .or_else(|| EN.with(|c| c.borrow().get(key).copied()))
}

fn zh(key: &str) -> Option<&'static str> {
    ZH.with(|z| z.borrow().as_ref().and_then(|c| c.get(key).copied()))
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.replace("\\n", "\n");
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The page's language, provided by the app as a context so that every component re-renders
/// when it changes.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[cfg(test)]
mod tests;
