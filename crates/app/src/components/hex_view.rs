//! The hex view of a segment's headers: the IPv4 and TCP header bytes (options included) that
//! `synack_core::wire` encodes for it, eight to a row. Selecting a field (here, or on the
//! inspector's field rows) highlights its bytes; clicking a byte selects its field.

use synack_core::wire::{encode_as, IpVersion, Layer, Packet};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{tr, tr_dyn};
use crate::model::shared::Shared;
use crate::model::timeline::SegSpan;

/// Bytes per row: 8 keeps a row about 30 characters wide, readable on a 360 px phone.
const PER_ROW: usize = 8;

#[derive(Properties, Clone, PartialEq)]
pub struct HexViewProps {
    /// The headers (no payload) and their fields.
    pub packet: Shared<Packet>,
    pub selected: Option<&'static str>,
    pub on_select: Callback<Option<&'static str>>,
}

/// The encoded headers of a segment, the payload cut off: `None` if it cannot be encoded.
pub fn headers(span: &SegSpan) -> Option<Packet> {
    let rec = &span.record;
    let mut p = encode_as(IpVersion::V4, rec.from, &rec.segment, span.ident).ok()?;
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
    use synack_core::{script, wire, Label};

    use crate::model::timeline::Timeline;

    fn timeline(src: &str) -> (synack_core::Sim, Timeline) {
        let sim = script::run_source(src).unwrap().sim;
        let t = Timeline::new(sim.trace());
        (sim, t)
    }

    #[test]
    fn headers_stop_before_the_payload_and_keep_the_mss_option() {
        let (sim, t) = timeline("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 100\n");
        let syn = headers(t.seg(Label(1)).unwrap()).unwrap();
        assert_eq!(syn.bytes.len(), 44, "IPv4 20 + TCP 20 + MSS option 4");
        assert_eq!(
            syn.fields.last().unwrap().name,
            "Option: Maximum Segment Size"
        );
        let data = headers(t.seg(Label(4)).unwrap()).unwrap();
        assert_eq!(data.bytes.len(), 40, "no payload bytes");
        // The same bytes as the wire module's own encoding of the run's records.
        let whole = wire::encode_record(sim.segments(), Label(4))
            .unwrap()
            .unwrap();
        assert_eq!(data.bytes[..], whole.bytes[..40]);
    }

    #[test]
    fn every_field_has_a_catalog_key() {
        // Every option synack sends: window scale, SACK-permitted and timestamps on the SYNs,
        // SACK blocks on the ACK of data held out of order (s4 lost, s5 delivered), with
        // timestamps and without.
        let mut names = std::collections::BTreeSet::new();
        for options in ["set timestamps on", "set timestamps off"] {
            let (_, t) = timeline(&format!(
                "{options}\nset sack on\nset wscale 2\nB listen\nA connect\n\
                 deliver s1\ndeliver s2\ndeliver s3\nA send 3000\ndrop s4\ndeliver s5\n"
            ));
            let mut label = 1;
            while let Some(seg) = t.seg(Label(label)) {
                for f in headers(seg).unwrap().fields {
                    names.insert(f.name);
                }
                label += 1;
            }
        }
        for name in [
            "Option: SACK Permitted, Timestamps",
            "Option: Window Scale",
            "Option: SACK",
            "Option: SACK Permitted",
        ] {
            assert!(names.contains(name), "{name} not seen: {names:?}");
        }
        for name in names {
            let key = field_key(name);
            assert!(
                !crate::i18n::tr_dyn(crate::i18n::Lang::En, &key).is_empty(),
                "{key} missing from web/i18n/en/hex.txt"
            );
        }
        let (_, t) = timeline("B listen\nA connect\n");
        for f in &headers(t.seg(Label(1)).unwrap()).unwrap().fields {
            let key = field_key(f.name);
            assert!(
                !crate::i18n::tr_dyn(crate::i18n::Lang::En, &key).is_empty(),
                "{key} missing from web/i18n/en/hex.txt"
            );
        }
    }
}
