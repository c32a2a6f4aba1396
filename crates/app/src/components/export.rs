//! Export: the sequence chart and the state diagram as SVG or PNG, the script as `.tcps`, and
//! the run as `.pcap`. Files are handed to the browser as a Blob behind an object URL and an
//! `<a download>`, so nothing leaves the page.
//!
//! An exported SVG stands alone: the page's CSS rules that reach its elements are copied into
//! a `<style>`, the colour variables are written with the values they have now (light or dark),
//! and the page elements around the picture are kept as nested `<g>`s carrying their classes,
//! so that rules like `.chart .seg` still match.

use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::lazy::{self, LazyDetails};

#[derive(Properties, Clone, PartialEq)]
pub struct ExportProps {
    /// The run's script: saved as `.tcps`, and run again for the `.pcap` (the engine is
    /// deterministic, so it gives the run shown).
    pub script: AttrValue,
}

/// A picture to export: where it is on the page, the file's name, and a header drawn in a
/// separate `<svg>` above it on the page (the chart's peer names stay in view while it
/// scrolls), which the file puts back on top.
#[derive(Clone, Copy)]
struct Picture {
    selector: &'static str,
    name: &'static str,
    head: Option<&'static str>,
}

const CHART: Picture = Picture {
    selector: ".chart-panel svg.chart-svg",
    name: "synack-chart",
    head: Some(".chart-panel svg.chart-head"),
};
const DIAGRAM: Picture = Picture {
    selector: ".diagram-panel .diagram > svg",
    name: "synack-diagram",
    head: None,
};

crate::lazy::part! {
    /// The menu's items and what they do, fetched when the menu is first opened.
    pub static EXPORT_MENU = ExportMenu(ExportProps) in export, areas: &["export"], stylesheets: &[];
}

/// The Export menu: a disclosure whose items arrive when it is first opened.
#[function_component(Export)]
pub fn export(props: &ExportProps) -> Html {
    let lang = use_lang();
    html! {
        <LazyDetails class="export" testid="export" summary={tr(lang, "share.export")}
            part={&EXPORT_MENU} props={lazy::props(props.clone())} />
    }
}

#[function_component(ExportMenu)]
fn export_menu(props: &ExportProps) -> Html {
    let lang = use_lang();
    let message = use_state(|| None::<String>);
    let svg = |Picture {
                   selector,
                   name,
                   head,
               }: Picture| {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let result = svg_file(selector, head).and_then(|(text, _, _)| {
                download(&format!("{name}.svg"), "image/svg+xml", text.as_bytes())
            });
            message.set(
                result
                    .err()
                    .map(|e| fill(tr(lang, "share.export_failed"), &[("error", &e)])),
            );
        })
    };
    let png = |Picture {
                   selector,
                   name,
                   head,
               }: Picture| {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let message = message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = match svg_file(selector, head) {
                    Ok((text, w, h)) => png_file(&text, w, h).await,
                    Err(e) => Err(Some(e)),
                };
                let result = result.and_then(|bytes| {
                    download(&format!("{name}.png"), "image/png", &bytes).map_err(Some)
                });
                message.set(match result {
                    Ok(()) => None,
                    Err(None) => Some(tr(lang, "share.png_blocked").to_string()),
                    Err(Some(e)) => Some(fill(tr(lang, "share.export_failed"), &[("error", &e)])),
                });
            });
        })
    };
    let on_script = {
        let script = props.script.clone();
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let r = download("synack.tcps", "text/plain;charset=utf-8", script.as_bytes());
            message.set(
                r.err()
                    .map(|e| fill(tr(lang, "share.export_failed"), &[("error", &e)])),
            );
        })
    };
    let pcap = |ip_version: synack_core::wire::IpVersion| {
        let script = props.script.clone();
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let options = synack_core::pcap::CaptureOptions {
                ip_version,
                ..Default::default()
            };
            let sim = match synack_core::script::run_source(&script) {
                Ok(outcome) => outcome.sim,
                Err(e) => {
                    let error = e.to_string();
                    message.set(Some(fill(
                        tr(lang, "share.export_failed"),
                        &[("error", &error)],
                    )));
                    return;
                }
            };
            let capture = synack_core::pcap::capture(&sim, options);
            let name = match ip_version {
                synack_core::wire::IpVersion::V4 => {
                    format!("synack.{}", capture.format.extension())
                }
                synack_core::wire::IpVersion::V6 => {
                    format!("synack-ipv6.{}", capture.format.extension())
                }
            };
            let r = download(&name, "application/vnd.tcpdump.pcap", &capture.bytes);
            message.set(
                r.err()
                    .map(|e| fill(tr(lang, "share.export_failed"), &[("error", &e)])),
            );
        })
    };
    let item = |id: &'static str, key: &'static str, onclick: Callback<MouseEvent>| {
        html! { <button data-export={id} {onclick}>{ tr(lang, key) }</button> }
    };
    html! {
        <>
            <div class="export-menu">
                { item("chart-svg", "share.chart_svg", svg(CHART)) }
                { item("chart-png", "share.chart_png", png(CHART)) }
                { item("diagram-svg", "share.diagram_svg", svg(DIAGRAM)) }
                { item("diagram-png", "share.diagram_png", png(DIAGRAM)) }
                { item("tcps", "share.script_tcps", on_script) }
                { item("pcap", "share.run_pcap", pcap(synack_core::wire::IpVersion::V4)) }
                { item("pcap-v6", "share.run_pcap_v6", pcap(synack_core::wire::IpVersion::V6)) }
            </div>
            if let Some(text) = &*message {
                <p class="export-message" role="alert" data-testid="export-message">{ text.clone() }</p>
            }
        </>
    }
}

