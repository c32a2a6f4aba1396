//! Benchmarks of the engine, and of smoltcp doing the same transfer as the reference.
//!
//! `cargo bench -p synack-core --bench engine` runs them all (the bench profile: release,
//! opt-level 3). Options after `--`: `--quick` (each transfer once, short loops: a smoke
//! test), `--runs=N` (transfers per stack, the median is shown; default 21),
//! `--only=handshake|synack|smoltcp` (one part, e.g. under a profiler), `--cc=reno|cubic|none`
//! (one controller).
//!
//! 1. Handshake + four-way close + TIME_WAIT expiry, over and over:
//!    a. through `Sim` (manual delivery, every event logged), as scripts and the UI use it;
//!    b. two bare `Endpoint`s and a queue, to show what the simulator's log costs.
//! 2. A 10 MiB transfer from A to B with 1% random loss of every segment in both directions,
//!    50 ms one-way latency, auto delivery, virtual time, fixed seed: wall time, segments,
//!    retransmissions, and goodput in simulated bytes per wall-clock second.
//! 3. The same transfer done by smoltcp: two `Interface`s on `Medium::Ip`, one TCP socket
//!    each, an in-memory link with the same latency and a seeded 1% loss of frames in both
//!    directions, virtual time (`smoltcp::time::Instant` advanced to the next timer or
//!    arrival; no sleeping). Then the ratio synack / smoltcp.
//!
//! Both transfers run in this one process, one after the other, on the same payload size,
//! loss rate, latency and loss generator, with a 65535-byte receive window (no window
//! scaling) and a 1460-byte MSS on both sides, three times: with each stack's Reno-family
//! congestion controller (synack's `set cc newreno`, RFC 5681 with RFC 6582; smoltcp's
//! `CongestionControl::Reno`, its `socket-tcp-reno` feature), with CUBIC (synack's `set cc
//! cubic`, RFC 9438; smoltcp's `CongestionControl::Cubic`, `socket-tcp-cubic`), and without
//! congestion control (`set cc none`; smoltcp's default); then NewReno and CUBIC again with
//! SACK on in synack (`set sack on`, RFC 6675 recovery) against the same smoltcp controller,
//! which has no SACK-based recovery. synack delays ACKs (its default, `set delack on`);
//! smoltcp's default ACK delay is 10 ms.

// A benchmark prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::Instant as Wall;

use synack_core::{
    Call, Config, CongestionControl, Delivery, Duration, Endpoint, Event, Origin, Peer, Segment,
    Setting, Sim, State,
};

/// The transfer size: 10 MiB.
const PAYLOAD: usize = 10 * 1024 * 1024;
/// One-way latency of the simulated link, in milliseconds.
const LATENCY_MS: u64 = 50;
/// Loss, in percent, of every segment (frame) either side sends.
const LOSS_PERCENT: u64 = 1;
/// The loss generator's seed, for both stacks.
const SEED: u64 = 1;

