//! Parts of the page that are fetched on first use, so that the first paint carries only
//! what draws the diagram and the chart and drives the peers.
//!
//! A part is a view behind a `#[wasm_split(<part>, fallible)]` function. The build
//! (`scripts/split-wasm.sh`, a Trunk hook) moves everything that only this function reaches
//! out of the page's wasm into `split_<part>.wasm`, which the browser fetches the first time
//! the function is called. The function hands back the part's [`View`]; [`Lazy`] draws it
//! once it has arrived, and at once from then on. English texts that only the part shows
//! live in catalog areas fetched with it (`LAZY_AREAS` in build.rs), and its stylesheet, if
//! it has one of its own, too.
//!
//! To move a component out of the first paint:
//! ```ignore
//! #[wasm_split(export, fallible)]
//! fn export_view() -> Result<View, LoadError> {
//!     Ok(|p| lazy::draw(p, |p: &ExportProps| html! { <Export ..p.clone() /> }))
//! }
//! pub static EXPORT: Part = Part::new("export", &["share"], None, || Box::pin(export_view()));
//! // where it was drawn:
//! html! { <Lazy part={&EXPORT} props={lazy::props(ExportProps { .. })} /> }
//! ```
//! `Lazy` itself is one component for every part, and props cross as `Rc<dyn PartProps>`,
//! so each part costs the first paint only a few bytes. Natively (tests, tools) the split
//! function is called directly.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, tr_dyn};

pub use wasm_split_helpers::wasm_split;

/// What a part's module gives the page: its view of the props handed to [`Lazy`].
pub type View = fn(&dyn PartProps) -> Html;

/// A part's module could not be fetched or instantiated (the browser console has the detail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadError;

impl From<wasm_split_helpers::SplitLoaderError> for LoadError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        LoadError
    }
}

type Fetch = fn() -> Pin<Box<dyn Future<Output = Result<View, LoadError>>>>;

/// One lazily loaded part of the page.
pub struct Part {
    /// Its name: the split module's (`split_<name>.wasm`), `data-part`'s, and the key of its
    /// name in the catalog (`lazy.part.<name>`).
    pub name: &'static str,
    /// Catalog areas only this part shows, fetched with it.
    pub areas: &'static [&'static str],
    /// Its own stylesheet (a file Trunk copies, e.g. `capture.css`), added to the page with it.
    pub stylesheet: Option<&'static str>,
    fetch: Fetch,
}

thread_local! {
    /// The views that have arrived, by part name.
    static LOADED: RefCell<Vec<(&'static str, View)>> = const { RefCell::new(Vec::new()) };
}

impl Part {
    /// `fetch` calls the part's `#[wasm_split]` function.
    pub const fn new(
        name: &'static str,
        areas: &'static [&'static str],
        stylesheet: Option<&'static str>,
        fetch: Fetch,
    ) -> Self {
        Part {
            name,
            areas,
            stylesheet,
            fetch,
        }
    }

    /// The part's view, if it has arrived.
    pub fn loaded(&self) -> Option<View> {
        LOADED.with(|l| {
            l.borrow()
                .iter()
                .find(|(n, _)| *n == self.name)
                .map(|(_, v)| *v)
        })
    }

    /// Fetches the part's texts, stylesheet and module. A failed load is tried afresh on the
    /// next call; its error is a sentence for the user.
    pub async fn load(&'static self) -> Result<View, String> {
        if let Some(view) = self.loaded() {
            return Ok(view);
        }
        if let Some(href) = self.stylesheet {
            add_stylesheet(href);
        }
        for area in self.areas {
            crate::glue::catalog::load_area(area).await?;
        }
        let view = (self.fetch)()
            .await
            .map_err(|LoadError| format!("cannot load split_{}.wasm", self.name))?;
        LOADED.with(|l| l.borrow_mut().push((self.name, view)));
        Ok(view)
    }
}

/// Links a stylesheet of the page's own origin, once.
fn add_stylesheet(href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let selector = format!("link[rel=stylesheet][href=\"{href}\"]");
    if doc.query_selector(&selector).ok().flatten().is_some() {
        return;
    }
    let (Ok(link), Some(head)) = (doc.create_element("link"), doc.head()) else {
        return;
    };
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    let _ = head.append_child(&link);
}

/// A part's props, compared by value but passed without knowing their type.
pub trait PartProps: Any {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn PartProps) -> bool;
}

impl<P: PartialEq + 'static> PartProps for P {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn same(&self, other: &dyn PartProps) -> bool {
        other.as_any().downcast_ref::<P>() == Some(self)
    }
}

/// Wraps a part's props for [`Lazy`].
pub fn props<P: PartialEq + 'static>(p: P) -> Rc<dyn PartProps> {
    Rc::new(p)
}

/// Draws a part's props with `view`, in the part's module (its [`View`] calls this). Props of
/// another type, which would be a slip at the call site, draw nothing.
pub fn draw<P: 'static>(props: &dyn PartProps, view: impl Fn(&P) -> Html) -> Html {
    props
        .as_any()
        .downcast_ref::<P>()
        .map(view)
        .unwrap_or_default()
}

#[derive(Properties, Clone)]
pub struct LazyProps {
    pub part: &'static Part,
    /// The part's own props (see [`props`]), passed on once it has arrived.
    pub props: Rc<dyn PartProps>,
}

impl PartialEq for LazyProps {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.part, other.part) && self.props.same(&*other.props)
    }
}

/// Draws a part: at once when it has arrived, else a short "loading" line while it is
/// fetched, or what went wrong with a button to try again.
#[function_component(Lazy)]
pub fn lazy(props: &LazyProps) -> Html {
    let lang = use_lang();
    let part = props.part;
    let failure = use_state(|| None::<String>);
    let attempt = use_state(|| 0u32);
    let update = use_force_update();
    let view = part.loaded();
    {
        let failure = failure.clone();
        use_effect_with((*attempt, view.is_some()), move |(_, arrived)| {
            if !*arrived {
                wasm_bindgen_futures::spawn_local(async move {
                    match part.load().await {
                        Ok(_) => update.force_update(),
                        Err(e) => failure.set(Some(e)),
                    }
                });
            }
        });
    }
    if let Some(view) = view {
        return view(&*props.props);
    }
    let what = tr_dyn(lang, &format!("lazy.part.{}", part.name));
    match &*failure {
        None => html! {
            <p class="lazy-status muted" role="status" aria-busy="true" data-part={part.name}
                data-testid="lazy-loading">
                { fill(tr(lang, "lazy.loading"), &[("part", what)]) }
            </p>
        },
        Some(why) => {
            let retry = {
                let (failure, attempt) = (failure.clone(), attempt.clone());
                Callback::from(move |_: MouseEvent| {
                    failure.set(None);
                    attempt.set(*attempt + 1);
                })
            };
            html! {
                <div class="lazy-status notice error" role="alert" data-part={part.name}
                    data-testid="lazy-error">
                    <span>{ fill(tr(lang, "lazy.failed"), &[("part", what), ("why", why)]) }</span>
                    <button onclick={retry} data-testid="lazy-retry">{ tr(lang, "lazy.retry") }</button>
                </div>
            }
        }
    }
}
