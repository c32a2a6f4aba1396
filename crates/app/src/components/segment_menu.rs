//! The menu of an in-flight segment: deliver it now, drop it, deliver a duplicate, or hold it.

use synack_core::script::Command;
use synack_core::Label;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::anchored::Anchored;
use crate::glue::focus;
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::state::Action;

#[derive(Properties, PartialEq, Clone)]
pub struct SegmentMenuProps {
    pub label: Label,
    pub held: bool,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The menu, fetched with the inspector when a segment is first chosen.
    pub static SEGMENT_MENU = SegmentMenu(SegmentMenuProps) in inspector, areas: &["segment-menu"], stylesheets: &[];
}

#[function_component(SegmentMenu)]
pub fn segment_menu(props: &SegmentMenuProps) -> Html {
    let lang = use_lang();
    let l = props.label;
    let arrow = format!("[data-seg=\"{l}\"]");
    // Opened from its arrow (a click, Enter or Space), the menu takes focus: its first item.
    // Opened any other way (the scrubber reached the segment's flight), focus stays put.
    use_effect_with(l, {
        let arrow = arrow.clone();
        move |_| {
            if focus::is_at_or_lost(&arrow) {
                focus::first(".segment-menu button");
            }
        }
    });
    let button =
        |action: &'static str, text: &'static str, command: Command, hint: &'static str| {
            let d = props.dispatch.clone();
            let arrow = arrow.clone();
            let onclick = Callback::from(move |e: MouseEvent| {
                d.emit(Action::Do(command.clone()));
                // Deliver and Drop end the flight and the menu with it; Hold removes its own
                // button: focus goes to the menu's next item, else back to the arrow.
                if let Some(button) = e.current_target().and_then(|t| t.dyn_into().ok()) {
                    focus::keep_near(button, ".segment-menu button".into(), arrow.clone());
                }
            });
            html! { <button data-action={action} {onclick} title={hint}>{ text }</button> }
        };
    // In a popover at the segment's arrow: the result of the click, where the click was.
    html! {
        <Anchored anchor={arrow.clone()} class="segment-popover">
        <div class="segment-menu" role="group" aria-label={fill(tr(lang, "menu.region"), &[("label", &l.to_string())])}>
            { button("deliver", tr(lang, "menu.deliver"), Command::Deliver(l), tr(lang, "menu.deliver_hint")) }
            { button("drop", tr(lang, "menu.drop"), Command::Drop(l), tr(lang, "menu.drop_hint")) }
            { button("dup", tr(lang, "menu.dup"), Command::Dup(l), tr(lang, "menu.dup_hint")) }
            if !props.held {
                { button("hold", tr(lang, "menu.hold"), Command::Hold(l), tr(lang, "menu.hold_hint")) }
            }
        </div>
        </Anchored>
    }
}