/// Which congestion controller both stacks run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cc {
    /// synack NewReno, smoltcp Reno.
    Reno,
    /// CUBIC in both.
    Cubic,
    /// None in both.
    Off,
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args
        .iter()
        .find_map(|a| a.strip_prefix("--only="))
        .unwrap_or("all");
    let runs = args
        .iter()
        .find_map(|a| a.strip_prefix("--runs=")?.parse().ok())
        .unwrap_or(if quick { 1 } else { 21 });
    let seconds = if quick { 0.2 } else { 2.0 };
    let want = |name: &str| only == "all" || only == name;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("synack engine benchmark ({cores} cores available; {runs} run(s) of each transfer, interleaved, median shown)");
    println!();

    if want("handshake") {
        handshake_close_sim(seconds);
        handshake_close_endpoints(seconds);
        println!();
    }
    if !(want("synack") || want("smoltcp")) {
        return;
    }
    println!(
        "10 MiB transfer A->B, {LOSS_PERCENT}% loss both ways, {LATENCY_MS} ms one-way latency, seed {SEED}, virtual time:"
    );
    let controllers = args.iter().find_map(|a| a.strip_prefix("--cc=")).map_or(
        vec![Cc::Reno, Cc::Cubic, Cc::Off],
        |name| match name {
            "reno" => vec![Cc::Reno],
            "cubic" => vec![Cc::Cubic],
            _ => vec![Cc::Off],
        },
    );
    // Each controller without SACK, then the two controllers with synack's SACK.
    let rows: Vec<(Cc, bool)> = controllers
        .iter()
        .map(|&cc| (cc, false))
        .chain(
            controllers
                .iter()
                .filter(|&&cc| cc != Cc::Off)
                .map(|&cc| (cc, true)),
        )
        .collect();
    for (cc, sack) in rows {
        println!();
        println!(
            "{}",
            match (cc, sack) {
                (Cc::Reno, false) => "with congestion control: synack NewReno (set cc newreno), smoltcp Reno",
                (Cc::Cubic, false) => "with CUBIC: synack set cc cubic (RFC 9438), smoltcp CongestionControl::Cubic",
                (Cc::Off, _) => "without congestion control: synack set cc none, smoltcp CongestionControl::None",
                (Cc::Reno, true) =>
                    "with SACK: synack NewReno with SACK-based recovery (set sack on, RFC 6675), smoltcp Reno",
                (Cc::Cubic, true) =>
                    "with SACK: synack CUBIC with SACK-based recovery (set sack on, RFC 6675), smoltcp Cubic",
            }
        );
        // Interleaved, so that both stacks see the same machine load.
        let (mut synack_runs, mut smol_runs) = (Vec::new(), Vec::new());
        for _ in 0..runs.max(1) {
            if want("synack") {
                synack_runs.push(synack_transfer(cc, sack));
            }
            if want("smoltcp") {
                smol_runs.push(smoltcp_transfer(cc));
            }
        }
        let synack = summarize("synack", synack_runs);
        let smol = summarize("smoltcp", smol_runs);
        println!("median runs:");
        for (name, t) in [("synack", &synack), ("smoltcp", &smol)] {
            if let Some((t, _)) = t {
                t.print(name);
            }
        }
        if let (Some((a, a_min)), Some((b, b_min))) = (synack, smol) {
            println!(
                "ratio synack/smoltcp (goodput per wall second): {:.2} from the medians, {:.2} from the fastest runs; virtual time synack/smoltcp: {:.2}",
                a.goodput() / b.goodput(),
                b_min / a_min,
                a.virtual_ms as f64 / b.virtual_ms as f64
            );
        }
    }
}

// ---- 1. Handshake and close loops ----

fn deliver_all(sim: &mut Sim) {
    while let Some(f) = sim.in_flight().first().copied() {
        sim.deliver(f.label)
            .expect("the first in-flight segment is in flight");
    }
}

/// One connection's life through the simulator: handshake, close from A, close from B,
/// TIME_WAIT expiry. Returns (trace events, segments).
fn one_connection_sim() -> (usize, usize) {
    let mut sim = Sim::new();
    let _ = sim.call(Peer::B, Call::Listen);
    let _ = sim.call(Peer::A, Call::Connect);
    deliver_all(&mut sim);
    let _ = sim.call(Peer::A, Call::Close);
    deliver_all(&mut sim);
    let _ = sim.call(Peer::B, Call::Close);
    deliver_all(&mut sim);
    sim.wait(Duration::from_secs(240)).expect("no livelock");
    debug_assert_eq!(sim.state(Peer::A), State::Closed);
    debug_assert_eq!(sim.state(Peer::B), State::Closed);
    (sim.trace().len(), sim.segments().len())
}

