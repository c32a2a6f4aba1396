//! Links to a view of the page: what a URL asks for, how to restore it, and how to write one.
//!
//! Query: `lang=en|zh`, `embed=1`, `lesson=<id>`, `step=<n>`, `at=<n>` (events shown, when not at
//! the live end), `abs=1` (absolute seq/ack), `linux=1`. Fragment: `#z=<base64url of the
//! deflate-raw of the script>` (the browser's CompressionStream does the deflating, so it costs
//! the bundle nothing), or the older `#script=<base64url of the script>`. Whatever part of a link
//! cannot be used is reported as a [`Problem`] and the rest is still honoured.

use crate::i18n::Lang;
use crate::model::exercise::{self, SetItem};
use crate::model::lesson::{Lesson, Page, Player};
use crate::model::shared::Shared;
use crate::model::state::{AppState, Notice};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

/// Decodes base64url, with or without padding; also accepts the `+/` alphabet, which some
/// tools produce.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, c) in text.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return Err(format!(
                    "character {} (`{}`) is not base64url",
                    i + 1,
                    c as char
                ))
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if text.len() % 4 == 1 {
        return Err("the encoded text has a stray last character".to_string());
    }
    Ok(out)
}

/// The script named by a fragment like `#script=...`, if there is one.
pub fn script_from_fragment(fragment: &str) -> Option<Result<String, String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let value = fragment
        .split('&')
        .find_map(|part| part.strip_prefix("script="))?;
    Some(decode(value).and_then(|bytes| {
        String::from_utf8(bytes).map_err(|_| "the script is not valid UTF-8".to_string())
    }))
}

/// Something in a link that could not be used: a catalog key (area `share`) and the values for
/// its placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Problem {
        Problem {
            key,
            args: args.iter().map(|(k, v)| (*k, shorten(v))).collect(),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::i18n::fill(crate::i18n::tr_dyn(lang, self.key), &args)
    }
}

/// A value from the URL as it may be shown in a message: at most 40 characters.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// The script carried by a link's fragment, still to be unpacked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packed {
    /// `#script=`: the text itself.
    Plain(String),
    /// `#z=`: deflate-raw bytes, to inflate with [`inflate`].
    Deflated(Vec<u8>),
}

/// What a link asks for. Fields that were absent or unusable are at their defaults, and
/// `problems` says what was wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub lang: Option<Lang>,
    pub embed: bool,
    pub lesson: Option<String>,
    /// *(exercises)* The exercise to open (its id), and the seed of its numbers; without a
    /// seed, fresh numbers are drawn when the link opens.
    pub exercise: Option<&'static str>,
    pub seed: Option<u64>,
    /// *(exercises)* An exercise set to list.
    pub set: Option<Vec<SetItem>>,
    pub step: Option<usize>,
    pub at: Option<usize>,
    pub absolute: bool,
    pub linux: bool,
    pub script: Option<Packed>,
    pub problems: Vec<Problem>,
}

impl Link {
    /// Reads a URL's query (`?a=1&b=2`, with or without the `?`) and fragment (`#z=...`).
    /// A visit with nothing in its link but options (a language, absolute numbers, the Linux
    /// view): no script, no lesson, not embedded, nothing unreadable.
    pub fn is_plain(&self) -> bool {
        !self.embed
            && self.script.is_none()
            && self.lesson.is_none()
            && self.exercise.is_none()
            && self.set.is_none()
            && self.problems.is_empty()
    }

