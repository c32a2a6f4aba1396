//! The hex view of a segment's headers: the IPv4 and TCP header bytes (options included) that
//! `synack_core::wire` encodes for it, eight to a row. Selecting a field (here, or on the
//! inspector's field rows) highlights its bytes; clicking a byte selects its field.

use std::rc::Rc;

use synack_core::wire::{encode_record, Layer, Packet};
use synack_core::{Label, Sim};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{tr, tr_dyn};

/// Bytes per row: 8 keeps a row about 30 characters wide, readable on a 360 px phone.
const PER_ROW: usize = 8;

#[derive(Properties, Clone, PartialEq)]
pub struct HexViewProps {
    /// The headers (no payload) and their fields.
    pub packet: Rc<Packet>,
    pub selected: Option<&'static str>,
    pub on_select: Callback<Option<&'static str>>,
}

/// The encoded headers of segment `label`, the payload cut off: `None` if it cannot be encoded.
pub fn headers(sim: &Sim, label: Label) -> Option<Packet> {
    let mut p = encode_record(sim.segments(), label)?.ok()?;
    p.fields.retain(|f| f.layer != Layer::Payload);
    let end = p.fields.last().map_or(0, |f| f.range.end);
    p.bytes.truncate(end);
    Some(p)
}

/// The catalog key of a field's name: `hex.f.SourcePort`.
pub fn field_key(name: &str) -> String {
    let mut k = String::from("hex.f.");
    k.extend(name.chars().filter(|c| c.is_ascii_alphanumeric()));
    k
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[function_component(HexView)]
pub fn hex_view(props: &HexViewProps) -> Html {
    let lang = use_lang();
    let p = &props.packet;
    let field_of = |i: usize| p.fields.iter().find(|f| f.range.contains(&i));
    let rows = p.bytes.chunks(PER_ROW).enumerate().map(|(r, chunk)| {
        let bytes = chunk.iter().enumerate().map(|(c, b)| {
            let i = r * PER_ROW + c;
            let field = field_of(i).map(|f| f.name);
            let selected = field.is_some() && field == props.selected;
            let text: String = [
                HEX[usize::from(b >> 4)] as char,
                HEX[usize::from(b & 15)] as char,
            ]
            .into_iter()
            .collect();
            let cb = props.on_select.clone();
            let onclick = Callback::from(move |_: MouseEvent| cb.emit(field));
            let title = field.map(|f| tr_dyn(lang, &field_key(f)));
            html! {
                <span class={classes!("hex-byte", selected.then_some("selected"))}
                    data-field={field} title={title} onclick={onclick}>{ text }</span>
            }
        });
        let offset = r * PER_ROW;
        let off: String = [HEX[(offset >> 4) & 15] as char, HEX[offset & 15] as char]
            .into_iter()
            .collect();
        html! {
            <div class="hex-row"><span class="hex-off">{ off }</span>{ for bytes }</div>
        }
    });
    let caption = match props
        .selected
        .and_then(|name| p.fields.iter().find(|f| f.name == name))
    {
        Some(f) => format!(
            "{} ({}–{})",
            tr_dyn(lang, &field_key(f.name)),
            f.range.start,
            f.range.end - 1
        ),
        None => tr(lang, "hex.hint").to_string(),
    };
    html! {
        <div class="hex-view" data-testid="hex-view">
            <h4>{ tr(lang, "hex.title") }</h4>
            <div class="hex-dump">{ for rows }</div>
            <p class="muted hex-caption">{ caption }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script;

    #[test]
    fn headers_stop_before_the_payload_and_keep_the_mss_option() {
        let sim = script::run_source("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 100\n")
            .unwrap()
            .sim;
        let syn = headers(&sim, Label(1)).unwrap();
        assert_eq!(syn.bytes.len(), 44, "IPv4 20 + TCP 20 + MSS option 4");
        assert_eq!(
            syn.fields.last().unwrap().name,
            "Option: Maximum Segment Size"
        );
        let data = headers(&sim, Label(4)).unwrap();
        assert_eq!(data.bytes.len(), 40, "no payload bytes");
        assert!(headers(&sim, Label(9)).is_none());
    }

    #[test]
    fn every_field_has_a_catalog_key() {
        let sim = script::run_source("B listen\nA connect\n").unwrap().sim;
        for f in &headers(&sim, Label(1)).unwrap().fields {
            let key = field_key(f.name);
            assert!(
                !crate::i18n::tr_dyn(crate::i18n::Lang::En, &key).is_empty(),
                "{key} missing from web/i18n/en/capture.txt"
            );
        }
    }
}
