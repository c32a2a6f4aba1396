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

pub mod keys;

include!(concat!(env!("OUT_DIR"), "/i18n.rs"));

/// The page's language: the engine's own [`synack_core::Language`], which lesson lines name.
pub use synack_core::Language as Lang;

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

/// Installs the English file of a lazy area once fetched (see `glue::catalog::load_area`).
/// The text is leaked for the reason [`install`] gives.
pub fn install_area(area: &'static str, text: String) {
    if area_ready(area) {
        return;
    }
    let text: &'static str = Box::leak(text.into_boxed_str());
    EN.with(|c| c.borrow_mut().extend(parse(text).0));
    EN_LAZY_LOADED.with(|l| l.borrow_mut().push(area));
}

/// Whether the Chinese catalog is installed.
pub fn chinese_ready() -> bool {
    ZH.with(|z| z.borrow().is_some())
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

#[cfg(test)]
pub(crate) mod tests;