fn handshake_close_sim(seconds: f64) {
    let (mut loops, mut events, mut segments) = (0u64, 0u64, 0u64);
    let start = Wall::now();
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..100 {
            let (e, s) = black_box(one_connection_sim());
            events += e as u64;
            segments += s as u64;
            loops += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "handshake+close via Sim:       {:>9.0} connections/s  {:>10.0} trace events/s  {:>9.0} segments/s  ({} events, {} segments per connection)",
        loops as f64 / secs,
        events as f64 / secs,
        segments as f64 / secs,
        events / loops,
        segments / loops
    );
}

/// Two bare endpoints joined by a FIFO: the engine alone, without the simulator's log.
struct Pair {
    eps: [Endpoint; 2],
    wire: VecDeque<(usize, Segment)>,
    events: usize,
    segments: usize,
}

impl Pair {
    /// Takes both endpoints' outputs: events are counted, segments go on the wire.
    fn drain(&mut self) {
        for (i, ep) in self.eps.iter_mut().enumerate() {
            while ep.poll_event().is_some() {
                self.events += 1;
            }
            while let Some(tx) = ep.poll_transmit() {
                self.segments += 1;
                self.wire.push_back((1 - i, tx.segment));
            }
        }
    }

    /// Delivers everything on the wire, and what that causes, at `now`.
    fn settle(&mut self, now: synack_core::Instant) {
        self.drain();
        while let Some((to, seg)) = self.wire.pop_front() {
            self.eps[to].handle_segment(seg, now);
            self.drain();
        }
    }
}

/// The same life as `one_connection_sim`, with two bare endpoints. Returns (endpoint events,
/// segments).
fn one_connection_endpoints() -> (usize, usize) {
    let mut p = Pair {
        eps: [
            Endpoint::new(Config::default(), 100),
            Endpoint::new(Config::default(), 300),
        ],
        wire: VecDeque::new(),
        events: 0,
        segments: 0,
    };
    let mut now = synack_core::Instant::ZERO;
    let _ = p.eps[1].call(Call::Listen, now);
    let _ = p.eps[0].call(Call::Connect, now);
    p.settle(now);
    let _ = p.eps[0].call(Call::Close, now);
    p.settle(now);
    let _ = p.eps[1].call(Call::Close, now);
    p.settle(now);
    now = now + Duration::from_secs(240);
    for ep in &mut p.eps {
        if ep.poll_timeout().is_some_and(|t| t <= now) {
            ep.handle_timeout(now);
        }
    }
    p.settle(now);
    debug_assert_eq!(p.eps[0].state(), State::Closed);
    debug_assert_eq!(p.eps[1].state(), State::Closed);
    (p.events, p.segments)
}

fn handshake_close_endpoints(seconds: f64) {
    let (mut loops, mut events, mut segments) = (0u64, 0u64, 0u64);
    let start = Wall::now();
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..100 {
            let (e, s) = black_box(one_connection_endpoints());
            events += e as u64;
            segments += s as u64;
            loops += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "handshake+close, 2 Endpoints:  {:>9.0} connections/s  {:>10.0} engine events/s  {:>9.0} segments/s  ({} events, {} segments per connection)",
        loops as f64 / secs,
        events as f64 / secs,
        segments as f64 / secs,
        events / loops,
        segments / loops
    );
}

// ---- Transfers ----

#[derive(Clone, Debug, Default)]
struct Transfer {
    wall_secs: f64,
    /// Virtual time from the first SYN until B had every byte.
    virtual_ms: u64,
    /// Segments (frames) put on the network by either side, lost ones included.
    segments: u64,
    retransmissions: Option<u64>,
    lost: u64,
    /// synack only: entries in the simulator's log.
    trace_events: Option<u64>,
    delivered_bytes: usize,
}

impl Transfer {
    fn goodput(&self) -> f64 {
        self.delivered_bytes as f64 / self.wall_secs
    }

