//! The capture importer, run in a Web Worker so that the page's own bundle carries none of
//! it (pcap-parser, etherparse, connection tracking, inference) and stays responsive while a
//! large file is read.
//!
//! Protocol (all replies are strings, see `synack_core::capture::digest`):
//! - on start the worker posts `R` (ready): messages sent before its wasm was running would be
//!   lost, so the page waits for this before posting;
//! - the page posts a `File` (or `Blob`, or `Uint8Array`); the worker answers with the summary
//!   text (or an `E` line) and keeps the parsed capture;
//! - the page posts a connection number (from 1); the worker answers with that connection's
//!   detail text, or an empty string if there is no such connection.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;

    use synack_core::capture::{digest, Connection, Packets};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

    thread_local! {
        static LAST: RefCell<Option<(Packets, Vec<Connection>)>> = const { RefCell::new(None) };
    }

    fn bytes_of(data: JsValue) -> Result<Vec<u8>, String> {
        if let Some(b) = data.dyn_ref::<Blob>() {
            let reader = FileReaderSync::new().map_err(|_| "no FileReaderSync".to_string())?;
            let buf = reader.read_as_array_buffer(b).map_err(|e| {
                e.as_string()
                    .unwrap_or_else(|| "the file cannot be read".into())
            })?;
            Ok(js_sys::Uint8Array::new(&buf).to_vec())
        } else if let Some(a) = data.dyn_ref::<js_sys::Uint8Array>() {
            Ok(a.to_vec())
        } else {
            Err("not a file".into())
        }
    }

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let reply = if let Some(n) = data.as_f64() {
            LAST.with(|l| {
                l.borrow()
                    .as_ref()
                    .and_then(|(p, c)| digest::detail(p, c, n as usize))
                    .unwrap_or_default()
            })
        } else {
            match bytes_of(data) {
                Ok(bytes) => {
                    let (text, kept) = digest::summarize(&bytes);
                    LAST.with(|l| *l.borrow_mut() = kept);
                    text
                }
                Err(why) => format!("E\tunreadable\t{why}"),
            }
        };
        let _ = reply_to.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("R"));
}

/// The worker only makes sense in a browser; natively there is nothing to run.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
