//! Playback's clock.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::model::state::{Action, TICK_MS};

/// While `playing`, dispatches [`Action::Tick`] every [`TICK_MS`] real milliseconds.
#[hook]
pub fn use_playback(playing: bool, dispatch: Callback<Action>) {
    use_effect_with((playing, dispatch), |(playing, dispatch)| {
        let dispatch = dispatch.clone();
        let interval = playing.then(|| Interval::new(TICK_MS, move || dispatch.emit(Action::Tick)));
        move || drop(interval)
    });
}