    pub fn parse(query: &str, fragment: &str) -> Link {
        let mut link = Link::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            match name {
                "lang" => match Lang::from_tag(value) {
                    Some(lang) => link.lang = Some(lang),
                    None => link.problem("share.err_lang", &[("value", value)]),
                },
                "embed" => link.embed = link.flag(name, value),
                "abs" => link.absolute = link.flag(name, value),
                "linux" => link.linux = link.flag(name, value),
                "lesson" => {
                    let ok = !value.is_empty()
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                    if ok {
                        link.lesson = Some(value.to_string());
                    } else {
                        link.problem("share.err_lesson", &[("value", value)]);
                    }
                }
                "exercise" => match exercise::find(value) {
                    Some(id) => link.exercise = Some(id),
                    None => link.problem("share.err_exercise", &[("value", value)]),
                },
                "seed" => match exercise::parse_seed(value) {
                    Ok(seed) => link.seed = Some(seed),
                    Err(key) => link.problem(key, &[("value", value)]),
                },
                "set" => {
                    let (items, errors) = exercise::parse_set(value);
                    for (key, v) in errors {
                        link.problem(key, &[("value", &v)]);
                    }
                    if !items.is_empty() {
                        link.set = Some(items);
                    }
                }
                "step" => link.step = link.number(name, value),
                "at" => link.at = link.number(name, value),
                // Unknown parameters (say, a tracker's) are none of our business.
                _ => {}
            }
        }
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        for part in fragment.split('&') {
            if let Some(value) = part.strip_prefix("z=") {
                match decode_value(value) {
                    Ok(bytes) => link.script = Some(Packed::Deflated(bytes)),
                    Err(p) => link.problems.push(p),
                }
            } else if let Some(value) = part.strip_prefix("script=") {
                match decode_value(value).and_then(utf8) {
                    Ok(text) => link.script = Some(Packed::Plain(text)),
                    Err(p) => link.problems.push(p),
                }
            }
        }
        link
    }

    /// The page's own link, from `window.location`.
    pub fn from_location() -> Link {
        let loc = web_sys::window().map(|w| w.location());
        let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
        };
        Link::parse(
            &get(web_sys::Location::search),
            &get(web_sys::Location::hash),
        )
    }

    fn problem(&mut self, key: &'static str, args: &[(&'static str, &str)]) {
        self.problems.push(Problem::new(key, args));
    }

    fn flag(&mut self, name: &str, value: &str) -> bool {
        match value {
            "1" | "" => true,
            "0" => false,
            _ => {
                self.problem("share.err_flag", &[("name", name), ("value", value)]);
                false
            }
        }
    }

    fn number(&mut self, name: &str, value: &str) -> Option<usize> {
        // Plain decimal digits only: `+1`, `1e3` or a 30-digit number is a broken link.
        let n = (value.len() <= 9 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse().ok())
            .flatten();
        if n.is_none() {
            self.problem("share.err_number", &[("name", name), ("value", value)]);
        }
        n
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|_| Problem::new("share.err_utf8", &[]))
}

/// Base64url of a link's fragment, with its failure as a [`Problem`].
fn decode_value(value: &str) -> Result<Vec<u8>, Problem> {
    let value = value.trim_end_matches('=');
    if let Some((i, c)) = value
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || "-_+/".contains(*c)))
    {
        let pos = (value[..i].chars().count() + 1).to_string();
        return Err(Problem::new(
            "share.err_char",
            &[("pos", &pos), ("char", &c.to_string())],
        ));
    }
    decode(value).map_err(|_| Problem::new("share.err_cut", &[]))
}

/// The view a link captures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub lang: Lang,
    pub embed: bool,
    pub lesson: Option<String>,
    /// *(exercises)* The open exercise's short name and seed.
    pub exercise: Option<(String, u64)>,
    /// *(exercises)* The exercise set listed, as `set=` writes it.
    pub set: Option<String>,
    pub step: Option<usize>,
    /// Events shown, when not at the live end.
    pub at: Option<usize>,
    pub absolute: bool,
    pub linux: bool,
}

impl View {
    /// The query string, with its `?`. Parameters always come in the same order, and `lang`
    /// is always there: the reader's browser language must not change what the link shows.
    pub fn query(&self) -> String {
        let mut q = format!("?lang={}", self.lang.code());
        if self.embed {
            q += "&embed=1";
        }
        if let Some(lesson) = &self.lesson {
            q += "&lesson=";
            q += lesson;
        }
        if let Some((id, seed)) = &self.exercise {
            q += &format!("&exercise={id}&seed={seed}");
        }
        if let Some(set) = &self.set {
            q += "&set=";
            q += set;
        }
        for (name, value) in [("step", self.step), ("at", self.at)] {
            if let Some(n) = value {
                q += &format!("&{name}={n}");
            }
        }
        if self.absolute {
            q += "&abs=1";
        }
        if self.linux {
            q += "&linux=1";
        }
        q
    }

    /// The whole link: `base` (the page's address without query or fragment), the query, and
    /// `#z=` with the deflated script if there is one.
    pub fn link(&self, base: &str, deflated: Option<&[u8]>) -> String {
        let mut out = format!("{base}{}", self.query());
        if let Some(bytes) = deflated {
            out += "#z=";
            out += &encode(bytes);
        }
        out
    }
}

/// The address of the page without query or fragment (`https://host/path/`).
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// A lesson at step `step` (1-based; one past the last is the closing page), as the learner
/// arrives there: the step's question first if it has one, and the questions before it
/// answered.
fn open_at_step(
    id: &str,
    lesson: Lesson,
    seed: Option<u64>,
    step: Option<usize>,
    problems: &mut Vec<Problem>,
) -> Shared<Player> {
    let mut player = match seed {
        Some(seed) => Player::exercise(id.to_string(), lesson, seed),
        None => Player::new(id.to_string(), lesson),
    };
    let steps = player.lesson.steps.clone();
    match step {
        None | Some(0) => {}
        Some(n) if n <= steps.len() + 1 => {
            player.settle_before(n - 1);
            player.page = match steps.get(n - 1) {
                None => Page::End,
                Some(s) if s.ask.is_some() || s.predict.is_some() => Page::Question(n - 1),
                Some(_) => Page::Step(n - 1),
            };
        }
        Some(n) => problems.push(Problem::new(
            "share.err_step",
            &[
                ("value", &n.to_string()),
                ("count", &steps.len().to_string()),
            ],
        )),
    }
    Shared::new(player)
}

