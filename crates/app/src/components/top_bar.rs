//! The page's header: the title, the view's switches (absolute numbers, the Linux view), the
//! language toggle, and in an embedded page the way out to the full page.

use yew::prelude::*;

use crate::components::share::OpenFull;
use crate::glue::catalog::switch_language;
use crate::glue::link::View;
use crate::hooks::lang::use_lang;
use crate::i18n::{tr, Lang};
use crate::model::state::Action;

#[derive(Properties, PartialEq, Clone)]
pub struct TopBarProps {
    pub absolute: bool,
    pub linux: bool,
    /// The page is embedded: offer the full page.
    pub embed: bool,
    /// The view a link to the full page opens, and the script it carries.
    pub view: View,
    pub script: AttrValue,
    pub dispatch: Callback<Action>,
}

#[function_component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let lang = use_lang();
    let other = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    let toggle = |action: Action| {
        let d = props.dispatch.clone();
        Callback::from(move |_: web_sys::Event| d.emit(action.clone()))
    };
    let toggle_lang = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| switch_language(other, d.clone(), true))
    };
    html! {
        <header class="top">
            <h1><span class="logo" aria-hidden="true">{ "⇄" }</span>{ tr(lang, "app.title") }</h1>
            <p class="tagline">{ tr(lang, "app.tagline") }</p>
            <label class="toggle">
                <input type="checkbox" checked={props.absolute} onchange={toggle(Action::ToggleAbsolute)} />
                { tr(lang, "ui.absolute") }
            </label>
            <label class="toggle" title={tr(lang, "linux.toggle_title")}>
                <input type="checkbox" data-testid="linux-toggle" checked={props.linux} onchange={toggle(Action::ToggleLinux)} />
                { tr(lang, "linux.toggle") }
            </label>
            <button class="lang-toggle" data-testid="lang-toggle" onclick={toggle_lang}
                lang={if other == Lang::Zh { "zh-Hans" } else { "en" }}
                title={tr(lang, "app.language")}>{ other.native_name() }</button>
            if props.embed {
                <OpenFull view={props.view.clone()} script={props.script.clone()} />
            }
        </header>
    }
}
