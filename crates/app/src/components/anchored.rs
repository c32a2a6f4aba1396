//! A popover next to an element of the page (a segment's arrow, a state's node), placed by
//! `model::placement` inside the viewport, and placed again when its content arrives or
//! changes size, and when the page scrolls or the window resizes.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::hooks::resize::use_resize_observer;
use crate::hooks::window_event::use_window_event;
use crate::model::placement::{place_clear, Rect};

#[derive(Properties, PartialEq, Clone)]
pub struct AnchoredProps {
    /// A CSS selector for the element to sit next to.
    pub anchor: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// Places `popover` next to the element `anchor` selects, or hides it while the anchor is
/// scrolled out of view. Without the anchor (not drawn yet), it stays where the stylesheet
/// puts it. When `reveal`, an anchor out of view (under the sticky time bar, or moved away by
/// what the click opened) is first scrolled to the middle of the viewport: the popover has just
/// been opened from it, and the result of a click belongs where the click was.
fn reposition(popover: &NodeRef, anchor: &str, reveal: bool) -> Option<()> {
    let el = popover.cast::<HtmlElement>()?;
    let window = web_sys::window()?;
    let target = window.document()?.query_selector(anchor).ok()??;
    // The sticky time bar (and the notice under it) covers the top of the viewport once
    // stuck there.
    let covered = document_bottom_of(&window, ".time-sticky").unwrap_or(0.0);
    let viewport = (
        window.inner_width().ok()?.as_f64()?,
        window.inner_height().ok()?.as_f64()?,
    );
    let mut r = target.get_bounding_client_rect();
    if reveal && (r.y() < covered || r.bottom() > viewport.1) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        target.scroll_into_view_with_scroll_into_view_options(&options);
        r = target.get_bounding_client_rect();
    }
    let size = (el.offset_width() as f64, el.offset_height() as f64);
    let anchor = rect_of(&r);
    let controls = controls_outside(&el, &target);
    let (x, y) = place_clear(anchor, size, viewport, covered, &controls);
    // Whole pixels: formatting a float would bring its formatter into the first paint.
    let style = el.style();
    // Scrolled out of sight, the anchor takes its popover along rather than leave it
    // floating apart from what it is about.
    let gone = r.bottom() < covered || r.y() > viewport.1;
    style
        .set_property("visibility", if gone { "hidden" } else { "visible" })
        .ok()?;
    style
        .set_property("left", &format!("{}px", x.round() as i32))
        .ok()?;
    style
        .set_property("top", &format!("{}px", y.round() as i32))
        .ok()?;
    Some(())
}

/// The boxes of the page's buttons and fields, in viewport coordinates, other than the
/// popover's own and the anchor's.
fn controls_outside(popover: &HtmlElement, anchor: &web_sys::Element) -> Vec<Rect> {
    let Some(list) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector_all("button, input, select, textarea, a[href]")
            .ok()
    }) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter(|c| !popover.contains(Some(c)) && !anchor.contains(Some(c)))
        .map(|c| rect_of(&c.get_bounding_client_rect()))
        .filter(|r| r.width > 0.0 && r.height > 0.0)
        .collect()
}

fn rect_of(r: &web_sys::DomRect) -> Rect {
    Rect {
        x: r.x(),
        y: r.y(),
        width: r.width(),
        height: r.height(),
    }
}

/// The bottom edge of the element `selector` selects, in viewport coordinates.
fn document_bottom_of(window: &web_sys::Window, selector: &str) -> Option<f64> {
    let el = window.document()?.query_selector(selector).ok()??;
    Some(el.get_bounding_client_rect().bottom())
}

#[function_component(Anchored)]
pub fn anchored(props: &AnchoredProps) -> Html {
    let node = use_node_ref();
    let replace = use_callback(
        (node.clone(), props.anchor.clone()),
        |_: (), (node, anchor)| {
            reposition(node, anchor, false);
        },
    );
    // Placed when first observed, and whenever the popover's size changes (its content
    // arriving or changing).
    use_resize_observer(node.clone(), replace.clone());
    {
        let node = node.clone();
        use_effect_with(props.anchor.clone(), move |anchor| {
            reposition(&node, anchor, true);
        });
    }
    let on_window = use_callback(replace.clone(), |_: web_sys::Event, replace| {
        replace.emit(())
    });
    use_window_event("resize", on_window.clone());
    use_window_event("scroll", on_window);
    html! {
        <div ref={node} class={classes!("popover", props.class.clone())}>
            { props.children.clone() }
        </div>
    }
}