/// The lesson step a link records for a player: 1-based, one past the last at the end.
pub fn step_of(player: &Player) -> usize {
    match player.page {
        Page::Question(k) | Page::Step(k) => k + 1,
        Page::End => player.lesson.steps.len() + 1,
    }
}

/// Whether opening `link` needs to wait for something (inflating, fetching a lesson);
/// otherwise [`restore`] can run before the first paint.
pub fn needs_waiting(link: &Link) -> bool {
    link.lesson.is_some()
        || link.exercise.is_some()
        || matches!(link.script, Some(Packed::Deflated(_)))
}

/// The state the page opens with: what the link asks for when that needs no waiting (see
/// [`needs_waiting`]), else the default scenario until the link's view is ready.
pub fn initial_state(link: &Link) -> AppState {
    if needs_waiting(link) {
        return AppState::loaded(crate::model::presets::DEFAULT_SCRIPT);
    }
    let script = match &link.script {
        Some(Packed::Plain(text)) => Some(Ok(text.clone())),
        _ => None,
    };
    restore(link, script, None)
}

/// [`restore`] after fetching and unpacking what the link needs.
pub async fn restore_waiting(link: &Link) -> AppState {
    let script = unpack(link).await;
    if let Some(id) = link.exercise {
        // An exercise link without a seed draws one here, at the page's edge; its numbers
        // are then the seed's, and so is the link the page shows.
        let mut link = link.clone();
        let seed = *link.seed.get_or_insert_with(exercise::random_seed);
        let text = match crate::glue::fetch::text(&exercise::url(id)).await {
            // A ladder exercise (`hide`, `order`) is the ladder view's (hooks::ladder_link),
            // not the lesson player's: the page behind it shows the rest of the link.
            Ok(text) if crate::hooks::ladder_link::is_ladder(&text) => {
                link.exercise = None;
                link.seed = None;
                link.step = None;
                return restore(&link, script, None);
            }
            Ok(text) => exercise::instantiate(&text, seed).await,
            Err(e) => Err(e),
        };
        return restore(&link, script, Some(text));
    }
    let lesson_text = match &link.lesson {
        Some(id) if crate::model::lesson::LESSONS.iter().any(|l| l.0 == id) => {
            Some(crate::glue::fetch::text(&crate::model::lesson::url(id)).await)
        }
        _ => None,
    };
    restore(link, script, lesson_text)
}

/// The state a link opens: its script (already unpacked, or the failure to unpack it), its
/// position in time and options, with a notice for whatever could not be used. A
/// script that does not run still lands in the editor, so nothing the user wrote is lost, while
/// the page shows the default scenario.
pub fn restore(
    link: &Link,
    script: Option<Result<String, Problem>>,
    lesson_text: Option<Result<String, String>>,
) -> AppState {
    let mut problems = link.problems.clone();
    let default = || AppState::loaded(crate::model::presets::DEFAULT_SCRIPT);
    // An exercise is opened like a lesson, with the seed of its numbers.
    let (id, seed) = match (link.exercise, &link.lesson) {
        (Some(id), _) => (Some(id.to_string()), link.seed.or(Some(0))),
        (None, lesson) => (lesson.clone(), None),
    };
    let lesson = id.as_ref().and_then(|id| {
        let opened = lesson_text
            .and_then(Result::ok)
            .and_then(|text| Lesson::from_script(&text).ok())
            .map(|lesson| open_at_step(id, lesson, seed, link.step, &mut problems));
        if opened.is_none() {
            let key = if seed.is_some() {
                "share.err_exercise"
            } else {
                "share.err_lesson"
            };
            problems.push(Problem::new(key, &[("value", id)]));
        }
        opened
    });
    let mut state = match script {
        // A lesson's own run needs no script in the link.
        None if lesson.is_some() => {
            let mut s = AppState::default();
            s.lesson = lesson.clone();
            s.show_lesson();
            s
        }
        // A plain visit starts from nothing, where the first steps begin. An embed without a
        // script (nothing to click in it) and a link that failed show the default scenario.
        None if link.is_plain() => AppState::default(),
        None => default(),
        Some(Err(p)) => {
            problems.push(p);
            default()
        }
        Some(Ok(text)) => match AppState::loaded(&text) {
            s if s.script_error.is_none() => s,
            AppState {
                script_error: Some(e),
                ..
            } => {
                problems.push(Problem::new(
                    "share.err_script",
                    &[
                        ("line", &e.line.to_string()),
                        ("column", &e.column.to_string()),
                        ("message", &e.message),
                    ],
                ));
                let mut s = default();
                s.editor = text.into();
                s.script_error = Some(e);
                s
            }
            s => s,
        },
    };
    if let (Some(player), None) = (&lesson, &state.lesson) {
        // The link's script is the user's own run within the lesson.
        state.lesson = Some(player.clone());
    }
    if let Some(at) = link.at {
        let len = state.session.len();
        if at <= len {
            state.show(at);
        } else {
            problems.push(Problem::new(
                "share.err_at",
                &[("value", &at.to_string()), ("count", &len.to_string())],
            ));
        }
    }
    state.absolute = link.absolute;
    state.linux = link.linux;
    state.set = link.set.clone().map(Shared::new);
    if !problems.is_empty() {
        state.notice = Some(Notice::Link(problems));
    }
    state
}

