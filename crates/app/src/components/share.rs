//! Share and embed: a link that reopens the current view, and an `<iframe>` snippet for a blog
//! or course page. Both are copied to the clipboard and also shown in a field, for when the
//! browser refuses the clipboard.

use yew::prelude::*;

use crate::glue::link::{self, View};
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};

#[derive(Properties, PartialEq, Clone)]
pub struct ShareProps {
    /// The view to share (its `embed` is ignored: each button sets its own).
    pub view: View,
    /// The session's script.
    pub script: AttrValue,
}

/// Which button produced the field's text.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Link,
    Embed,
}

#[derive(Clone, PartialEq)]
struct Output {
    kind: Kind,
    text: String,
    /// `Some(true)` copied, `Some(false)` refused, `None` still trying.
    copied: Option<bool>,
}

/// The full link for `view` with `script` deflated into its fragment (no fragment for an empty
/// script).
pub async fn build_link(view: &View, script: &str) -> Result<String, String> {
    let deflated = if script.is_empty() {
        None
    } else {
        Some(link::deflate(script).await?)
    };
    Ok(view.link(&link::page_base(), deflated.as_deref()))
}

/// The `<iframe>` snippet for a link (which must already have `embed=1`).
pub fn embed_code(link: &str, lang: Lang) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"720\" height=\"640\" loading=\"lazy\" referrerpolicy=\"no-referrer\"></iframe>",
        link.replace('&', "&amp;").replace('"', "&quot;"),
        tr(lang, "share.embed_title").replace('"', "&quot;"),
    )
}

/// Writes `text` to the clipboard; false when the browser refuses.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[function_component(Share)]
pub fn share(props: &ShareProps) -> Html {
    let lang = use_lang();
    let output = use_state(|| None::<Output>);
    let make = |kind: Kind| {
        let output = output.clone();
        let mut view = props.view.clone();
        view.embed = kind == Kind::Embed;
        let script = props.script.clone();
        Callback::from(move |_: MouseEvent| {
            let output = output.clone();
            let view = view.clone();
            let script = script.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = match build_link(&view, &script).await {
                    Ok(link) if kind == Kind::Embed => embed_code(&link, view.lang),
                    Ok(link) => link,
                    Err(e) => fill(tr(view.lang, "share.failed"), &[("error", &e)]),
                };
                output.set(Some(Output {
                    kind,
                    text: text.clone(),
                    copied: None,
                }));
                let copied = copy_to_clipboard(&text).await;
                output.set(Some(Output {
                    kind,
                    text,
                    copied: Some(copied),
                }));
            });
        })
    };
    let on_close = {
        let output = output.clone();
        Callback::from(move |_: MouseEvent| output.set(None))
    };
    let on_focus = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    let field = output.as_ref().map(|o| {
        let label = match o.kind {
            Kind::Link => tr(lang, "share.link_label"),
            Kind::Embed => tr(lang, "share.embed_label"),
        };
        let length = o.text.chars().count().to_string();
        let status = match o.copied {
            None => String::new(),
            Some(true) => fill(tr(lang, "share.copied"), &[("n", &length)]),
            Some(false) => fill(tr(lang, "share.refused"), &[("n", &length)]),
        };
        html! {
            <div class="share-out">
                <label>
                    <span>{ label }</span>
                    <input type="text" readonly=true value={o.text.clone()} data-testid="share-field"
                        data-kind={if o.kind == Kind::Link { "link" } else { "embed" }} onfocus={on_focus.clone()} />
                </label>
                <span class="share-status" role="status" data-testid="share-status">{ status }</span>
                <button class="icon" aria-label={tr(lang, "share.close")} onclick={on_close.clone()}>{ "×" }</button>
            </div>
        }
    });
    html! {
        <div class="share">
            <button data-testid="share" onclick={make(Kind::Link)} title={tr(lang, "share.share_title")}>
                { tr(lang, "share.share") }
            </button>
            <button data-testid="copy-embed" onclick={make(Kind::Embed)} title={tr(lang, "share.embed_title_button")}>
                { tr(lang, "share.copy_embed") }
            </button>
            { for field }
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct OpenFullProps {
    pub view: View,
    pub script: AttrValue,
}

/// The embed mode's way out: a small link to the same view in the full page, kept up to date as
/// the reader moves through time.
#[function_component(OpenFull)]
pub fn open_full(props: &OpenFullProps) -> Html {
    let lang = use_lang();
    let href = use_state(String::new);
    // Links are built asynchronously (the script is compressed by the browser), so an older
    // view's link can finish after a newer one's: only the latest may set the href.
    let latest = use_mut_ref(|| 0u32);
    {
        let href = href.clone();
        use_effect_with(
            (props.view.clone(), props.script.clone()),
            move |(view, script)| {
                let mut view = view.clone();
                view.embed = false;
                let script = script.clone();
                let generation = {
                    let mut n = latest.borrow_mut();
                    *n = n.wrapping_add(1);
                    *n
                };
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(link) = build_link(&view, &script).await {
                        if *latest.borrow() == generation {
                            href.set(link);
                        }
                    }
                });
            },
        );
    }
    html! {
        <a class="open-full" data-testid="open-full" href={(*href).clone()} target="_blank" rel="noopener">
            { tr(lang, "share.open_full") }
        </a>
    }
}
