//! Benchmarks of the explorer: states per second, how deep a search gets in 1 s and 10 s
//! from the start of a handshake (`B listen`, `A connect`) and from an established
//! connection, without user calls and with all of them, and the memory it holds. Each search
//! is a map (no goal), so only the clock stops it.
//!
//! `cargo bench -p synack-core --bench explore` (the bench profile: release, opt-level 3).
//! `-- --quick` runs 0.2 s and 1 s budgets instead of 1 s and 10 s (a smoke test).
//!
//! Memory is counted by a global allocator that tracks the bytes allocated: the peak during
//! a search, less what was allocated before it started, is the search's own memory (its
//! frontier of simulator copies, the fingerprints it has seen and one node per state).

#![allow(clippy::print_stdout, clippy::print_stderr, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as Wall, Instant};

use synack_core::explore::{CallKind, Explorer, Options, Search};
use synack_core::script;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `dealloc` is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const HANDSHAKE: &str = "B listen\nA connect\n";
const ESTABLISHED: &str = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let budgets = if quick { [0.2, 1.0] } else { [1.0, 10.0] };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("synack explorer benchmark ({cores} cores available)");
    println!();
    println!("| start | calls | budget | states | steps tried | complete depth | expanding depth | states/s | steps/s | peak memory | bytes/state |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // From an established connection with no call to make, nothing happens at all: only
    // the search with calls is worth timing there.
    let runs = [
        ("handshake", HANDSHAKE, false),
        ("handshake", HANDSHAKE, true),
        ("established", ESTABLISHED, true),
    ];
    for (name, start, calls) in runs {
        for budget in budgets {
            timed_search(name, start, calls, budget);
        }
    }
}

fn timed_search(name: &str, start: &str, calls: bool, seconds: f64) {
    let sim = script::run_source(start).expect("the start parses").sim;
    let options = Options {
        calls: if calls {
            CallKind::ALL.to_vec()
        } else {
            Vec::new()
        },
        // Only the clock ends these searches.
        max_states: u64::MAX,
        ..Options::default()
    };
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let budget = Wall::from_secs_f64(seconds);
    let began = Instant::now();
    let mut explorer = Explorer::new(&sim, Search::Map, options);
    let mut progress = explorer.run(0);
    while progress.stop.is_none() && began.elapsed() < budget {
        progress = explorer.run(64);
    }
    let elapsed = began.elapsed().as_secs_f64();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let expanding = progress.complete_depth + u32::from(progress.stop.is_none());
    println!(
        "| {name} | {} | {seconds} s | {} | {} | {} | {expanding} | {:.0} | {:.0} | {:.1} MiB | {:.0} |",
        if calls { "all" } else { "none" },
        progress.states,
        progress.tried,
        progress.complete_depth,
        progress.states as f64 / elapsed,
        progress.tried as f64 / elapsed,
        peak as f64 / (1024.0 * 1024.0),
        peak as f64 / progress.states.max(1) as f64,
    );
    drop(explorer);
}
