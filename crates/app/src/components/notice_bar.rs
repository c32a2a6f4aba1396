//! The standing notice above the panels, worded in the page's language when drawn.

use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::tr;
use crate::model::notice::NoticeDo;
use crate::model::state::{Action, Notice};

#[derive(Properties, PartialEq, Clone)]
pub struct NoticeBarProps {
    pub notice: Option<Notice>,
    pub dispatch: Callback<Action>,
}

#[function_component(NoticeBar)]
pub fn notice_bar(props: &NoticeBarProps) -> Html {
    let lang = use_lang();
    let Some(notice) = &props.notice else {
        return Html::default();
    };
    let (class, role) = if notice.is_error() {
        ("notice error", "alert")
    } else {
        ("notice info", "status")
    };
    let dismiss = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Dismiss))
    };
    // Undo/Redo for a branch, or Resume a lesson: the way back to the run an action in the past left behind.
    let button = notice.button().map(|b| {
        let d = props.dispatch.clone();
        let action = match b.does {
            NoticeDo::SwapBranch => Action::SwapBranch,
            NoticeDo::ResumeLesson => Action::ResumeLesson,
        };
        let onclick = Callback::from(move |_: MouseEvent| d.emit(action.clone()));
        html! { <button class="notice-action" data-action={b.action} {onclick}>{ tr(lang, b.key) }</button> }
    });
    html! {
        <div class={class} role={role}>
            <span>{ notice.text(lang) }</span>
            { for button }
            <button class="icon" aria-label={tr(lang, "ui.dismiss")} onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
