//! The inject form: build any segment and put it on the network, with presets for the
//! numbers that teach something (the next expected, an old duplicate, one out of window).

use synack_core::script::{Command, Num, SegmentSpec};
use synack_core::{Flags, Peer, Sim, State};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::model::state::Action;

#[derive(Properties, PartialEq, Clone)]
pub struct InjectProps {
    /// Relative numbers for the presets, computed from the live simulator.
    pub presets: [InjectPresets; 2],
    pub dispatch: Callback<Action>,
}

/// Relative seq/ack that a segment from one peer would need, per preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct InjectPresets {
    /// Exactly what the receiver expects next: seq = its RCV.NXT, ack = its SND.NXT.
    pub next_seq: i64,
    pub next_ack: i64,
    /// A byte the receiver already has.
    pub old_seq: i64,
    /// Past the right edge of the receiver's window.
    pub out_of_window_seq: i64,
}

impl InjectPresets {
    /// Presets for a segment from `from` to the other peer, relative to their ISNs.
    pub fn for_sender(sim: &Sim, from: Peer) -> InjectPresets {
        let to = from.other();
        let base_from = sim.isn_base(from);
        let base_to = sim.isn_base(to);
        let rx = sim.endpoint(to);
        if matches!(rx.state(), State::Closed | State::Listen) {
            return InjectPresets::default();
        }
        let t = rx.tcb();
        let rel = |n: u32| i64::from(n as i32);
        InjectPresets {
            next_seq: rel(t.rcv_nxt.offset_from(base_from)),
            next_ack: rel(t.snd_nxt.offset_from(base_to)),
            old_seq: rel(t.rcv_nxt.offset_from(base_from)) - 1,
            out_of_window_seq: rel(t.rcv_nxt.offset_from(base_from)) + i64::from(t.rcv_wnd) + 1000,
        }
    }
}

/// Checks the form's fields and builds the command, or says what is wrong.
pub fn build_command(
    lang: Lang,
    from: Peer,
    flags: Flags,
    seq: &str,
    ack: &str,
    len: &str,
    in_flight: bool,
) -> Result<Command, String> {
    let num = |name: &str, text: &str| -> Result<Num, String> {
        let text = text.trim();
        if let Some(abs) = text.strip_prefix('@') {
            return abs.parse::<u32>().map(Num::Abs).map_err(|_| {
                fill(
                    tr(lang, "inject.err.abs"),
                    &[("field", name), ("text", text)],
                )
            });
        }
        let n: i64 = text.parse().map_err(|_| {
            fill(
                tr(lang, "inject.err.nan"),
                &[("field", name), ("text", text)],
            )
        })?;
        if !(-(1i64 << 31)..(1i64 << 32)).contains(&n) {
            return Err(fill(
                tr(lang, "inject.err.range"),
                &[("field", name), ("text", text)],
            ));
        }
        Ok(Num::Rel(n as u32))
    };
    if flags == Flags::NONE {
        return Err(tr(lang, "inject.err.flag").into());
    }
    let seq = num("seq", seq)?;
    let ack = if flags.ack() {
        Some(num("ack", ack)?)
    } else {
        None
    };
    let len: u32 = len
        .trim()
        .parse()
        .ok()
        .filter(|&n| n <= 65_535)
        .ok_or_else(|| fill(tr(lang, "inject.err.len"), &[("text", len.trim())]))?;
    Ok(Command::Inject {
        spec: SegmentSpec {
            from,
            flags,
            seq,
            ack,
            len,
            win: None,
        },
        in_flight,
    })
}

