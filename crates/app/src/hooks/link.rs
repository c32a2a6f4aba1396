//! The page's link, the other way: a link whose view needs waiting for (a lesson to fetch, a
//! script to inflate) opens it when it is ready. `glue::link` owns both directions.

use std::rc::Rc;

use yew::prelude::*;

use crate::glue::link::{self, Link};
use crate::model::state::Action;

/// A link that needs fetching or inflating opens its view once that is done.
#[hook]
pub fn use_link_view(link: Rc<Link>, dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        if link::needs_waiting(&link) {
            wasm_bindgen_futures::spawn_local(async move {
                let view = link::restore_waiting(&link).await;
                dispatch.emit(Action::Restore(Box::new(view)));
            });
        }
    });
}
