//! Capture import: the TCP connections of a real `.pcap` or `.pcapng` file, and the states
//! both ends of each went through.
//!
//! - [`read`] reads the file and its TCP packets, counting every frame it skips and why.
//! - [`connections`] groups packets by 4-tuple into connections, splitting a 4-tuple that a
//!   new SYN reuses, and says how each started and ended and what looks wrong.
//! - [`infer`] feeds each end's view of a connection through the engine ([`Endpoint`]) and
//!   records both state timelines, marking where the capture cannot be sure.
//!
//! Pure: no I/O, no clock; builds for wasm.

pub mod analysis;
mod conn;
pub mod digest;
mod fasthash;
mod infer;
mod read;

pub use conn::{connections, Connection, End, Problems, Start};
pub use infer::{infer, infer_with, Inference, LostBecause, Step, Uncertain, Undelivered};
pub use read::{read, Packets, ReadError, SkipReason, TcpOptions, TcpPacket};

/// Reads a capture and finds its connections.
pub fn analyze(bytes: &[u8]) -> Result<(Packets, Vec<Connection>), ReadError> {
    let packets = read(bytes)?;
    let conns = connections(&packets.tcp);
    Ok((packets, conns))
}

#[cfg(test)]
mod tests;
