//! The mount point of the congestion and window views under the chart: a toggle, open by
//! itself once the run moves data (a segment with a payload), and the views, a lazily loaded
//! part, while it is open. The user's own choice wins over the automatic one.

use yew::prelude::*;

use crate::components::cc_views::{CcViewsProps, CC_VIEWS};
use crate::hooks::lang::use_lang;
use crate::i18n::tr;
use crate::lazy::{self, Lazy};
use crate::model::frame::Frame;
use crate::model::session::Session;
use crate::model::shared::Shared;
use crate::model::state::Action;

#[derive(Properties, Clone, PartialEq)]
pub struct CcPanelProps {
    pub session: Session,
    pub frame: Shared<Frame>,
    pub dispatch: Callback<Action>,
}

/// The run has sent data: the first data segment ends the search, so a data run costs a few
/// steps and a run without data only its handful of control segments.
fn moves_data(session: &Session) -> bool {
    session
        .timeline()
        .segs()
        .iter()
        .any(|g| g.record.segment.len > 0)
}

#[function_component(CcPanel)]
pub fn cc_panel(props: &CcPanelProps) -> Html {
    let lang = use_lang();
    let choice = use_state(|| None::<bool>);
    let open = choice.unwrap_or_else(|| moves_data(&props.session));
    let toggle = {
        let choice = choice.clone();
        Callback::from(move |_: MouseEvent| choice.set(Some(!open)))
    };
    html! {
        <div class="cc-panel" data-testid="cc-panel">
            <button class="cc-toggle" aria-expanded={open.to_string()} onclick={toggle}
                data-testid="cc-toggle">
                { tr(lang, "ui.cc_toggle") }
            </button>
            if open {
                <Lazy part={&CC_VIEWS} props={lazy::props(CcViewsProps {
                    session: props.session.clone(),
                    frame: props.frame.clone(),
                    dispatch: props.dispatch.clone(),
                })} />
            }
        </div>
    }
}