    fn print(&self, name: &str) {
        let retx = self
            .retransmissions
            .map_or(String::new(), |r| format!(", {r} retransmissions"));
        let log = self
            .trace_events
            .map_or(String::new(), |n| format!(", {n} trace events"));
        println!(
            "  {name:<8} {:>6.2} ms wall  {:>8.1} MB/s goodput  ({:.1} virtual s, {:.2} simulated Mbit/s)  {} segments ({} lost{retx}{log})  {:.0} segments/wall s",
            self.wall_secs * 1e3,
            self.goodput() / 1e6,
            self.virtual_ms as f64 / 1e3,
            self.delivered_bytes as f64 * 8.0 / (self.virtual_ms as f64 / 1e3) / 1e6,
            self.segments,
            self.lost,
            self.segments as f64 / self.wall_secs,
        );
    }
}

/// Prints the spread of a stack's runs, the first one included (in a fresh process it is the
/// cold one: nothing allocated or cached yet), and returns the median run.
fn summarize(name: &str, all: Vec<Transfer>) -> Option<(Transfer, f64)> {
    let first = all.first()?.wall_secs;
    let mut sorted = all;
    sorted.sort_by(|a, b| a.wall_secs.total_cmp(&b.wall_secs));
    println!(
        "  {name:<8} wall ms: first run {:.2}, min {:.2}, median {:.2}, max {:.2}",
        first * 1e3,
        sorted[0].wall_secs * 1e3,
        sorted[sorted.len() / 2].wall_secs * 1e3,
        sorted[sorted.len() - 1].wall_secs * 1e3
    );
    let min = sorted[0].wall_secs;
    let median = sorted.len() / 2;
    Some((sorted.swap_remove(median), min))
}

// ---- 2. synack ----

/// `sack`: both peers offer SACK (RFC 2018), so the sender recovers with RFC 6675.
fn synack_transfer(cc: Cc, sack: bool) -> Transfer {
    const CHUNK: u32 = 64 * 1024;
    let start = Wall::now();
    let mut sim = Sim::new();
    for setting in [
        Setting::Cc(match cc {
            Cc::Reno => CongestionControl::NewReno,
            Cc::Cubic => CongestionControl::Cubic,
            Cc::Off => CongestionControl::None,
        }),
        Setting::Delivery(Delivery::Auto),
        Setting::Latency(Duration::from_millis(LATENCY_MS)),
        // Parts per million.
        Setting::Loss(LOSS_PERCENT as u32 * 10_000),
        Setting::Seed(SEED),
        Setting::Sack(sack),
    ] {
        sim.set(setting).expect("a valid setting");
    }
    let _ = sim.call(Peer::B, Call::Listen);
    let _ = sim.call(Peer::A, Call::Connect);
    let mut queued = 0usize;
    let step = Duration::from_millis(10);
    while (sim.endpoint(Peer::B).received() as usize) < PAYLOAD {
        // The application keeps up to one chunk queued behind what is in flight.
        let state = sim.state(Peer::A);
        if matches!(state, State::Established) {
            while queued < PAYLOAD && sim.endpoint(Peer::A).tcb().unsent < u64::from(CHUNK) {
                let n = CHUNK.min((PAYLOAD - queued) as u32);
                sim.call(Peer::A, Call::Send(n)).expect("A is established");
                queued += n as usize;
            }
        }
        assert!(
            !matches!(state, State::Closed) || queued == 0,
            "A's connection died: {:?}",
            sim.trace().last()
        );
        sim.wait(step).expect("no livelock");
        assert!(
            sim.now().millis() < 3_600_000,
            "the transfer did not finish in an hour of virtual time"
        );
    }
    let wall_secs = start.elapsed().as_secs_f64();
    let retransmissions = sim
        .segments()
        .iter()
        .filter(|s| s.origin == Origin::Retransmission)
        .count() as u64;
    let lost = sim
        .trace()
        .iter()
        .filter(|e| matches!(e.event, Event::Dropped { .. }))
        .count() as u64;
    Transfer {
        wall_secs,
        virtual_ms: sim.now().millis(),
        segments: sim.segments().len() as u64,
        retransmissions: Some(retransmissions),
        lost,
        trace_events: Some(sim.trace().len() as u64),
        delivered_bytes: sim.endpoint(Peer::B).received() as usize,
    }
}

