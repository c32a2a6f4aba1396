//! The explorer ("How do I get there?", `synack_core::explore`), run in a Web Worker so
//! that a search of a million states never freezes the page, and so that the page's own
//! bundle carries none of the search.
//!
//! Protocol (all messages are strings):
//! - on start the worker posts `R` (ready): messages sent before its wasm was running would be
//!   lost, so the page waits for this before posting;
//! - the page posts `{"time_ms": N, "request": R}`, R an `explore::Request` as JSON;
//! - the worker runs the search in slices and posts `P` followed by a `Progress` as JSON
//!   after a slice when at least [`PROGRESS_EVERY_MS`] have passed since the last one, then
//!   `A` followed by the `Answer` as JSON; or `E` followed by the reason the request was
//!   refused (a script that does not run, a message that is not a request).
//!
//! The search's time budget is the worker's clock (`Date.now()`): the engine reads none.
//! There is no cancel message: a worker busy in a search reads no message until it is done,
//! so the page cancels by terminating the worker and starts a fresh one for the next search.

// Natively only the tests call `serve` (the worker's `main` is wasm only).
#![cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]

use synack_core::explore::{Progress, Request};

/// States expanded between two looks at the clock: about a millisecond's work natively, a
/// few in the browser, so a budget or a progress report is late by no more than that.
const SLICE: u64 = 1_000;

/// How often, at most, the page hears how far the search has got.
const PROGRESS_EVERY_MS: f64 = 100.0;

/// Runs one search message to its end. `now` is the clock in milliseconds, `post` sends a
/// reply to the page.
fn serve(message: &str, mut now: impl FnMut() -> f64, mut post: impl FnMut(String)) {
    let parsed = serde_json::from_str::<serde_json::Value>(message)
        .map_err(|e| e.to_string())
        .and_then(|v| {
            let time_ms = v["time_ms"].as_f64().unwrap_or(10_000.0);
            serde_json::from_value::<Request>(v["request"].clone())
                .map(|r| (time_ms, r))
                .map_err(|e| e.to_string())
        });
    let (time_ms, request) = match parsed {
        Ok(p) => p,
        Err(why) => return post(format!("E{why}")),
    };
    let mut explorer = match request.start() {
        Ok(e) => e,
        Err(why) => return post(format!("E{why}")),
    };
    let start = now();
    let mut last_post = start;
    loop {
        let progress: Progress = explorer.run(SLICE);
        if progress.stop.is_some() {
            break;
        }
        let t = now();
        if t - start >= time_ms {
            explorer.stop();
            break;
        }
        if t - last_post >= PROGRESS_EVERY_MS {
            last_post = t;
            if let Ok(json) = serde_json::to_string(&progress) {
                post(format!("P{json}"));
            }
        }
    }
    match serde_json::to_string(&explorer.answer()) {
        Ok(json) => post(format!("A{json}")),
        Err(e) => post(format!("E{e}")),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let message = e.data().as_string().unwrap_or_default();
        serve(&message, js_sys::Date::now, |reply| {
            let _ = reply_to.post_message(&JsValue::from_str(&reply));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("R"));
}

/// The worker only makes sense in a browser; natively there is nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::explore::{Answer, CallKind, Goal, Options, Search, Stop};
    use synack_core::State;

    const ESTABLISHED: &str = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";

    fn message(search: Search, calls: Vec<CallKind>, time_ms: f64) -> String {
        let request = Request {
            script: ESTABLISHED.into(),
            seed: None,
            search,
            options: Options {
                calls,
                ..Options::default()
            },
        };
        serde_json::json!({ "time_ms": time_ms, "request": request }).to_string()
    }

    /// The replies to `message`, with a clock that advances `tick` ms each time it is read.
    fn replies(message: &str, tick: f64) -> Vec<String> {
        let mut t = 0.0;
        let mut out = Vec::new();
        serve(
            message,
            || {
                t += tick;
                t
            },
            |r| out.push(r),
        );
        out
    }

    fn answer_of(replies: &[String]) -> Answer {
        let last = replies.last().expect("a reply");
        let json = last
            .strip_prefix('A')
            .expect("the last reply is the answer");
        serde_json::from_str(json).expect("the answer parses")
    }

    #[test]
    fn a_reachable_pair_is_answered_with_its_path() {
        let msg = message(
            Search::Reach(Goal::pair(State::Closing, State::Closing)),
            CallKind::ALL.to_vec(),
            60_000.0,
        );
        let answer = answer_of(&replies(&msg, 0.0));
        assert_eq!(answer.stop(), Stop::Found);
        let path = answer.found.expect("a path");
        assert_eq!((path.a, path.b), (State::Closing, State::Closing));
        assert_eq!(path.steps.len(), 4, "{:?}", path.steps);
    }

    #[test]
    fn the_time_budget_stops_the_search_and_progress_is_posted_on_the_way() {
        // Each look at the clock is 60 ms later: the second slice posts progress, and the
        // budget of 500 ms ends the search long before the map is complete.
        let msg = message(Search::Map, CallKind::ALL.to_vec(), 500.0);
        let out = replies(&msg, 60.0);
        assert!(out.iter().any(|r| r.starts_with('P')), "{out:?}");
        let answer = answer_of(&out);
        assert_eq!(answer.stop(), Stop::Stopped);
        assert!(!answer.reached.is_empty());
    }

    #[test]
    fn a_bad_script_or_message_is_refused_with_its_reason() {
        let bad = message(Search::Map, vec![], 1000.0).replace("A connect", "A conect");
        let out = replies(&bad, 0.0);
        assert_eq!(out.len(), 1);
        assert!(out[0].starts_with('E') && out[0].len() > 1, "{out:?}");
        let out = replies("not json", 0.0);
        assert!(out[0].starts_with('E'), "{out:?}");
    }
}
