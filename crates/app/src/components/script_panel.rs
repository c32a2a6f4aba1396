//! The script panel: every action as a `.tcps` line, editable and re-runnable, with the
//! built-in scenarios as presets. A script error names its line; the text is never lost.

use synack_core::script::ScriptError;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::model::presets::PRESETS;
use crate::model::state::{Action, Notice};

#[derive(Properties, PartialEq, Clone)]
pub struct ScriptPanelProps {
    pub text: AttrValue,
    pub error: Option<ScriptError>,
    pub dispatch: Callback<Action>,
}

/// The Scenarios menu's `onchange`: fetches the chosen scenario and loads it, or says why not.
fn scenario_loader(d: Callback<Action>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let name = sel.value();
        sel.set_value("");
        if name.is_empty() {
            return;
        }
        let d = d.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match crate::glue::fetch::text(&crate::model::presets::url(&name)).await {
                Ok(text) => d.emit(Action::Load(text)),
                Err(msg) => d.emit(Action::Notify(Notice::ScenarioFetchFailed(msg))),
            }
        });
    })
}

/// Where a script error is in the editor's text, in UTF-16 units (the unit of a textarea's
/// selection): from the word at fault (its 1-based `column`, in characters) to the end of its
/// 1-based `line`. `None` if the text has no such line (it was edited since).
pub fn error_range(text: &str, line: usize, column: usize) -> Option<(u32, u32)> {
    let mut start = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            let l = l.strip_suffix('\r').unwrap_or(l);
            let before: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum();
            let len: usize = l.chars().map(char::len_utf16).sum();
            return Some(((start + before) as u32, (start + len) as u32));
        }
        start += l.chars().map(char::len_utf16).sum::<usize>() + 1;
    }
    None
}

/// Marks the error in the editor: selects the word at fault to the end of its line, and
/// scrolls the line into view inside the box and the box into the page's view. The text is
/// left exactly as typed.
fn mark_error(area: &web_sys::HtmlTextAreaElement, line: usize, column: usize) {
    let Some((from, to)) = error_range(&area.value(), line, column) else {
        return;
    };
    let _ = area.focus();
    let _ = area.set_selection_range(from, to);
    // A line's height in the box: its font's line height (web/style.css: 1.45).
    let line_px = web_sys::window()
        .and_then(|w| w.get_computed_style(area).ok().flatten())
        .and_then(|st| st.get_property_value("line-height").ok())
        // Whole pixels are near enough, and integer parsing keeps float parsing's code out
        // of the first paint.
        .and_then(|v| v.split(['.', 'p']).next()?.parse::<u32>().ok())
        .map_or(18.0, f64::from);
    let y = (line.saturating_sub(1)) as f64 * line_px;
    let h = f64::from(area.client_height());
    area.set_scroll_top((y - h / 3.0).max(0.0) as i32);
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    area.scroll_into_view_with_scroll_into_view_options(&options);
}

