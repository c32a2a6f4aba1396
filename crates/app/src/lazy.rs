//! Parts of the page that are fetched on first use, so that the first paint carries only
//! what draws the diagram and the chart and drives the peers.
//!
//! A part is a view behind a `#[wasm_split(<part>, fallible)]` function. The build
//! (`scripts/split-wasm.sh`, a Trunk hook) moves everything that only this function reaches
//! out of the page's wasm into `split_<part>.wasm`, which the browser fetches the first time
//! the function is called. The function hands back the part's [`View`]; [`Lazy`] draws it
//! once it has arrived, and at once from then on. English texts that only the part shows
//! live in catalog areas fetched with it (`LAZY_AREAS` in build.rs), and so do its own
//! stylesheets.
//!
//! To move a component out of the first paint, declare it a part next to it
//! ```ignore
//! crate::lazy::part! {
//!     /// The export menu's items, fetched when the menu is first opened.
//!     pub static EXPORT_MENU = ExportMenu(ExportProps) in export, areas: &["export"], stylesheets: &[];
//! }
//! ```
//! and draw it through [`Lazy`] where it was drawn:
//! ```ignore
//! html! { <Lazy part={&EXPORT_MENU} props={lazy::props(ExportProps { .. })} /> }
//! ```
//! Parts declared `in` the same module name share one split module.
//! `Lazy` itself is one component for every part, and props cross as `Rc<dyn PartProps>`,
//! so each part costs the first paint only a few bytes. Natively (tests, tools) the split
//! function is called directly.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use async_once_cell::OnceCell;
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
    /// Its name: the split module's (`split_<name>.wasm`, which several parts may share),
    /// `data-part`'s, and the key of its name in the catalog (`lazy.part.<name>`).
    pub name: &'static str,
    /// Catalog areas only this part shows, fetched with it.
    pub areas: &'static [&'static str],
    /// Stylesheets of its own (files Trunk copies, e.g. `capture.css`), linked with it.
    pub stylesheets: &'static [&'static str],
    fetch: Fetch,
    /// The view, once it has arrived.
    view: OnceCell<View>,
}

impl Part {
    /// `fetch` calls the part's `#[wasm_split]` function.
    pub const fn new(
        name: &'static str,
        areas: &'static [&'static str],
        stylesheets: &'static [&'static str],
        fetch: Fetch,
    ) -> Self {
        Part {
            name,
            areas,
            stylesheets,
            fetch,
            view: OnceCell::new(),
        }
    }

    /// The part's view, if it has arrived.
    pub fn loaded(&self) -> Option<View> {
        self.view.get().copied()
    }

    /// Fetches the part's module, texts and stylesheets, all at once, once: a caller that asks
    /// while a load is under way waits for that one, and a failed load is tried afresh on the
    /// next call. The error says what could not be fetched.
    pub async fn load(&'static self) -> Result<View, String> {
        self.view.get_or_try_init(self.fetch_all()).await.copied()
    }

    async fn fetch_all(&'static self) -> Result<View, String> {
        let view = Rc::new(Cell::new(None));
        let mut tasks: Vec<Task> = Vec::new();
        tasks.extend(
            self.stylesheets
                .iter()
                .map(|href| Box::pin(add_stylesheet(href)) as Task),
        );
        tasks.extend(
            self.areas
                .iter()
                .map(|area| Box::pin(crate::glue::catalog::load_area(area)) as Task),
        );
        let arrived = view.clone();
        tasks.push(Box::pin(async move {
            let v = (self.fetch)()
                .await
                .map_err(|LoadError| format!("cannot load split_{}.wasm", self.name))?;
            arrived.set(Some(v));
            Ok(())
        }));
        all(tasks).await?;
        // Every task succeeded, the module's too.
        view.get()
            .ok_or_else(|| format!("split_{}.wasm gave no view", self.name))
    }
}

