//! Following an element's size: a `ResizeObserver` that calls back after layout, with the new
//! size already computed (so reading it then costs no extra layout).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Calls `on_resize` whenever the element `node` refers to changes size (and once when it is
/// first observed), for as long as the component lives.
#[hook]
pub fn use_resize_observer(node: NodeRef, on_resize: Callback<()>) {
    use_effect_with(node, move |node| {
        let observer = node.cast::<Element>().and_then(|el| {
            let closure =
                Closure::<dyn Fn(js_sys::Array)>::new(move |_: js_sys::Array| on_resize.emit(()));
            let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
            observer.observe(&el);
            Some((observer, closure))
        });
        move || {
            if let Some((observer, _)) = observer {
                observer.disconnect();
            }
        }
    });
}
