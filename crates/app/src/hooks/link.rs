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

/// The dispatcher an embedded page's time controls get: Reset there goes back to where the link
/// started (its lesson at its step, its script), not to an empty run, because an embed shows
/// no peer panels to start one again from: both peers CLOSED with no button would be a dead
/// end. Every other action passes through.
#[hook]
pub fn use_embed_reset(link: Rc<Link>, dispatch: Callback<Action>) -> Callback<Action> {
    use_callback((link, dispatch), |action: Action, (link, dispatch)| {
        if action != Action::Reset || !link.embed {
            dispatch.emit(action);
        } else if link::needs_waiting(link) {
            let (link, dispatch) = (link.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let view = link::restore_waiting(&link).await;
                dispatch.emit(Action::Restore(Box::new(view)));
            });
        } else {
            dispatch.emit(Action::Restore(Box::new(link::initial_state(link))));
        }
    })
}