/// The view a link to `s` records, and the script its fragment carries (empty when a lesson
/// shows its own run, which the lesson id already names). The other direction of
/// [`restore`].
pub fn view_of(s: &AppState) -> (View, yew::AttrValue) {
    let player = s.lesson.as_deref();
    let view = View {
        lang: s.lang,
        embed: false,
        lesson: player.filter(|p| p.seed.is_none()).map(|p| p.id.clone()),
        exercise: player.and_then(|p| Some((exercise::short(&p.id).to_string(), p.seed?))),
        set: s.set.as_deref().map(|items| exercise::write_set(items)),
        step: player.map(step_of),
        at: (!s.at_live_end()).then_some(s.cursor()),
        absolute: s.absolute,
        linux: s.linux,
    };
    let script = if s.shows_lesson_run() {
        yew::AttrValue::default()
    } else {
        s.script.clone()
    };
    (view, script)
}

#[cfg(target_arch = "wasm32")]
mod streams {
    use wasm_bindgen::prelude::*;

    // CompressionStream and DecompressionStream are behind web-sys's unstable-API flag; these
    // are the few bindings we need.
    #[wasm_bindgen]
    extern "C" {
        pub type CompressionStream;
        #[wasm_bindgen(constructor, catch)]
        pub fn new(format: &str) -> Result<CompressionStream, JsValue>;
        #[wasm_bindgen(method, getter)]
        pub fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
        #[wasm_bindgen(method, getter)]
        pub fn writable(this: &CompressionStream) -> web_sys::WritableStream;

        pub type DecompressionStream;
        #[wasm_bindgen(constructor, catch)]
        pub fn new(format: &str) -> Result<DecompressionStream, JsValue>;
        #[wasm_bindgen(method, getter)]
        pub fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
        #[wasm_bindgen(method, getter)]
        pub fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
    }

    /// Runs `bytes` through a transform stream and collects what comes out.
    pub async fn pipe(
        bytes: &[u8],
        readable: web_sys::ReadableStream,
        writable: web_sys::WritableStream,
    ) -> Result<Vec<u8>, JsValue> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
        let pair = web_sys::ReadableWritablePair::new(&readable, &writable);
        let out = blob.stream().pipe_through(&pair);
        let response = web_sys::Response::new_with_opt_readable_stream(Some(&out))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer()?).await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// The script deflated (raw deflate, RFC 1951) by the browser.
#[cfg(target_arch = "wasm32")]
pub async fn deflate(text: &str) -> Result<Vec<u8>, String> {
    let cs = streams::CompressionStream::new("deflate-raw").map_err(js_error)?;
    streams::pipe(text.as_bytes(), cs.readable(), cs.writable())
        .await
        .map_err(js_error)
}

/// A `#z=` script inflated by the browser.
#[cfg(target_arch = "wasm32")]
pub async fn inflate(bytes: &[u8]) -> Result<String, Problem> {
    // The browser's own message for a damaged stream is a bare "Failed to fetch", which
    // says nothing to the reader of a link: the text says what happened instead.
    let failed = |_| Problem::new("share.err_deflate", &[]);
    let ds = streams::DecompressionStream::new("deflate-raw").map_err(failed)?;
    let out = streams::pipe(bytes, ds.readable(), ds.writable())
        .await
        .map_err(failed)?;
    utf8(out)
}

#[cfg(target_arch = "wasm32")]
fn js_error(e: wasm_bindgen::JsValue) -> String {
    js_sys::Error::from(e)
        .message()
        .as_string()
        .unwrap_or_else(|| "error".into())
}

/// Natively there is no CompressionStream: the tests use `#script=` links.
#[cfg(not(target_arch = "wasm32"))]
pub async fn deflate(_text: &str) -> Result<Vec<u8>, String> {
    Err("no CompressionStream outside the browser".into())
}

#[cfg(not(target_arch = "wasm32"))]
pub async fn inflate(_bytes: &[u8]) -> Result<String, Problem> {
    Err(Problem::new("share.err_deflate", &[]))
}

