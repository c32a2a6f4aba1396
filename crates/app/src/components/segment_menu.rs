//! The menu of an in-flight segment: deliver it now, drop it, deliver a duplicate, or hold it.

use synack_core::script::Command;
use synack_core::Label;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq, Clone)]
pub struct SegmentMenuProps {
    pub label: Label,
    pub held: bool,
    pub dispatch: Callback<Action>,
}

#[function_component(SegmentMenu)]
pub fn segment_menu(props: &SegmentMenuProps) -> Html {
    let button =
        |action: &'static str, text: &'static str, command: Command, hint: &'static str| {
            let d = props.dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::Do(command.clone())));
            html! { <button data-action={action} {onclick} title={hint}>{ text }</button> }
        };
    let l = props.label;
    html! {
        <div class="segment-menu" role="group" aria-label={format!("Act on {l}, in flight")}>
            { button("deliver", "Deliver now", Command::Deliver(l), "The segment arrives now") }
            { button("drop", "Drop", Command::Drop(l), "The network loses the segment") }
            { button("dup", "Duplicate", Command::Dup(l), "A copy arrives now; the original stays in flight") }
            if !props.held {
                { button("hold", "Hold", Command::Hold(l), "Keep it in flight: auto delivery passes it by") }
            }
        </div>
    }
}
