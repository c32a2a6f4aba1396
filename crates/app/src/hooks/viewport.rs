//! The chart's viewport: how far its scrolling container is scrolled, and how big it is.

use web_sys::Element;
use yew::prelude::*;

use crate::hooks::window_event::use_window_event;

/// A scrolling container's scroll position and size, in CSS px; `top` is kept to a multiple
/// of the quantum the hook was given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub top: f32,
    pub height: f32,
    pub width: f32,
}

impl Viewport {
    fn measure(el: &Element, quantum: f32) -> Viewport {
        let top = el.scroll_top() as f32;
        Viewport {
            top: (top / quantum).floor() * quantum,
            height: el.client_height() as f32,
            width: el.client_width() as f32,
        }
    }
}

/// The viewport of the element behind `node` (`initial` until it is measured), and the
/// `onscroll` handler to put on it. It is measured after every render (the container may
/// have changed size: panels stacking, a rotated phone), on scrolls and on window resizes;
/// a measure equal to the last one does not re-render.
#[hook]
pub fn use_viewport(node: NodeRef, quantum: f32, initial: Viewport) -> (Viewport, Callback<Event>) {
    let view = use_state_eq(|| initial);
    let measure = {
        let setter = view.setter();
        use_callback(node, move |_: (), node| {
            if let Some(el) = node.cast::<Element>() {
                setter.set(Viewport::measure(&el, quantum));
            }
        })
    };
    {
        let measure = measure.clone();
        use_effect(move || measure.emit(()));
    }
    let on_resize = use_callback(measure.clone(), |_: web_sys::Event, measure| {
        measure.emit(())
    });
    use_window_event("resize", on_resize);
    let onscroll = use_callback(measure, |_: Event, measure| measure.emit(()));
    (*view, onscroll)
}