// ---- 3. smoltcp ----

mod smol {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    use smoltcp::phy::{self, ChecksumCapabilities, Device, DeviceCapabilities, Medium};
    use smoltcp::time::Instant;

    pub const MTU: usize = 1500;

    /// Frame buffers, recycled, so that the reference pays no allocator for its frames.
    pub type Pool = Rc<RefCell<Vec<Vec<u8>>>>;

    /// A frame: an MTU-sized buffer and how much of it is used.
    pub struct Frame {
        pub buf: Vec<u8>,
        pub len: usize,
    }

    /// One side's network device: frames to receive, and frames it sent, which the benchmark
    /// moves onto the link after each poll.
    pub struct MemDevice {
        pub inbox: VecDeque<Frame>,
        pub outbox: Vec<Frame>,
        pub pool: Pool,
    }

    impl Device for MemDevice {
        type RxToken<'a> = RxToken;
        type TxToken<'a> = TxToken<'a>;

        fn receive(&mut self, _now: Instant) -> Option<(RxToken, TxToken<'_>)> {
            let frame = self.inbox.pop_front()?;
            let rx = RxToken(frame, self.pool.clone());
            Some((rx, TxToken(&mut self.outbox, &self.pool)))
        }

        fn transmit(&mut self, _now: Instant) -> Option<TxToken<'_>> {
            Some(TxToken(&mut self.outbox, &self.pool))
        }

        fn capabilities(&self) -> DeviceCapabilities {
            let mut caps = DeviceCapabilities::default();
            caps.medium = Medium::Ip;
            caps.max_transmission_unit = MTU;
            // As smoltcp's own Loopback device: synack computes no checksums either.
            caps.checksum = ChecksumCapabilities::ignored();
            caps
        }
    }

    pub struct RxToken(Frame, Pool);

    impl phy::RxToken for RxToken {
        fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
            let RxToken(frame, pool) = self;
            let r = f(&frame.buf[..frame.len]);
            pool.borrow_mut().push(frame.buf);
            r
        }
    }

    pub struct TxToken<'a>(&'a mut Vec<Frame>, &'a Pool);

    impl phy::TxToken for TxToken<'_> {
        fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
            let mut buf = self.1.borrow_mut().pop().unwrap_or_else(|| vec![0; MTU]);
            let r = f(&mut buf[..len]);
            self.0.push(Frame { buf, len });
            r
        }
    }
}

/// The loss generator both transfers use: SplitMix64, as `Sim` uses for `set loss`.
struct Loss {
    state: u64,
    ppm: u64,
}

impl Loss {
    fn lose(&mut self) -> bool {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        z % 1_000_000 < self.ppm
    }
}

