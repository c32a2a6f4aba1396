//! The keyboard shortcuts: → step, ← back, P play or pause, T next timer, Escape closes the
//! inspector (or ends a pick on the diagram).

use yew::prelude::*;

use crate::glue::focus;
use crate::hooks::window_event::use_window_event;
use crate::model::state::Action;

/// The action a key stands for, given whether playback runs; `None` for other keys.
pub fn shortcut(key: &str, playing: bool) -> Option<Action> {
    Some(match key {
        "ArrowRight" => Action::Step,
        "ArrowLeft" => Action::Back,
        "p" | "P" if playing => Action::Pause,
        "p" | "P" => Action::Play,
        "t" | "T" => Action::NextTimer,
        "Escape" => Action::Escape,
        _ => return None,
    })
}

/// Whether a key press may be a page shortcut: not while the user types in a field (where
/// the keys move the caret, or a slider itself), nor with a modifier (the browser's own).
pub fn is_shortcut(e: &web_sys::KeyboardEvent) -> bool {
    let typing = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    !(typing || e.ctrl_key() || e.meta_key() || e.alt_key())
}

/// Dispatches the shortcuts' actions, unless the user is typing in a field or holds a
/// modifier (the browser's own shortcuts). Off (`active` false) while the capture view
/// replaces the simulator: its keys must not move a run the user cannot see.
#[hook]
pub fn use_shortcuts(active: bool, playing: bool, dispatch: Callback<Action>) {
    let on_key = use_callback(
        (active, playing, dispatch),
        |e: web_sys::KeyboardEvent, (active, playing, dispatch)| {
            if !*active {
                return;
            }
            if !is_shortcut(&e) {
                return;
            }
            if let Some(action) = shortcut(&e.key(), *playing) {
                e.prevent_default();
                // Escape closes the segment's menu and inspector: focus returns to its arrow.
                let arrow = (e.key() == "Escape")
                    .then(|| focus::find("[data-seg][aria-pressed=\"true\"]"))
                    .flatten();
                dispatch.emit(action);
                if let Some(arrow) = arrow {
                    focus::restore(arrow);
                }
            }
        },
    );
    use_window_event("keydown", on_key);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(shortcut("ArrowRight", false), Some(Action::Step));
        assert_eq!(shortcut("p", false), Some(Action::Play));
        assert_eq!(shortcut("P", true), Some(Action::Pause));
        assert_eq!(shortcut("Escape", true), Some(Action::Escape));
        assert_eq!(shortcut("x", false), None);
    }
}