/// The script a link carries, unpacked: `None` without one.
pub async fn unpack(link: &Link) -> Option<Result<String, Problem>> {
    Some(match link.script.as_ref()? {
        Packed::Plain(text) => Ok(text.clone()),
        Packed::Deflated(bytes) => inflate(bytes).await,
    })
}
/// The language the page opens in: the URL's `lang` parameter if it names a language we have
/// (`?lang=zh`, `?lang=en`), else the first of the browser's preferred languages that we have
/// (`navigator.language` first, then `navigator.languages`), else English.
pub fn initial_lang(query: &str, browser_langs: &[String]) -> Lang {
    query_param(query, "lang")
        .and_then(Lang::from_tag)
        .or_else(|| browser_langs.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or_default()
}

/// The value of `name` in a query string (`?a=1&lang=zh`), if present.
fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The query string with each `(name, value)` of `set` in place of that parameter (a new one
/// goes last) or, for `None`, without it; every other parameter kept as it was and in its
/// place. Returns it with its leading `?` (just `?` when nothing is left).
pub fn with_params(query: &str, set: &[(&str, Option<&str>)]) -> String {
    let name_of = |p: &str| p.split_once('=').map_or(p, |(k, _)| k).to_string();
    let mut done: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for p in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        match set.iter().find(|(name, _)| *name == name_of(p)) {
            None => parts.push(p.to_string()),
            // A parameter written twice keeps only its first place.
            Some((name, _)) if done.contains(name) => {}
            Some((name, value)) => {
                done.push(name);
                if let Some(v) = value {
                    parts.push(format!("{name}={v}"));
                }
            }
        }
    }
    for (name, value) in set {
        if let (false, Some(v)) = (done.contains(name), value) {
            parts.push(format!("{name}={v}"));
        }
    }
    format!("?{}", parts.join("&"))
}

/// The query string with `lang` set to `lang`, every other parameter kept as it was and in
/// its place (a new `lang` goes last). Returns it with its leading `?`.
pub fn with_lang_param(query: &str, lang: Lang) -> String {
    with_params(query, &[("lang", Some(lang.code()))])
}

/// The page's query with exercise `id` and `seed`'s numbers in it, or `None` when it already
/// says so. Another exercise or other numbers start at the beginning, so `step`, `at` and
/// `lesson` go; a link that named this exercise without a (readable) seed only gains the
/// seed its numbers were drawn from. Every other parameter (`lang`, `set`, ...) stays.
pub fn exercise_query(query: &str, id: &str, seed: u64) -> Option<String> {
    let short = exercise::short(id);
    let seed_text = seed.to_string();
    let same = query_param(query, "exercise").and_then(exercise::find) == exercise::find(short);
    let linked_seed = query_param(query, "seed").and_then(|s| exercise::parse_seed(s).ok());
    if same && linked_seed == Some(seed) {
        return None;
    }
    let mut set = vec![
        ("exercise", Some(short)),
        ("seed", Some(seed_text.as_str())),
    ];
    if !same || linked_seed.is_some() {
        set.extend([("step", None), ("at", None), ("lesson", None)]);
    }
    Some(with_params(query, &set))
}

/// Puts what `rewrite` makes of the page's query in the address bar, without a new history
/// entry; `None` leaves it as it is. The fragment goes: the links rewritten here (an
/// exercise's) carry no script, as Share's link for them says.
fn rewrite_query(rewrite: impl FnOnce(&str) -> Option<String>) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let (Ok(path), Ok(query)) = (loc.pathname(), loc.search()) else {
        return;
    };
    if let (Some(query), Ok(history)) = (rewrite(&query), w.history()) {
        let url = format!("{path}{query}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Takes the exercise (or lesson) out of the address bar when it is closed (Exit, or back
/// to its set's list), so that a reload shows what the page shows. The set and the language
/// stay: the set's list stands while no exercise of it is open.
pub fn forget_exercise() {
    let gone = [
        ("lesson", None),
        ("exercise", None),
        ("seed", None),
        ("step", None),
        ("at", None),
    ];
    rewrite_query(|query| Some(with_params(query, &gone)));
}

/// Keeps the address bar on the exercise shown (see [`exercise_query`]): a reload, or the
/// address copied, then shows these very numbers.
pub fn remember_exercise(id: &str, seed: u64) {
    rewrite_query(|query| exercise_query(query, id, seed));
}

/// The page's language as the browser sees it: [`initial_lang`] of the page's query string and
/// the browser's preferred languages.
pub fn browser_initial_lang() -> Lang {
    let Some(w) = web_sys::window() else {
        return Lang::En;
    };
    let query = w.location().search().unwrap_or_default();
    let nav = w.navigator();
    let mut langs: Vec<String> = nav.language().into_iter().collect();
    langs.extend(nav.languages().iter().filter_map(|v| v.as_string()));
    initial_lang(&query, &langs)
}

/// Records the user's choice in the URL's `lang` parameter, without a new history entry and
/// leaving the rest of the URL (path, other parameters, `#script=`) as it is.
pub fn remember_in_url(lang: Lang) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let (Ok(path), Ok(query), Ok(hash)) = (loc.pathname(), loc.search(), loc.hash()) else {
        return;
    };
    let url = format!("{path}{}{hash}", with_lang_param(&query, lang));
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for text in [
            "",
            "a",
            "ab",
            "abc",
            "B listen\nA connect\n",
            "注释 # ünïcode",
        ] {
            assert_eq!(decode(&encode(text.as_bytes())).unwrap(), text.as_bytes());
        }
    }

    #[test]
    fn known_vector_and_padding() {
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(decode("Zm9vYg==").unwrap(), b"foob");
        assert_eq!(decode("Zm9vYg").unwrap(), b"foob");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(decode("ab$d").unwrap_err().contains("character 3"));
        assert!(decode("abcde").is_err());
        assert_eq!(script_from_fragment("#other=1"), None);
        assert!(script_from_fragment("#script=%%%").unwrap().is_err());
        assert_eq!(
            script_from_fragment(&format!("#script={}", encode(b"A listen"))),
            Some(Ok("A listen".to_string()))
        );
    }

    /// The page's notice in English, or "" without one.
    fn notice_text(s: &AppState) -> String {
        s.notice
            .as_ref()
            .map(|n| n.text(Lang::En))
            .unwrap_or_default()
    }

    fn keys(link: &Link) -> Vec<&'static str> {
        link.problems.iter().map(|p| p.key).collect()
    }

    #[test]
    fn a_full_link_round_trips_through_its_query() {
        let view = View {
            lang: Lang::Zh,
            embed: true,
            lesson: Some("01-handshake".into()),
            step: Some(3),
            at: Some(12),
            absolute: true,
            linux: true,
            ..View::default()
        };
        let url = view.link("https://example.org/synack/", Some(&[1, 2, 250]));
        assert_eq!(
            url,
            "https://example.org/synack/?lang=zh&embed=1&lesson=01-handshake&step=3&at=12&abs=1&linux=1#z=AQL6"
        );
        let (rest, fragment) = url.split_once('#').unwrap();
        let query = rest.split_once('?').unwrap().1;
        let link = Link::parse(query, fragment);
        assert!(link.problems.is_empty(), "{:?}", link.problems);
        assert_eq!(link.lang, Some(Lang::Zh));
        assert!(link.embed && link.absolute && link.linux);
        assert_eq!(link.lesson.as_deref(), Some("01-handshake"));
        assert_eq!((link.step, link.at), (Some(3), Some(12)));
        assert_eq!(link.script, Some(Packed::Deflated(vec![1, 2, 250])));
    }

    #[test]
    fn a_plain_view_has_only_its_language() {
        let link = View::default().link("http://h/", None);
        assert_eq!(link, "http://h/?lang=en");
        assert_eq!(Link::parse("", ""), Link::default());
    }

    #[test]
    fn the_old_script_fragment_is_still_read() {
        let link = Link::parse("", &format!("#script={}", encode("B listen\n".as_bytes())));
        assert_eq!(link.script, Some(Packed::Plain("B listen\n".into())));
    }

    #[test]
    fn each_bad_part_is_named_and_the_rest_kept() {
        let link = Link::parse(
            "?lang=fr&embed=yes&lesson=../etc&step=-1&at=1e3&abs=1&utm_source=x",
            "#z=ab$d",
        );
        assert_eq!(
            keys(&link),
            [
                "share.err_lang",
                "share.err_flag",
                "share.err_lesson",
                "share.err_number",
                "share.err_number",
                "share.err_char"
            ]
        );
        assert!(link.absolute, "the good parameter still counts");
        assert_eq!(
            (link.lang, link.embed, link.lesson.clone()),
            (None, false, None)
        );
        assert_eq!(
            link.problems[5].args,
            [("pos", "3".into()), ("char", "$".into())]
        );
        let msg = link.problems[0].message(Lang::En);
        assert!(msg.contains("\"fr\""), "{msg}");
        assert!(!msg.contains('{'), "every placeholder is filled: {msg}");
        assert!(keys(&Link::parse("", "#z=abcde")) == ["share.err_cut"]);
        assert!(keys(&Link::parse("", "#script=_w")) == ["share.err_utf8"]);
        assert!(keys(&Link::parse("at=99999999999999999999", "")) == ["share.err_number"]);
    }

    #[test]
    fn a_long_bad_value_is_shortened_in_the_message() {
        let long = "x".repeat(500);
        let link = Link::parse(&format!("lang={long}"), "");
        let msg = link.problems[0].message(Lang::En);
        assert!(msg.len() < 300 && msg.contains('…'), "{msg}");
    }

    #[test]
    fn restore_runs_the_script_and_goes_back_in_time() {
        let script = "B listen\nA connect\ndeliver s1\ndeliver s2\n";
        let link = Link::parse("at=2&abs=1&linux=1", "");
        let s = restore(&link, Some(Ok(script.into())), None);
        assert_eq!(s.editor, script);
        assert_eq!(s.cursor(), 2);
        assert!(s.absolute && s.linux);
        assert!(s.notice.is_none(), "{:?}", s.notice);
        assert_eq!(s.state_of(synack_core::Peer::B), synack_core::State::Listen);
    }

    #[test]
    fn restore_keeps_a_broken_script_in_the_editor_over_the_default_view() {
        let bad = "B listen\nA conect\n";
        let s = restore(&Link::default(), Some(Ok(bad.into())), None);
        assert_eq!(s.editor, bad, "what the link carried is not lost");
        assert_eq!(s.script_error.as_ref().map(|e| e.line), Some(2));
        let default = AppState::loaded(crate::model::presets::DEFAULT_SCRIPT);
        assert_eq!(
            s.session.len(),
            default.session.len(),
            "the default scenario runs"
        );
        let text = notice_text(&s);
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn restore_past_the_end_shows_the_end_and_says_so() {
        let link = Link::parse("at=500", "");
        let s = restore(&link, Some(Ok("B listen\n".into())), None);
        assert!(s.at_live_end());
        assert!(notice_text(&s).contains("500"), "{:?}", s.notice);
    }

    #[test]
    fn restore_of_an_unreadable_script_falls_back_with_a_notice() {
        let link = Link::parse("", "#z=%%");
        let s = restore(&link, None, None);
        assert_eq!(s.editor, crate::model::presets::DEFAULT_SCRIPT);
        assert!(notice_text(&s).contains("could not be read"));
    }

    fn lesson_text(id: &str) -> Option<Result<String, String>> {
        let path = format!("{}/../../lessons/{id}.tcps", env!("CARGO_MANIFEST_DIR"));
        Some(std::fs::read_to_string(path).map_err(|e| e.to_string()))
    }

    #[test]
    fn restore_opens_a_lesson_at_its_step() {
        let (id, _, _) = crate::model::lesson::LESSONS[0];
        let link = Link::parse(&format!("lesson={id}&step=2"), "");
        let s = restore(&link, None, lesson_text(id));
        assert!(s.notice.is_none(), "{:?}", s.notice);
        let player = s.lesson.as_ref().expect("the lesson is open");
        assert_eq!(player.id, id);
        assert_eq!(step_of(player), 2);
        assert_eq!(s.cursor(), player.cursor());
        assert!(s.session == player.lesson.session, "the lesson's own run");
        let end = player.lesson.steps.len() + 1;
        let s = restore(
            &Link::parse(&format!("lesson={id}&step={end}"), ""),
            None,
            lesson_text(id),
        );
        assert_eq!(s.lesson.as_ref().map(|p| p.page), Some(Page::End));
    }

    #[test]
    fn restore_of_a_bad_lesson_or_step_says_so() {
        let (id, _, _) = crate::model::lesson::LESSONS[0];
        let s = restore(
            &Link::parse(&format!("lesson={id}&step=999"), ""),
            None,
            lesson_text(id),
        );
        assert!(notice_text(&s).contains("999"), "{:?}", s.notice);
        assert_eq!(
            s.lesson.as_ref().map(|p| step_of(p)),
            Some(1),
            "the lesson opens at its start"
        );

        let s = restore(&Link::parse("lesson=no-such-lesson", ""), None, None);
        assert!(s.lesson.is_none());
        assert_eq!(
            s.editor,
            crate::model::presets::DEFAULT_SCRIPT,
            "the default view"
        );
        assert!(notice_text(&s).contains("no-such-lesson"), "{:?}", s.notice);
    }

    /// An exercise's text with `seed`'s numbers, as the page opens it.
    fn exercise_text(id: &str, seed: u64) -> Option<Result<String, String>> {
        let path = format!("{}/../../exercises/{id}.tcps", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        Some(Ok(synack_core::variant::instantiate(&text, Some(seed))
            .unwrap()
            .source))
    }

    #[test]
    fn an_exercise_link_opens_it_with_its_seed_and_writes_it_back() {
        let link = Link::parse("exercise=01&seed=4217&step=2", "");
        assert!(link.problems.is_empty(), "{:?}", link.problems);
        assert_eq!(
            (link.exercise, link.seed),
            (Some("01-handshake-numbers"), Some(4217))
        );
        assert!(needs_waiting(&link) && !link.is_plain());
        let s = restore(&link, None, exercise_text("01-handshake-numbers", 4217));
        assert!(s.notice.is_none(), "{:?}", s.notice);
        let p = s.lesson.as_ref().expect("the exercise is open");
        assert_eq!((p.seed, p.page), (Some(4217), Page::Question(1)));
        let (view, script) = view_of(&s);
        assert!(
            view.query()
                .starts_with("?lang=en&exercise=01&seed=4217&step=2"),
            "{}",
            view.query()
        );
        assert!(script.is_empty(), "the exercise's own run needs no script");
    }

    #[test]
    fn a_bad_seed_or_exercise_says_so_and_a_set_link_lists_what_it_can() {
        let link = Link::parse("exercise=01&seed=12x", "");
        assert_eq!(link.exercise, Some("01-handshake-numbers"));
        assert_eq!((link.seed, keys(&link)), (None, vec!["share.err_seed"]));
        let link = Link::parse("exercise=99", "");
        assert_eq!(
            (link.exercise, keys(&link)),
            (None, vec!["share.err_exercise"])
        );
        let link = Link::parse("set=02,07:99,nope", "");
        assert_eq!(keys(&link), vec!["share.err_exercise"]);
        let s = restore(&link, None, None);
        let set = s.set.as_deref().expect("the set is listed");
        assert_eq!(exercise::write_set(set), "02,07:99");
        assert_eq!(view_of(&s).0.query(), "?lang=en&set=02,07:99");
        assert!(notice_text(&s).contains("nope"), "{:?}", s.notice);
    }

    #[test]
    fn the_url_parameter_wins_over_the_browser_languages() {
        let zh_browser = ["zh-CN".to_string(), "en".to_string()];
        assert_eq!(initial_lang("?lang=en", &zh_browser), Lang::En);
        assert_eq!(initial_lang("?x=1&lang=zh", &[]), Lang::Zh);
        assert_eq!(initial_lang("?lang=zh-Hans", &[]), Lang::Zh);
        // An unknown or empty parameter falls through to the browser's preference.
        assert_eq!(initial_lang("?lang=fr", &zh_browser), Lang::Zh);
        assert_eq!(initial_lang("?lang=", &zh_browser), Lang::Zh);
        assert_eq!(initial_lang("?language=en", &zh_browser), Lang::Zh);
    }

    #[test]
    fn the_first_browser_language_we_have_is_chosen_else_english() {
        let langs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            initial_lang("", &langs(&["fr-FR", "zh-TW", "en"])),
            Lang::Zh
        );
        assert_eq!(initial_lang("", &langs(&["en-GB", "zh-CN"])), Lang::En);
        assert_eq!(initial_lang("", &langs(&["de", "fr"])), Lang::En);
        assert_eq!(initial_lang("", &[]), Lang::En);
    }

    #[test]
    fn the_lang_parameter_is_replaced_and_the_rest_of_the_query_kept() {
        assert_eq!(with_lang_param("", Lang::Zh), "?lang=zh");
        assert_eq!(with_lang_param("?lang=en", Lang::Zh), "?lang=zh");
        assert_eq!(
            with_lang_param("?lesson=handshake&lang=zh&step=3", Lang::En),
            "?lesson=handshake&lang=en&step=3"
        );
        assert_eq!(with_lang_param("?a=1", Lang::En), "?a=1&lang=en");
    }

    #[test]
    fn params_are_set_in_place_removed_or_added_last() {
        assert_eq!(
            with_params(
                "?lang=zh&step=3&set=01,03",
                &[("step", None), ("seed", Some("7"))]
            ),
            "?lang=zh&set=01,03&seed=7"
        );
        assert_eq!(
            with_params("?seed=1&seed=2", &[("seed", Some("3"))]),
            "?seed=3"
        );
        assert_eq!(with_params("", &[("at", None)]), "?");
    }

    #[test]
    fn new_numbers_rewrite_the_exercise_link_and_keep_the_rest() {
        let q = "?lang=zh&exercise=01&seed=4217&set=01,03&step=3";
        // The same numbers: nothing to write.
        assert_eq!(exercise_query(q, "01-handshake-numbers", 4217), None);
        // New numbers start again: the old step goes, the language and the set stay.
        assert_eq!(
            exercise_query(q, "01-handshake-numbers", 55).as_deref(),
            Some("?lang=zh&exercise=01&seed=55&set=01,03")
        );
        // Another exercise from the menu, over a lesson's link.
        assert_eq!(
            exercise_query(
                "?lang=en&lesson=01-handshake&step=2&abs=1",
                "03-lost-final-ack",
                9
            )
            .as_deref(),
            Some("?lang=en&abs=1&exercise=03&seed=9")
        );
        // A link without a seed (or an unreadable one) only gains the seed drawn.
        assert_eq!(
            exercise_query(
                "?exercise=01-handshake-numbers&step=2",
                "01-handshake-numbers",
                8
            )
            .as_deref(),
            Some("?exercise=01&step=2&seed=8")
        );
        assert_eq!(
            exercise_query("?exercise=01&seed=12x&step=2", "01-handshake-numbers", 8).as_deref(),
            Some("?exercise=01&seed=8&step=2")
        );
    }
}