fn smoltcp_transfer(cc: Cc) -> Transfer {
    use smoltcp::iface::{Config as IfaceConfig, Interface, PollResult, SocketSet};
    use smoltcp::socket::tcp;
    use smoltcp::time::Instant;
    use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};

    const WINDOW: usize = 65535;
    let latency_us = (LATENCY_MS * 1000) as i64;
    let start = Wall::now();

    let pool = smol::Pool::default();
    let device = || smol::MemDevice {
        inbox: VecDeque::new(),
        outbox: Vec::new(),
        pool: pool.clone(),
    };
    let mut devs = [device(), device()];
    let addrs = [IpAddress::v4(10, 0, 0, 1), IpAddress::v4(10, 0, 0, 2)];
    let mut ifaces: Vec<Interface> = (0..2)
        .map(|i| {
            let mut config = IfaceConfig::new(HardwareAddress::Ip);
            config.random_seed = SEED + i as u64;
            let mut iface = Interface::new(config, &mut devs[i], Instant::from_micros(0));
            iface.update_ip_addrs(|a| {
                a.push(IpCidr::new(addrs[i], 24))
                    .expect("room for one address")
            });
            iface
        })
        .collect();
    let socket = || {
        tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; WINDOW]),
            tcp::SocketBuffer::new(vec![0; WINDOW]),
        )
    };
    let mut sets = [SocketSet::new(vec![]), SocketSet::new(vec![])];
    // With the `socket-tcp-reno` feature, smoltcp's default is Reno: say which, on both.
    let cc = match cc {
        Cc::Reno => tcp::CongestionControl::Reno,
        Cc::Cubic => tcp::CongestionControl::Cubic,
        Cc::Off => tcp::CongestionControl::None,
    };
    let mut client_socket = socket();
    client_socket.set_congestion_control(cc);
    let mut server_socket = socket();
    server_socket.set_congestion_control(cc);
    let client = sets[0].add(client_socket);
    let server = sets[1].add(server_socket);
    sets[1]
        .get_mut::<tcp::Socket<'_>>(server)
        .listen(7000)
        .expect("listen");
    sets[0]
        .get_mut::<tcp::Socket<'_>>(client)
        .connect(ifaces[0].context(), (addrs[1], 7000), 49152)
        .expect("connect");

    let data = vec![0x5a_u8; WINDOW];
    let mut loss = Loss {
        state: SEED,
        ppm: LOSS_PERCENT * 10_000,
    };
    // Frames on the link, per direction (0: A->B, 1: B->A), with their arrival times in µs.
    let mut links: [VecDeque<(i64, smol::Frame)>; 2] = [VecDeque::new(), VecDeque::new()];
    let (mut now, mut sent, mut received) = (0i64, 0usize, 0usize);
    let (mut frames, mut lost) = (0u64, 0u64);

    while received < PAYLOAD {
        let t = Instant::from_micros(now);
        let mut busy = false;
        for i in 0..2 {
            busy |= ifaces[i].poll(t, &mut devs[i], &mut sets[i]) == PollResult::SocketStateChanged;
        }
        // The applications: A writes while there is room, B reads all it has.
        let c = sets[0].get_mut::<tcp::Socket<'_>>(client);
        while sent < PAYLOAD && c.can_send() {
            let n = c
                .send_slice(&data[..(PAYLOAD - sent).min(WINDOW)])
                .expect("send");
            if n == 0 {
                break;
            }
            sent += n;
            busy = true;
        }
        let s = sets[1].get_mut::<tcp::Socket<'_>>(server);
        while s.can_recv() {
            received += s.recv(|buf| (buf.len(), buf.len())).expect("recv");
            busy = true;
        }
        // The link: what each side sent enters it (or is lost); what is due arrives.
        for i in 0..2 {
            for frame in devs[i].outbox.drain(..) {
                frames += 1;
                if loss.lose() {
                    lost += 1;
                    pool.borrow_mut().push(frame.buf);
                } else {
                    links[i].push_back((now + latency_us, frame));
                }
            }
            while links[i].front().is_some_and(|(at, _)| *at <= now) {
                let (_, frame) = links[i].pop_front().expect("a front frame");
                devs[1 - i].inbox.push_back(frame);
                busy = true;
            }
        }
        if busy {
            continue;
        }
        // Nothing more to do now: jump to the next arrival or timer.
        let next = links
            .iter()
            .filter_map(|l| l.front().map(|(at, _)| *at))
            .chain((0..2).filter_map(|i| ifaces[i].poll_at(t, &sets[i]).map(|d| d.total_micros())))
            .min()
            .expect("something is pending while the transfer is unfinished");
        now = next.max(now + 1);
        assert!(
            now < 3_600_000_000,
            "the transfer did not finish in an hour of virtual time"
        );
    }
    Transfer {
        wall_secs: start.elapsed().as_secs_f64(),
        virtual_ms: (now / 1000) as u64,
        segments: frames,
        retransmissions: None,
        lost,
        trace_events: None,
        delivered_bytes: received,
    }
}