#[function_component(Inject)]
pub fn inject(props: &InjectProps) -> Html {
    let lang = use_lang();
    let from = use_state(|| Peer::A);
    let flags = use_state(|| Flags::ACK);
    let seq = use_state(|| "0".to_string());
    let ack = use_state(|| "0".to_string());
    let len = use_state(|| "0".to_string());
    let error = use_state(|| None::<String>);
    // Issue 3: an injected segment enters the network like any other; the box makes it
    // arrive at once, as the script's plain `inject` does.
    let now = use_state(|| false);

    let text_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_dir = {
        let from = from.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            from.set(if sel.value() == "B" { Peer::B } else { Peer::A });
        })
    };
    let flag_boxes = Flags::ORDER.iter().map(|&(flag, name)| {
        let flags = flags.clone();
        let checked = flags.contains(flag);
        let onchange = Callback::from(move |_: Event| {
            let f = *flags;
            flags.set(if f.contains(flag) {
                f.without(flag)
            } else {
                f | flag
            });
        });
        html! {
            <label class="flag"><input type="checkbox" {checked} {onchange} />{ name }</label>
        }
    });
    let p = props.presets[from.index()];
    let preset = |label: &'static str, s: i64, a: Option<i64>, hint: &'static str| {
        let (seq, ack) = (seq.clone(), ack.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            seq.set(s.to_string());
            if let Some(a) = a {
                ack.set(a.to_string());
            }
        });
        html! { <button type="button" class="preset" {onclick} title={hint}>{ label }</button> }
    };
    let onsubmit = {
        let (from, flags, seq, ack, len, error) = (
            from.clone(),
            flags.clone(),
            seq.clone(),
            ack.clone(),
            len.clone(),
            error.clone(),
        );
        let now = now.clone();
        let d = props.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match build_command(lang, *from, *flags, &seq, &ack, &len, !*now) {
                Ok(cmd) => {
                    error.set(None);
                    d.emit(Action::Do(cmd));
                }
                Err(msg) => error.set(Some(msg)),
            }
        })
    };
    html! {
        <form class="inject" {onsubmit} aria-label={tr(lang, "inject.title")}>
            <fieldset>
                <legend>{ tr(lang, "inject.title") }</legend>
                <label>{ tr(lang, "inject.from") }{ " " }
                    <select onchange={on_dir} aria-label={tr(lang, "inject.direction")}>
                        <option value="A" selected={*from == Peer::A}>{ "A → B" }</option>
                        <option value="B" selected={*from == Peer::B}>{ "B → A" }</option>
                    </select>
                </label>
                <div class="flags" role="group" aria-label={tr(lang, "inject.flags")}>{ for flag_boxes }</div>
                <div class="numbers">
                    <label>{ "seq " }<input class="num" value={(*seq).clone()} oninput={text_input(&seq)} aria-label={tr(lang, "inject.seq")} /></label>
                    <label>{ "ack " }<input class="num" value={(*ack).clone()} oninput={text_input(&ack)} disabled={!flags.ack()} aria-label={tr(lang, "inject.ack")} /></label>
                    <label>{ "len " }<input class="num" value={(*len).clone()} oninput={text_input(&len)} aria-label={tr(lang, "inject.len")} /></label>
                </div>
                <div class="presets" role="group" aria-label={tr(lang, "inject.presets")}>
                    { preset(tr(lang, "inject.next"), p.next_seq, Some(p.next_ack), tr(lang, "inject.next_hint")) }
                    { preset(tr(lang, "inject.old"), p.old_seq, None, tr(lang, "inject.old_hint")) }
                    { preset(tr(lang, "inject.oow"), p.out_of_window_seq, None, tr(lang, "inject.oow_hint")) }
                </div>
                if let Some(msg) = &*error {
                    <p class="error" role="alert">{ msg }</p>
                }
                <label class="arrive-now">
                    <input type="checkbox" checked={*now} onchange={{
                        let now = now.clone();
                        Callback::from(move |_: Event| now.set(!*now))
                    }} />
                    { tr(lang, "inject.at_once") }
                </label>
                <button type="submit" data-action="inject">{ tr(lang, "inject.submit") }</button>
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script;

    #[test]
    fn build_command_checks_fields() {
        let ok = build_command(Lang::En, Peer::A, Flags::RST, "1", "", "0", false).unwrap();
        assert_eq!(ok.to_string(), "inject A->B RST seq=1");
        let ok = build_command(Lang::En, Peer::B, Flags::ACK, "@5", "-1", "10", true).unwrap();
        assert_eq!(
            ok.to_string(),
            "inject B->A ACK seq=@5 ack=4294967295 len=10 inflight"
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::NONE, "1", "", "0", false)
                .unwrap_err()
                .contains("flag")
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::ACK, "x", "1", "0", false)
                .unwrap_err()
                .contains("seq")
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::SYN, "1", "", "99999", false)
                .unwrap_err()
                .contains("len")
        );
    }

    #[test]
    fn next_expected_preset_is_acceptable() {
        let sim = script::run_source("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n")
            .unwrap()
            .sim;
        let p = InjectPresets::for_sender(&sim, Peer::A);
        assert_eq!((p.next_seq, p.next_ack), (1, 1));
        assert_eq!(p.old_seq, 0);
        assert!(p.out_of_window_seq > 65_535);
    }
}