fn js_err(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .and_then(|e| e.message().as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "error".into())
}

/// Hands `bytes` to the browser as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_err)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(js_err)?.unchecked_into();
    a.set_href(&href);
    a.set_download(name);
    a.click();
    // The download has started from the click; the URL can go once the event loop moves on.
    gloo_timers::callback::Timeout::new(1000, move || {
        let _ = web_sys::Url::revoke_object_url(&href);
    })
    .forget();
    Ok(())
}

/// A number as `svg::num` writes it (`-12`, `3.5`), in tenths. Integer parsing only: float
/// parsing and formatting would add their code to this part.
fn tenths(t: &str) -> Option<i64> {
    let (sign, t) = t.strip_prefix('-').map_or((1, t), |rest| (-1, rest));
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    let whole: i64 = whole.parse().ok()?;
    let first = frac.chars().next()?.to_digit(10)?;
    Some(sign * (whole * 10 + i64::from(first)))
}

/// The numbers of a `viewBox` attribute (x, y, width, height), in tenths.
fn view_box(svg: &web_sys::Element) -> Option<[i64; 4]> {
    let text = svg.get_attribute("viewBox")?;
    let v: Vec<i64> = text
        .split([' ', ','])
        .filter(|t| !t.is_empty())
        .map(tenths)
        .collect::<Option<_>>()?;
    v.try_into().ok()
}

/// Tenths written back as `svg::num` does.
fn from_tenths(t: i64) -> AttrValue {
    crate::svg::num(t as f32 / 10.0)
}

