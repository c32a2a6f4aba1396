//! The messages the page shows above the panels until dismissed or replaced. A notice is
//! stored as what happened (a catalog key and its arguments) and put into words when it is
//! drawn, so a standing notice follows a switch of language.

use synack_core::script::ScriptError;
use synack_core::SimError;

use crate::glue::link::Problem;
use crate::i18n::{fill, tr, Lang};

/// Something to tell the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// Step at the live end found nothing that would happen by itself.
    NothingMore,
    /// "Next timer" needs the live end.
    ReturnLive,
    NoTimer,
    /// Playback stopped: nothing in flight, no timer.
    PlaybackPaused,
    /// A script from the editor does not parse or run.
    ScriptError(ScriptError),
    /// A script ran but `n` of its expectations failed, the first one given.
    ExpectFailed {
        n: usize,
        first: ScriptError,
    },
    /// The engine refused an action.
    Refused(SimError),
    /// A lesson's script is broken.
    LessonBroken {
        id: String,
        error: String,
    },
    LessonFetchFailed(String),
    ScenarioFetchFailed(String),
    /// The Chinese catalog did not arrive.
    LangLoadFailed(String),
    /// Parts of the link the page was opened with could not be used.
    Link(Vec<Problem>),
    /// An action in the past started a new branch; the `discarded` commands after it are kept
    /// in the run left behind (Undo goes back to it).
    Branched {
        discarded: usize,
    },
    /// Reset started over; the run left is kept (Undo goes back to it).
    StartedOver,
    /// Undo showed the run left behind; Redo goes back to the new branch.
    BranchRestored,
    /// Redo showed the new branch again; Undo goes back once more.
    BranchReturned,
    /// The user acted on the peers in a lesson: the run is theirs now, the lesson waits
    /// (Resume goes back to it).
    LeftLesson,
    /// The lesson showed its own run again; the run the user had made is kept (Undo).
    RunKept,
}

/// What a notice's button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeDo {
    /// `Action::SwapBranch`.
    SwapBranch,
    /// `Action::ResumeLesson`.
    ResumeLesson,
}

/// The button a notice offers, if any: its catalog key and its `data-action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeButton {
    pub key: &'static str,
    pub action: &'static str,
    pub does: NoticeDo,
}

impl Notice {
    /// An error (an alert) rather than information (a status).
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            Notice::NothingMore
                | Notice::ReturnLive
                | Notice::NoTimer
                | Notice::PlaybackPaused
                | Notice::Branched { .. }
                | Notice::StartedOver
                | Notice::BranchRestored
                | Notice::BranchReturned
                | Notice::LeftLesson
                | Notice::RunKept
        )
    }

    /// The button that goes with it: Undo or Redo for the notices about branches (both emit
    /// `Action::SwapBranch`).
    pub fn button(&self) -> Option<NoticeButton> {
        let undo = NoticeButton {
            key: "ui.undo",
            action: "undo",
            does: NoticeDo::SwapBranch,
        };
        match self {
            Notice::Branched { .. }
            | Notice::StartedOver
            | Notice::BranchReturned
            | Notice::RunKept => Some(undo),
            Notice::BranchRestored => Some(NoticeButton {
                key: "ui.redo",
                action: "redo",
                does: NoticeDo::SwapBranch,
            }),
            Notice::LeftLesson => Some(NoticeButton {
                key: "ui.resume_lesson",
                action: "resume-lesson",
                does: NoticeDo::ResumeLesson,
            }),
            _ => None,
        }
    }

    /// The catalog key of its text.
    pub fn key(&self) -> &'static str {
        match self {
            Notice::NothingMore => "ui.nothing_more",
            Notice::ReturnLive => "ui.return_live",
            Notice::NoTimer => "ui.no_timer",
            Notice::PlaybackPaused => "ui.playback_paused",
            Notice::ScriptError(_) => "ui.script_error",
            Notice::ExpectFailed { .. } => "ui.expect_failed",
            Notice::Refused(e) => refusal_key(e),
            Notice::LessonBroken { .. } => "lesson.open_failed",
            Notice::LessonFetchFailed(_) => "lesson.fetch_failed",
            Notice::ScenarioFetchFailed(_) => "script.fetch_failed",
            Notice::LangLoadFailed(_) => "ui.lang_load_failed",
            // Each problem has its own text; the first one names the notice.
            Notice::Link(problems) => problems.first().map_or("share.err_cut", |p| p.key),
            Notice::Branched { .. } => "ui.branched",
            Notice::StartedOver => "ui.started_over",
            Notice::BranchRestored => "ui.branch_restored",
            Notice::BranchReturned => "ui.branch_returned",
            Notice::LeftLesson => "ui.left_lesson",
            Notice::RunKept => "ui.run_kept",
        }
    }

    /// The values for the placeholders of its text.
    fn args(&self) -> Vec<(&'static str, String)> {
        let script_error = |e: &ScriptError| {
            vec![
                ("line", e.line.to_string()),
                ("column", e.column.to_string()),
                ("message", e.message.clone()),
            ]
        };
        match self {
            Notice::NothingMore
            | Notice::ReturnLive
            | Notice::NoTimer
            | Notice::PlaybackPaused
            | Notice::StartedOver
            | Notice::BranchRestored
            | Notice::BranchReturned
            | Notice::LeftLesson
            | Notice::RunKept
            | Notice::Link(_) => Vec::new(),
            Notice::Branched { discarded } => vec![("n", discarded.to_string())],
            Notice::ScriptError(e) => script_error(e),
            Notice::ExpectFailed { n, first } => {
                let mut args = script_error(first);
                args.push(("n", n.to_string()));
                args
            }
            Notice::Refused(e) => match e {
                SimError::NotInFlight(label) => vec![("label", label.to_string())],
                SimError::Setting(message) => vec![("message", message.clone())],
                SimError::Livelock { events } => vec![("events", events.to_string())],
            },
            Notice::LessonBroken { id, error } => {
                vec![("id", id.clone()), ("error", error.clone())]
            }
            Notice::LessonFetchFailed(e)
            | Notice::ScenarioFetchFailed(e)
            | Notice::LangLoadFailed(e) => vec![("error", e.clone())],
        }
    }

    /// The notice in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if let Notice::Link(problems) = self {
            let texts: Vec<String> = problems.iter().map(|p| p.message(lang)).collect();
            return texts.join(" ");
        }
        let args = self.args();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(tr(lang, self.key()), &args)
    }
}

