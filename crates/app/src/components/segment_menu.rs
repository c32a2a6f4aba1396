//! The menu of an in-flight segment: deliver it now, drop it, deliver a duplicate, or hold it.

use synack_core::script::Command;
use synack_core::Label;
use yew::prelude::*;

use crate::components::anchored::Anchored;
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
    let button =
        |action: &'static str, text: &'static str, command: Command, hint: &'static str| {
            let d = props.dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::Do(command.clone())));
            html! { <button data-action={action} {onclick} title={hint}>{ text }</button> }
        };
    let l = props.label;
    // In a popover at the segment's arrow: the result of the click, where the click was.
    html! {
        <Anchored anchor={format!("[data-seg=\"{l}\"]")} class="segment-popover">
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