#[function_component(ScriptPanel)]
pub fn script_panel(props: &ScriptPanelProps) -> Html {
    let lang = use_lang();
    let copied = use_state(|| false);
    let area = use_node_ref();
    let gutter = use_node_ref();
    // Set by Run: the error the next load reports is the user's to see at once. An error in a
    // link's script is only marked, without taking the focus or scrolling the page.
    // The count of presses tells a second Run of the same bad text from no change at all.
    let ran = use_memo((), |()| std::cell::Cell::new(false));
    let runs = use_state(|| 0u32);
    {
        let (area, ran) = (area.clone(), ran.clone());
        let at = props.error.as_ref().map(|e| (e.line, e.column));
        use_effect_with((at, *runs), move |(at, _)| {
            let pending = ran.get();
            if let (true, Some((line, column)), Some(el)) =
                (pending, at, area.cast::<web_sys::HtmlTextAreaElement>())
            {
                ran.set(false);
                mark_error(&el, *line, *column);
            }
        });
    }
    let on_scroll = {
        let (area, gutter) = (area.clone(), gutter.clone());
        Callback::from(move |_: Event| {
            if let (Some(a), Some(g)) = (
                area.cast::<web_sys::Element>(),
                gutter.cast::<web_sys::Element>(),
            ) {
                g.set_scroll_top(a.scroll_top());
            }
        })
    };
    let on_input = {
        let d = props.dispatch.clone();
        let copied = copied.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            copied.set(false);
            d.emit(Action::Edit(area.value()));
        })
    };
    let on_run = {
        let d = props.dispatch.clone();
        let text = props.text.clone();
        let (ran, runs) = (ran.clone(), runs.clone());
        Callback::from(move |_: MouseEvent| {
            ran.set(true);
            runs.set(runs.wrapping_add(1));
            d.emit(Action::Load(text.to_string()))
        })
    };
    let on_copy = {
        let text = props.text.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                // The clipboard may be unavailable (no permission, insecure origin); the text
                // stays selectable in the box either way.
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    let on_preset = scenario_loader(props.dispatch.clone());
    // `split`, not `lines`: a trailing newline is a line the caret can be on.
    let lines = props.text.split('\n').count().max(1);
    let bad_line = props.error.as_ref().map(|e| e.line).filter(|&n| n <= lines);
    html! {
        <section class="script-panel" aria-label={tr(lang, "script.region")}>
            <header>
                <h2>{ tr(lang, "script.title") }</h2>
                <label class="presets-menu">
                    <span class="visually-hidden">{ tr(lang, "script.load") }</span>
                    <select onchange={on_preset} aria-label={tr(lang, "script.load")} data-action="presets">
                        <option value="" selected=true>{ tr(lang, "script.scenarios") }</option>
                        { for PRESETS.iter().map(|(name, en, zh)| html! {
                            <option value={*name}>{ if lang == Lang::Zh { *zh } else { *en } }</option>
                        }) }
                    </select>
                </label>
            </header>
            <div class="editor">
                // Line numbers, the bad line marked: the textarea cannot colour one line.
                <div class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=lines).map(|n| {
                        let bad = bad_line == Some(n);
                        html! { <span class={classes!(bad.then_some("bad"))} data-line={n.to_string()}>{ n }</span> }
                    }) }
                </div>
                <textarea class="script" spellcheck="false" wrap="off" rows={lines.clamp(6, 18).to_string()}
                    ref={area} value={props.text.clone()} oninput={on_input} onscroll={on_scroll}
                    aria-label={tr(lang, "script.text")}
                    aria-invalid={props.error.is_some().then_some("true")}
                    aria-describedby={props.error.is_some().then_some("script-error")} />
            </div>
            if let Some(e) = &props.error {
                <p id="script-error" class="error" role="alert">
                    { fill(tr(lang, "script.error_at"), &[
                        ("line", &e.line.to_string()),
                        ("column", &e.column.to_string()),
                        ("message", &e.message),
                    ]) }
                </p>
            }
            <div class="buttons">
                <button data-action="run" onclick={on_run} title={tr(lang, "script.run_title")}>{ tr(lang, "script.run") }</button>
                <button data-action="copy" onclick={on_copy}>{ if *copied { tr(lang, "script.copied") } else { tr(lang, "script.copy") } }</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::error_range;

    #[test]
    fn the_error_range_runs_from_the_word_to_the_line_end() {
        let text = "B listen\nA conect\ndeliver s1\n";
        assert_eq!(error_range(text, 2, 3), Some((11, 17)));
        assert_eq!(&text[11..17], "conect");
        assert_eq!(error_range(text, 1, 1), Some((0, 8)));
        assert_eq!(error_range(text, 9, 1), None);
    }

    #[test]
    /// Columns count characters; a textarea counts UTF-16 units (an emoji is two).
    fn the_error_range_counts_utf16_units() {
        let text = "# 注释 🙂\nA frob\r\n";
        // Line 1 is 6 chars, 7 UTF-16 units, plus its newline.
        assert_eq!(error_range(text, 2, 3), Some((10, 14)));
    }
}
