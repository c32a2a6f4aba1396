//! Keyboard focus that survives a click: a control that disables itself (Listen), a menu that
//! goes away (Deliver) or a panel that closes (Escape) would otherwise drop focus to `<body>`,
//! and a keyboard user would have to start again from the top of the page (WCAG 2.4.3).
//!
//! Every function here acts after the render the current event causes (a zero-delay timeout
//! runs after Yew's scheduled render), and only when focus was really lost: a user who has
//! moved on is never pulled back.

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, SvgElement};

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Focus is lost when nothing, `<body>`, a disabled control or an element no longer in the
/// page holds it.
fn focus_lost() -> bool {
    let Some(doc) = document() else {
        return false;
    };
    match doc.active_element() {
        None => true,
        Some(el) => {
            doc.body().is_some_and(|b| el == *b.as_ref())
                || !el.is_connected()
                || el.has_attribute("disabled")
        }
    }
}

/// Focuses an HTML element or an SVG one (the chart's arrows, the diagram's states). Inside a
/// popover, which is placed at what was clicked, the page must not scroll: scrolling would
/// carry the clicked arrow or node away from its popover (on a phone, out of view).
fn focus(el: &Element) -> bool {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(el.closest(".popover").ok().flatten().is_some());
    if let Some(h) = el.dyn_ref::<HtmlElement>() {
        h.focus_with_options(&options).is_ok()
    } else {
        el.dyn_ref::<SvgElement>()
            .is_some_and(|s| s.focus_with_options(&options).is_ok())
    }
}

fn enabled(el: &Element) -> bool {
    !el.has_attribute("disabled")
}

/// The candidates of `selector` in document order, enabled ones only.
fn candidates(selector: &str) -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .filter(enabled)
        .collect()
}

/// After this event's render, if focus was lost: focuses the first enabled match of
/// `next` that follows `origin` in the page (the control the user acted on), else the last
/// one before it, else the first match of `fallback`.
///
/// For a peer's calls: after Listen, the next call of that peer (Connect).
pub fn keep_near(origin: Element, next: String, fallback: String) {
    Timeout::new(0, move || {
        if !focus_lost() {
            return;
        }
        let all = candidates(&next);
        let connected = origin.is_connected();
        // Node.DOCUMENT_POSITION_FOLLOWING: `el` comes after `origin`.
        let follows = |el: &Element| origin.compare_document_position(el) & 4 != 0;
        let pick = if connected {
            all.iter()
                .find(|el| follows(el))
                .or_else(|| all.iter().rev().find(|el| !follows(el) && **el != origin))
        } else {
            all.first()
        };
        if !pick.is_some_and(focus) {
            if let Some(el) = candidates(&fallback).first() {
                focus(el);
            }
        }
    })
    .forget();
}

/// After this event's render, if focus was lost: focuses `target` (say, the segment's arrow
/// after Escape closed its inspector).
pub fn restore(target: Element) {
    Timeout::new(0, move || {
        if focus_lost() && target.is_connected() {
            focus(&target);
        }
    })
    .forget();
}

/// The element matching `selector`, now.
pub fn find(selector: &str) -> Option<Element> {
    document()?.query_selector(selector).ok().flatten()
}

/// Whether focus is now on `<body>` or inside an element matching `selector` (say, the
/// arrow the user just opened).
pub fn is_at_or_lost(selector: &str) -> bool {
    if focus_lost() {
        return true;
    }
    document()
        .and_then(|d| d.active_element())
        .is_some_and(|el| el.closest(selector).ok().flatten().is_some())
}

/// Focuses the first enabled match of `selector`, now.
pub fn first(selector: &str) {
    if let Some(el) = candidates(selector).first() {
        focus(el);
    }
}
