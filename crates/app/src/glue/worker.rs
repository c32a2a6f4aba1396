//! The capture worker (crates/capture-worker): started on first use, fed a dropped file or a
//! connection number, and its answers dispatched to the capture view's reducer
//! ([`CaptureState`](crate::model::capture::CaptureState)).

#[cfg(target_arch = "wasm32")]
use crate::lazy::{wasm_split, LoadError};
#[cfg(target_arch = "wasm32")]
use crate::model::capture::CaptureAction;
use crate::model::capture::CaptureState;

#[cfg(target_arch = "wasm32")]
mod running {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, Worker};
    use yew::UseReducerDispatcher;

    use crate::model::capture::{self, CaptureAction, CaptureState};
    use crate::model::shared::Shared;

    /// Where Trunk puts the worker's loader (`data-loader-shim`, named after the binary).
    const LOADER: &str = "./synack-capture-worker_loader.js";

    struct Running {
        worker: Worker,
        ready: bool,
        /// Messages posted before the worker said it was ready.
        pending: Vec<JsValue>,
        _on_message: Closure<dyn Fn(MessageEvent)>,
        _on_error: Closure<dyn Fn(web_sys::Event)>,
    }

    thread_local! {
        static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    }

    /// Sends `msg` to the worker, starting it on first use. Its answers are dispatched: a
    /// summary after a file, a detail after a connection number.
    pub fn post(msg: JsValue, dispatch: &UseReducerDispatcher<CaptureState>) {
        let started = RUNNING.with(|r| r.borrow().is_some());
        if !started {
            if let Err(why) = start(dispatch.clone()) {
                dispatch.dispatch(CaptureAction::Failed(why));
                return;
            }
        }
        RUNNING.with(|r| {
            if let Some(run) = r.borrow_mut().as_mut() {
                if run.ready {
                    let _ = run.worker.post_message(&msg);
                } else {
                    run.pending.push(msg);
                }
            }
        });
    }

    fn start(dispatch: UseReducerDispatcher<CaptureState>) -> Result<(), String> {
        let worker = Worker::new(LOADER).map_err(|e| {
            e.as_string()
                .unwrap_or_else(|| "the capture worker cannot start".into())
        })?;
        let d = dispatch.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            match text.as_bytes().first() {
                Some(b'R') => RUNNING.with(|r| {
                    if let Some(run) = r.borrow_mut().as_mut() {
                        run.ready = true;
                        for m in run.pending.drain(..) {
                            let _ = run.worker.post_message(&m);
                        }
                    }
                }),
                Some(b'D') => {
                    if let Some(detail) = capture::detail_of(&text) {
                        d.dispatch(CaptureAction::Detail(Shared::new(detail)));
                    }
                }
                _ => d.dispatch(CaptureAction::Summary(
                    capture::summary_of(&text).map(Shared::new),
                )),
            }
        });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            // A worker that failed is started afresh next time.
            RUNNING.with(|r| r.borrow_mut().take());
            dispatch.dispatch(CaptureAction::Failed("the capture worker stopped".into()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        RUNNING.with(|r| {
            *r.borrow_mut() = Some(Running {
                worker,
                ready: false,
                pending: Vec::new(),
                _on_message: on_message,
                _on_error: on_error,
            })
        });
        Ok(())
    }
}

/// Sends a chosen file to the worker. The worker's plumbing and the decoder of its answers
/// come with the capture view's module (`split_capture.wasm`, see [`opener`]), fetched here
/// the first time; if it cannot be fetched, the capture view says so.
#[cfg(target_arch = "wasm32")]
pub fn open_file(file: web_sys::File, dispatch: &yew::UseReducerDispatcher<CaptureState>) {
    dispatch.dispatch(CaptureAction::Open(file.name()));
    let dispatch = dispatch.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match opener().await {
            Ok(open) => open(file, &dispatch),
            Err(LoadError) => dispatch.dispatch(CaptureAction::Failed(
                "cannot load split_capture.wasm".into(),
            )),
        }
    });
}

/// What sends a file to the worker, starting it: reached only through this split function,
/// the worker's plumbing and the digest decoder move to the capture view's module.
#[cfg(target_arch = "wasm32")]
#[wasm_split(capture, fallible)]
fn opener() -> Result<fn(web_sys::File, &yew::UseReducerDispatcher<CaptureState>), LoadError> {
    Ok(|file, dispatch| running::post(file.into(), dispatch))
}

/// Asks the worker for connection `index`'s packets and states (the view does this when a
/// connection is chosen and its detail is missing).
#[cfg(target_arch = "wasm32")]
pub fn request_detail(index: usize, dispatch: &yew::UseReducerDispatcher<CaptureState>) {
    running::post((index as f64).into(), dispatch);
}

#[cfg(not(target_arch = "wasm32"))]
pub fn request_detail(_index: usize, _dispatch: &yew::UseReducerDispatcher<CaptureState>) {}
