//! The chart's viewport: how far its scrolling container is scrolled, and how big it is.
//!
//! Measured when the container scrolls and when a ResizeObserver reports a new size (panels
//! stacking, a rotated phone), never right after a render: reading a layout value there would
//! force the browser to lay the page out in the middle of the click, a second time before the
//! frame.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::Element;

use crate::hooks::resize::use_resize_observer;
use yew::prelude::*;

/// A scrolling container's scroll position and size, in CSS px; `top` is kept to a multiple
/// of the quantum the hook was given, so scrolling within a quantum changes nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub top: f32,
    pub height: f32,
    pub width: f32,
}

/// The viewport's measures, and its exact scroll position (not kept to the quantum: a change
/// of it alone re-renders nothing).
pub struct Measured {
    pub view: Viewport,
    pub exact_top: Rc<Cell<f32>>,
    /// The `onscroll` handler to put on the container.
    pub onscroll: Callback<Event>,
    /// Measures again now (after the page scrolled the container itself, when the layout is
    /// fresh anyway).
    pub measure: Callback<()>,
}

/// The viewport of the element behind `node` (`initial` until it is measured).
#[hook]
pub fn use_viewport(node: NodeRef, quantum: f32, initial: Viewport) -> Measured {
    let view = use_state_eq(|| initial);
    let exact = use_memo((), |_| Cell::new(initial.top));
    let measure = {
        let (setter, exact) = (view.setter(), exact.clone());
        use_callback(node.clone(), move |_: (), node| {
            if let Some(el) = node.cast::<Element>() {
                let top = el.scroll_top() as f32;
                exact.set(top);
                setter.set(Viewport {
                    top: (top / quantum).floor() * quantum,
                    height: el.client_height() as f32,
                    width: el.client_width() as f32,
                });
            }
        })
    };
    // Called after layout, with the new size: reading it costs nothing more.
    use_resize_observer(node, measure.clone());
    let onscroll = use_callback(measure.clone(), |_: Event, measure| measure.emit(()));
    Measured {
        view: *view,
        exact_top: exact,
        onscroll,
        measure,
    }
}