/// Declares a [`Part`]: a component drawn through [`Lazy`], whose code moves to
/// `split_<module>.wasm` (see the module's documentation).
macro_rules! part {
    ($(#[$doc:meta])* $vis:vis static $part:ident = $component:ident($props:ty) in $module:ident,
        areas: $areas:expr, stylesheets: $css:expr;) => {
        $(#[$doc])*
        $vis static $part: $crate::lazy::Part =
            $crate::lazy::Part::new(stringify!($module), $areas, $css, || {
                // Named after the part, so every split function's symbol is its own.
                #[allow(non_snake_case)]
                #[$crate::lazy::wasm_split($module, fallible)]
                fn $part() -> Result<$crate::lazy::View, $crate::lazy::LoadError> {
                    Ok(|p| $crate::lazy::draw(p, |p: &$props| ::yew::html! { <$component ..p.clone() /> }))
                }
                Box::pin($part())
            });
    };
}
pub(crate) use part;

/// One fetch of a part's load.
type Task = Pin<Box<dyn Future<Output = Result<(), String>>>>;

/// Runs `tasks` at once, to the end of each, and returns the first error if there was one. (A
/// few lines instead of `futures::join_all`, which costs the first paint 4 KB.)
async fn all(mut tasks: Vec<Task>) -> Result<(), String> {
    let mut first_error = None;
    std::future::poll_fn(move |cx| {
        tasks.retain_mut(|task| match task.as_mut().poll(cx) {
            Poll::Ready(result) => {
                if let Err(e) = result {
                    first_error.get_or_insert(e);
                }
                false
            }
            Poll::Pending => true,
        });
        if tasks.is_empty() {
            Poll::Ready(first_error.take().map_or(Ok(()), Err))
        } else {
            Poll::Pending
        }
    })
    .await
}

thread_local! {
    /// The part stylesheets that have loaded.
    static STYLES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Links a stylesheet of the page's own origin and waits until it has loaded, so that a part
/// is never drawn unstyled. Natively (tests) there is nothing to link.
async fn add_stylesheet(href: &'static str) -> Result<(), String> {
    if !cfg!(target_arch = "wasm32") || STYLES.with(|s| s.borrow().contains(&href)) {
        return Ok(());
    }
    let failed = || format!("cannot load {href}");
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(failed)?;
    let (Ok(link), Some(head)) = (doc.create_element("link"), doc.head()) else {
        return Err(failed());
    };
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = link.add_event_listener_with_callback("load", &resolve);
        let _ = link.add_event_listener_with_callback("error", &reject);
    });
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    head.append_child(&link).map_err(|_| failed())?;
    if wasm_bindgen_futures::JsFuture::from(loaded).await.is_err() {
        // Gone, so that trying again links it afresh.
        link.remove();
        return Err(failed());
    }
    STYLES.with(|s| s.borrow_mut().push(href));
    Ok(())
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

#[derive(Properties, Clone)]
pub struct LazyDetailsProps {
    /// The `<details>`' class and `data-testid`.
    pub class: &'static str,
    pub testid: &'static str,
    pub summary: AttrValue,
    /// The summary's tooltip.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    pub part: &'static Part,
    pub props: Rc<dyn PartProps>,
}

impl PartialEq for LazyDetailsProps {
    fn eq(&self, other: &Self) -> bool {
        (self.class, self.testid, &self.summary, &self.title)
            == (other.class, other.testid, &other.summary, &other.title)
            && std::ptr::eq(self.part, other.part)
            && self.props.same(&*other.props)
    }
}

/// A disclosure whose contents are a part, fetched when it is first opened.
#[function_component(LazyDetails)]
pub fn lazy_details(props: &LazyDetailsProps) -> Html {
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            open.set(details.open());
        })
    };
    // A pointer on the summary, or focus, usually comes a moment before the click: start the
    // fetch then, so the part is often there when the disclosure opens. (A failure here is
    // met again, and shown, when it opens.)
    let part = props.part;
    let prefetch = Callback::from(move |_: Event| {
        if part.loaded().is_none() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = part.load().await;
            });
        }
    });
    html! {
        <details class={props.class} data-testid={props.testid} {ontoggle}>
            <summary title={props.title.clone()} onpointerenter={prefetch.reform(Event::from)} onfocus={prefetch.reform(Event::from)}>
                { props.summary.clone() }
            </summary>
            if *open {
                <Lazy part={props.part} props={props.props.clone()} />
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use std::task::{Context, Waker};

    use super::*;
    use crate::components::{
        capture_view, cc_views, exercise, export, inject, inspector, ladder, lesson, linux_notes,
        segment_menu, socket_table, state_explanation,
    };

    /// Every part of the page.
    fn parts() -> [&'static Part; 15] {
        [
            &ladder::LADDER,
            &capture_view::CAPTURE_VIEW,
            &cc_views::CC_VIEWS,
            &exercise::EXERCISE_BAR,
            &exercise::EXERCISE_LIST,
            &exercise::EXERCISE_SET,
            &exercise::PREDICT,
            &export::EXPORT_MENU,
            &inject::INJECT,
            &inspector::INSPECTOR,
            &lesson::LESSON_PANEL,
            &linux_notes::LINUX_NOTES,
            &segment_menu::SEGMENT_MENU,
            &socket_table::SOCKET_TABLE,
            &state_explanation::STATE_EXPLANATION,
        ]
    }

    /// Polls `f` to its end (the futures here wait on nothing but each other).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1000 {
            if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
                return out;
            }
        }
        panic!("the future did not finish");
    }

    /// A task that is pending `n` times, then gives `result`, counting its polls in `polls`.
    fn task(n: u32, result: Result<(), &str>, polls: Rc<Cell<u32>>) -> Task {
        let result = result.map_err(str::to_string);
        let mut left = n;
        Box::pin(std::future::poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            if left == 0 {
                Poll::Ready(result.clone())
            } else {
                left -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }))
    }

    #[test]
    fn all_runs_every_task_to_its_end_and_gives_the_first_error() {
        let polls = Rc::new(Cell::new(0));
        let tasks = vec![
            task(3, Ok(()), polls.clone()),
            task(1, Err("cannot load a.txt"), polls.clone()),
            task(0, Err("cannot load b.css"), polls.clone()),
        ];
        // b fails first; a still runs to its end (4 polls), a.txt's error comes second.
        assert_eq!(block_on(all(tasks)), Err("cannot load b.css".to_string()));
        assert_eq!(polls.get(), 4 + 2 + 1);
        assert_eq!(block_on(all(Vec::new())), Ok(()));
        let ok = vec![task(2, Ok(()), polls.clone()), task(0, Ok(()), polls)];
        assert_eq!(block_on(all(ok)), Ok(()));
    }

    #[test]
    fn part_props_compare_by_type_and_value() {
        let a = props(1u32);
        assert!(a.same(&*props(1u32)));
        assert!(!a.same(&*props(2u32)));
        assert!(!a.same(&*props(1u64)), "another type is never the same");
        // A view drawn with props of another type draws nothing instead of failing.
        assert_eq!(draw(&*a, |_: &String| html! { <p /> }), Html::default());
    }

    #[test]
    fn a_part_loads_with_its_texts_and_is_kept() {
        // Natively the split function is called directly and texts are read from web/i18n.
        let part = &export::EXPORT_MENU;
        assert!(part.loaded().is_none());
        block_on(part.load()).expect("the export menu loads");
        assert!(part.loaded().is_some(), "the view is kept");
        assert!(
            inject::INJECT.loaded().is_none(),
            "loading one part loads no other"
        );
    }

    #[test]
    fn every_part_fetches_only_what_the_first_paint_leaves_out() {
        let index =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html"))
                .expect("index.html");
        for part in parts() {
            for area in part.areas {
                assert!(
                    crate::i18n::LAZY_AREAS.contains(area),
                    "{}: its texts `{area}` are in the first paint (add the area to LAZY_AREAS in build.rs)",
                    part.name
                );
            }
            for css in part.stylesheets {
                assert!(
                    index.contains(&format!(r#"rel="copy-file" href="web/{css}""#)),
                    "{}: {css} must be copied, not linked, by index.html",
                    part.name
                );
            }
            let key = format!("lazy.part.{}", part.name);
            assert!(
                !crate::i18n::tr_dyn(crate::i18n::Lang::En, &key).is_empty(),
                "{key} missing from web/i18n/en/ui.txt"
            );
        }
    }
}
