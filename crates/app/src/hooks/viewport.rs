//! The chart's viewport: how far its scrolling container is scrolled, and how big it is.
//!
//! Measured when the container scrolls and when a ResizeObserver reports a new size (panels
//! stacking, a rotated phone), never right after a render: reading a layout value there would
//! force the browser to lay the page out in the middle of the click, a second time before the
//! frame.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;
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
    {
        let measure = measure.clone();
        use_effect_with(node, move |node| {
            let observer = node
                .cast::<Element>()
                .and_then(|el| SizeObserver::new(&el, move || measure.emit(())));
            move || drop(observer)
        });
    }
    let onscroll = use_callback(measure.clone(), |_: Event, measure| measure.emit(()));
    Measured {
        view: *view,
        exact_top: exact,
        onscroll,
        measure,
    }
}

/// Calls a function each time an element's size changes (and once when it starts), until
/// dropped: a ResizeObserver and its callback, kept together.
pub struct SizeObserver {
    observer: web_sys::ResizeObserver,
    _on_resize: Closure<dyn Fn(js_sys::Array)>,
}

impl SizeObserver {
    /// Observes `el`; `on_resize` is called after layout, with the new size, so reading it
    /// there costs nothing more.
    pub fn new(el: &Element, on_resize: impl Fn() + 'static) -> Option<Self> {
        let on_resize = Closure::<dyn Fn(js_sys::Array)>::new(move |_: js_sys::Array| on_resize());
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        observer.observe(el);
        Some(Self {
            observer,
            _on_resize: on_resize,
        })
    }
}

impl Drop for SizeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
