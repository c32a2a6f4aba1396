//! Whether an element's box is narrower than a width: the diagram switches to its compact
//! figure in a narrow box (a phone, a side-by-side embed), wherever the box's width comes from.

use web_sys::Element;
use yew::prelude::*;

use crate::hooks::resize::use_resize_observer;

/// `true` while the element behind `node` is less than `width` CSS px wide; measured by a
/// ResizeObserver (after layout, so reading the width costs nothing more).
#[hook]
pub fn use_narrow(node: NodeRef, width: i32) -> bool {
    let narrow = use_state_eq(|| false);
    let on_resize = {
        let setter = narrow.setter();
        use_callback((node.clone(), width), move |(), (node, width)| {
            // A box not laid out (display: none) keeps the figure it had.
            if let Some(w) = node.cast::<Element>().map(|el| el.client_width()) {
                if w > 0 {
                    setter.set(w < *width);
                }
            }
        })
    };
    use_resize_observer(node, on_resize);
    *narrow
}
