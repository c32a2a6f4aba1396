//! The height of what sticks at the top of the page (the time bar, and on a wide screen the
//! notice under it), kept in the CSS variable `--sticky-h` on the root element, which
//! `scroll-padding-top` reads (web/style.css). Whatever the page scrolls into view (a
//! question's feedback, the diagram, the explorer's pick bar) then lands below the bar, not
//! under it: on a phone the bar wraps to three rows, a quarter of the screen.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::resize::use_resize_observer;
use crate::hooks::window_event::use_window_event;

/// Keeps `--sticky-h` equal to the sticky box's height. `sticky` is the wide screens' sticky
/// box (`.time-sticky`); on a phone it is `display: contents` and its time bar (`.time`)
/// sticks alone, so the taller of the two is the one that sticks.
#[hook]
pub fn use_sticky_height(sticky: NodeRef) {
    let measure = use_callback(sticky.clone(), |(), sticky| set(sticky));
    use_resize_observer(sticky.clone(), measure.clone());
    // A phone's time bar changes height when the width changes; its `display: contents`
    // box reports no resizes of its own.
    let on_resize = use_callback(measure.clone(), |_: web_sys::Event, measure| {
        measure.emit(())
    });
    use_window_event("resize", on_resize);
    use_effect_with((), move |_| measure.emit(()));
}

fn set(sticky: &NodeRef) {
    let Some(el) = sticky.cast::<web_sys::Element>() else {
        return;
    };
    let bar = el.query_selector(".time").ok().flatten();
    let height = [Some(el.clone()), bar]
        .into_iter()
        .flatten()
        .map(|e| e.get_bounding_client_rect().height())
        .fold(0.0, f64::max);
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(root) = root {
        // CSSOM, not a style attribute: the page's CSP refuses those.
        // Whole pixels, formatted as an integer: float formatting would bring its code into
        // the first paint (crate::svg::num avoids it for the same reason).
        let px = height.ceil() as i64;
        let _ = root.style().set_property("--sticky-h", &format!("{px}px"));
    }
}
