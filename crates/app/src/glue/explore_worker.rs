//! The explorer's worker (crates/explore-worker): started on the first search, fed one
//! search at a time; its replies go to the callback of the search that asked. Reached only
//! from the "How do I get there?" panel, so it moves to that part's module.
//!
//! A worker busy in a search reads no message until the search ends, so Cancel (and a new
//! search while one runs) terminates it; the next search starts a fresh one, whose wasm the
//! browser has cached.

use yew::Callback;

use crate::model::explore::Reply;

#[cfg(target_arch = "wasm32")]
mod running {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, Worker};
    use yew::Callback;

    use crate::model::explore::{reply_of, Reply};

    /// Where Trunk puts the worker's loader (`data-loader-shim`, named after the binary).
    const LOADER: &str = "./synack-explore-worker_loader.js";

    struct Running {
        worker: Worker,
        ready: bool,
        /// A search has been posted and has not been answered.
        busy: bool,
        /// The search posted before the worker said it was ready.
        pending: Option<String>,
        on_reply: Callback<Reply>,
        _on_message: Closure<dyn Fn(MessageEvent)>,
        _on_error: Closure<dyn Fn(web_sys::Event)>,
    }

    thread_local! {
        static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    }

    pub fn search(message: String, on_reply: Callback<Reply>) -> Result<(), String> {
        let idle = RUNNING.with(|r| r.borrow().as_ref().is_some_and(|run| !run.busy));
        if !idle {
            cancel();
            start()?;
        }
        RUNNING.with(|r| {
            if let Some(run) = r.borrow_mut().as_mut() {
                run.on_reply = on_reply;
                run.busy = true;
                if run.ready {
                    let _ = run.worker.post_message(&JsValue::from_str(&message));
                } else {
                    run.pending = Some(message);
                }
            }
        });
        Ok(())
    }

    pub fn cancel() {
        if let Some(run) = RUNNING.with(|r| r.borrow_mut().take()) {
            run.worker.terminate();
        }
    }

    fn start() -> Result<(), String> {
        let worker = Worker::new(LOADER).map_err(|e| {
            e.as_string()
                .unwrap_or_else(|| "the explorer's worker cannot start".into())
        })?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            let Some(reply) = reply_of(&text) else {
                return;
            };
            // Read what to do, then call back outside the borrow: the callback may start
            // another search.
            let to = RUNNING.with(|r| {
                let mut r = r.borrow_mut();
                let run = r.as_mut()?;
                match &reply {
                    Reply::Ready => {
                        run.ready = true;
                        if let Some(m) = run.pending.take() {
                            let _ = run.worker.post_message(&JsValue::from_str(&m));
                        }
                        None
                    }
                    Reply::Progress(_) => Some(run.on_reply.clone()),
                    Reply::Answer(_) | Reply::Refused(_) => {
                        run.busy = false;
                        Some(run.on_reply.clone())
                    }
                }
            });
            if let Some(cb) = to {
                cb.emit(reply);
            }
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            // A worker that failed is started afresh next time.
            if let Some(run) = RUNNING.with(|r| r.borrow_mut().take()) {
                run.worker.terminate();
                run.on_reply.emit(Reply::Refused(String::new()));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        RUNNING.with(|r| {
            *r.borrow_mut() = Some(Running {
                worker,
                ready: false,
                busy: false,
                pending: None,
                on_reply: Callback::noop(),
                _on_message: on_message,
                _on_error: on_error,
            })
        });
        Ok(())
    }
}

/// Starts a search (`model::explore::message`), ending one that is still running; the
/// replies go to `on_reply`. An `Err` says why the worker could not start.
#[cfg(target_arch = "wasm32")]
pub fn search(message: String, on_reply: Callback<Reply>) -> Result<(), String> {
    running::search(message, on_reply)
}

/// Ends the running search, if any.
#[cfg(target_arch = "wasm32")]
pub fn cancel() {
    running::cancel()
}

/// Natively there is no worker: the search is refused (the model is tested on its own).
#[cfg(not(target_arch = "wasm32"))]
pub fn search(_message: String, _on_reply: Callback<Reply>) -> Result<(), String> {
    Err("no Web Worker outside a browser".into())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn cancel() {}