/// A standalone SVG file of the picture at `selector`, with its width and height in CSS
/// pixels; with `head`, that picture's header (same width and scale) drawn above it.
pub fn svg_file(selector: &str, head: Option<&str>) -> Result<(String, u32, u32), String> {
    const NS: &str = "http://www.w3.org/2000/svg";
    let window = web_sys::window().ok_or("no window")?;
    let doc = window.document().ok_or("no document")?;
    let svg = doc
        .query_selector(selector)
        .map_err(js_err)?
        .ok_or("the picture is not on the page")?;
    let head = match head {
        Some(sel) => doc.query_selector(sel).map_err(js_err)?,
        None => None,
    };
    // The header's logical height (its viewBox) and drawn height.
    let head_size = head.as_ref().and_then(|h| {
        let [_, _, _, vh] = view_box(h)?;
        Some((vh, h.get_bounding_client_rect().height()))
    });
    let rect = svg.get_bounding_client_rect();
    let (head_vh, head_px) = head_size.unwrap_or((0, 0.0));
    let (w, h) = (
        rect.width().round().max(1.0) as u32,
        (rect.height() + head_px).round().max(1.0) as u32,
    );

    // The page elements around the picture, innermost first, with their classes.
    let mut ancestors = Vec::new();
    let mut up = svg.parent_element();
    while let Some(el) = up {
        let class = el.get_attribute("class").unwrap_or_default();
        if el.tag_name() == "BODY" {
            break;
        }
        up = el.parent_element();
        ancestors.push((el, class));
    }

    // The rules that reach the picture, in page order.
    let mut css = String::new();
    let matches = |sel: &str| {
        svg.matches(sel).unwrap_or(false)
            || svg.query_selector(sel).ok().flatten().is_some()
            || head
                .as_ref()
                .is_some_and(|h| h.query_selector(sel).ok().flatten().is_some())
            || ancestors
                .iter()
                .any(|(el, _)| el.matches(sel).unwrap_or(false))
    };
    let sheets = doc.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        if let Ok(rules) = sheet.css_rules() {
            collect_rules(&window, &rules, &matches, &mut css);
        }
    }
    // Today's values of the variables those rules use, set on the root.
    let computed = window
        .get_computed_style(&svg)
        .map_err(js_err)?
        .ok_or("no style")?;
    let mut vars = String::from("svg{");
    let mut seen = Vec::new();
    let mut rest = css.as_str();
    while let Some(i) = rest.find("var(--") {
        rest = &rest[i + 4..];
        let end = rest.find([',', ')', ' ']).unwrap_or(rest.len());
        let name = &rest[..end];
        if !seen.contains(&name) {
            seen.push(name);
            let value = computed.get_property_value(name).unwrap_or_default();
            if !value.trim().is_empty() {
                vars += &format!("{name}:{};", value.trim());
            }
        }
    }
    vars.push('}');

    let out = doc.create_element_ns(Some(NS), "svg").map_err(js_err)?;
    for (name, value) in [
        ("xmlns", NS),
        ("width", &w.to_string()),
        ("height", &h.to_string()),
        (
            "viewBox",
            &match view_box(&svg) {
                // Room above the picture for its header.
                Some([x, y, vw, vh]) => format!(
                    "{} {} {} {}",
                    from_tenths(x),
                    from_tenths(y - head_vh),
                    from_tenths(vw),
                    from_tenths(vh + head_vh)
                ),
                None => format!("0 0 {w} {h}"),
            },
        ),
        ("font-family", "system-ui, sans-serif"),
    ] {
        let _ = out.set_attribute(name, value);
    }
    let style = doc.create_element_ns(Some(NS), "style").map_err(js_err)?;
    style.set_text_content(Some(&format!("{vars}\n{css}")));
    out.append_child(&style).map_err(js_err)?;
    let mut inner: web_sys::Element = out.clone();
    for (_, class) in ancestors.iter().rev() {
        let g = doc.create_element_ns(Some(NS), "g").map_err(js_err)?;
        if !class.is_empty() {
            let _ = g.set_attribute("class", class);
        }
        inner.append_child(&g).map_err(js_err)?;
        inner = g;
    }
    let _ = inner.set_attribute(
        "class",
        &format!(
            "{} {}",
            inner.get_attribute("class").unwrap_or_default(),
            svg.get_attribute("class").unwrap_or_default()
        ),
    );
    if let (Some(head), Some([_, y, _, _])) = (&head, view_box(&svg)) {
        let g = doc.create_element_ns(Some(NS), "g").map_err(js_err)?;
        let _ = g.set_attribute("class", &head.get_attribute("class").unwrap_or_default());
        let _ = g.set_attribute(
            "transform",
            &format!("translate(0 {})", from_tenths(y - head_vh)),
        );
        let parts = head.child_nodes();
        for i in 0..parts.length() {
            if let Some(node) = parts.item(i) {
                let copy = node.clone_node_with_deep(true).map_err(js_err)?;
                g.append_child(&copy).map_err(js_err)?;
            }
        }
        inner.append_child(&g).map_err(js_err)?;
    }
    let children = svg.child_nodes();
    for i in 0..children.length() {
        if let Some(node) = children.item(i) {
            let copy = node.clone_node_with_deep(true).map_err(js_err)?;
            inner.append_child(&copy).map_err(js_err)?;
        }
    }
    let text = web_sys::XmlSerializer::new()
        .map_err(js_err)?
        .serialize_to_string(&out)
        .map_err(js_err)?;
    Ok((
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"),
        w,
        h,
    ))
}