/// The catalog key of an engine's refusal.
fn refusal_key(e: &SimError) -> &'static str {
    match e {
        SimError::NotInFlight(_) => "ui.refused.not_in_flight",
        SimError::Setting(_) => "ui.refused.setting",
        SimError::Livelock { .. } => "ui.refused.livelock",
    }
}

#[cfg(test)]
mod tests {
    use synack_core::Label;

    use super::*;

    /// One notice of every kind. `Notice::key` matches every variant without a wildcard, so a
    /// new kind of notice does not compile until it has a key; add it here too.
    pub(crate) fn every_notice() -> Vec<Notice> {
        let e = ScriptError {
            line: 2,
            column: 3,
            message: "bad".into(),
        };
        vec![
            Notice::NothingMore,
            Notice::ReturnLive,
            Notice::NoTimer,
            Notice::PlaybackPaused,
            Notice::ScriptError(e.clone()),
            Notice::ExpectFailed { n: 2, first: e },
            Notice::Refused(SimError::NotInFlight(Label(9))),
            Notice::Refused(SimError::Setting("`x` is not a whole number".into())),
            Notice::Refused(SimError::Livelock { events: 300_001 }),
            Notice::LessonBroken {
                id: "01-handshake".into(),
                error: "line 1".into(),
            },
            Notice::LessonFetchFailed("HTTP 404".into()),
            Notice::ScenarioFetchFailed("HTTP 404".into()),
            Notice::LangLoadFailed("HTTP 404".into()),
            Notice::Link(vec![crate::glue::link::Link::parse("lang=fr", "")
                .problems
                .remove(0)]),
            Notice::Branched { discarded: 3 },
            Notice::StartedOver,
            Notice::BranchRestored,
            Notice::BranchReturned,
            Notice::LeftLesson,
            Notice::RunKept,
        ]
    }

    #[test]
    fn every_notice_has_a_text_with_its_placeholders_filled_in_both_languages() {
        crate::i18n::tests::install_chinese();
        for notice in every_notice() {
            for lang in Lang::ALL {
                let text = notice.text(lang);
                assert!(
                    !text.is_empty() && text != notice.key(),
                    "{notice:?} has no {lang:?} text"
                );
                assert!(!text.contains('{'), "{notice:?} in {lang:?}: {text}");
                if let Some(b) = notice.button() {
                    assert_ne!(tr(lang, b.key), b.key, "{notice:?}'s button in {lang:?}");
                }
            }
            assert_ne!(
                notice.text(Lang::En),
                notice.text(Lang::Zh),
                "{notice:?} is not translated"
            );
        }
    }

    #[test]
    fn a_notice_is_worded_when_drawn_so_it_follows_the_language() {
        crate::i18n::tests::install_chinese();
        let n = Notice::Refused(SimError::NotInFlight(Label(9)));
        assert_eq!(n.text(Lang::En), "s9 is not in flight");
        assert!(n.text(Lang::Zh).contains("s9"));
        assert_ne!(n.text(Lang::Zh), n.text(Lang::En));
    }
}
