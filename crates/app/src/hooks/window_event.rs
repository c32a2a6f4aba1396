//! Listening to the window: one hook for every event the page follows outside its own
//! elements (keys, resizes, files dropped anywhere).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Calls `callback` on every `event` the window receives (`"keydown"`, `"resize"`, `"drop"`…),
/// as an `E` (`web_sys::KeyboardEvent`, `web_sys::DragEvent`, or plain `web_sys::Event`).
/// The listener is removed when the component goes, and replaced when `callback` changes:
/// pass a stable callback (`use_callback`).
#[hook]
pub fn use_window_event<E>(event: &'static str, callback: Callback<E>)
where
    E: JsCast + 'static,
{
    use_effect_with((event, callback), |(event, callback)| {
        let event = *event;
        let callback = callback.clone();
        let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            callback.emit(e.unchecked_into::<E>())
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = &window {
                let _ =
                    w.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
            }
        }
    });
}