/// Appends the text of every style rule in `rules` that `matches` accepts, going into
/// `@media` blocks whose condition holds now.
fn collect_rules(
    window: &web_sys::Window,
    rules: &web_sys::CssRuleList,
    matches: &dyn Fn(&str) -> bool,
    out: &mut String,
) {
    for i in 0..rules.length() {
        let Some(rule) = rules.item(i) else { continue };
        if let Some(style) = rule.dyn_ref::<web_sys::CssStyleRule>() {
            // Pseudo-classes (:hover, :focus-visible) describe interaction, not the picture.
            let sel = style.selector_text();
            if !sel.contains(':') && matches(&sel) {
                out.push_str(&rule.css_text());
                out.push('\n');
            }
        } else if let Some(media) = rule.dyn_ref::<web_sys::CssMediaRule>() {
            let holds = window
                .match_media(&media.media().media_text())
                .ok()
                .flatten()
                .is_some_and(|m| m.matches());
            if holds {
                collect_rules(window, &media.css_rules(), matches, out);
            }
        }
    }
}

/// The page's background colour as the theme has it now; white if it cannot be read or is
/// transparent.
fn page_background() -> String {
    let window = web_sys::window();
    let body = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    let colour = match (window, body) {
        (Some(w), Some(b)) => w
            .get_computed_style(&b)
            .ok()
            .flatten()
            .and_then(|s| s.get_property_value("background-color").ok()),
        _ => None,
    };
    match colour {
        Some(c) if !c.is_empty() && c != "transparent" && c != "rgba(0, 0, 0, 0)" => c,
        _ => "#ffffff".to_string(),
    }
}

/// Draws an SVG file onto a canvas at twice its size and returns the PNG. `Err(None)` means
/// the image could not be loaded, which is what a Content-Security-Policy without `blob:` in
/// `img-src` does.
async fn png_file(svg: &str, w: u32, h: u32) -> Result<Vec<u8>, Option<String>> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(Some("no document".to_string()))?;
    let some = |e: JsValue| Some(js_err(e));
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(some)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(some)?;
    let img = web_sys::HtmlImageElement::new().map_err(some)?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        img.set_onload(Some(&resolve));
        img.set_onerror(Some(&reject));
    });
    img.set_src(&href);
    let result = wasm_bindgen_futures::JsFuture::from(loaded).await;
    let _ = web_sys::Url::revoke_object_url(&href);
    result.map_err(|_| None)?;

    let canvas: web_sys::HtmlCanvasElement =
        doc.create_element("canvas").map_err(some)?.unchecked_into();
    canvas.set_width(w * 2);
    canvas.set_height(h * 2);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(some)?
        .ok_or(Some("no 2d canvas".to_string()))?
        .unchecked_into();
    // A PNG goes onto slides and documents of any colour: it carries the page's own
    // background, or the light theme's dark text would vanish on a dark slide.
    ctx.set_fill_style_str(&page_background());
    ctx.fill_rect(0.0, 0.0, f64::from(w * 2), f64::from(h * 2));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(
        &img,
        0.0,
        0.0,
        f64::from(w * 2),
        f64::from(h * 2),
    )
    .map_err(some)?;
    // A data: URL is the synchronous way out of a canvas; its base64 is decoded here.
    let data = canvas.to_data_url_with_type("image/png").map_err(some)?;
    let b64 = data.split_once(',').map(|(_, b)| b).unwrap_or_default();
    crate::glue::link::decode(b64).map_err(Some)
}

#[cfg(test)]
mod view_box_tests {
    use super::tenths;

    #[test]
    fn numbers_in_tenths() {
        assert_eq!(tenths("12"), Some(120));
        assert_eq!(tenths("-24"), Some(-240));
        assert_eq!(tenths("3.5"), Some(35));
        assert_eq!(tenths("-0.5"), Some(-5));
        assert_eq!(tenths("x"), None);
    }
}
