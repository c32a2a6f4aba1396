//! `synack explore FILE --reach A=CLOSING,B=CLOSING | --map [--calls[=LIST]] [--send N]
//! [--depth N] [--states N] [--time SECONDS] [--seed N]`: searches every interleaving from the end of
//! FILE for the shortest way to a pair of states or a transition, or maps every pair within
//! reach.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use synack_core::explore::{self, Answer, CallKind, Goal, Options, Search, Stop};
use synack_core::script;

use crate::{located, usage_error};

/// What the command line asked for.
struct Args {
    file: String,
    seed: Option<u64>,
    search: Search,
    options: Options,
    time: Duration,
}

const DEFAULT_TIME: Duration = Duration::from_secs(10);
const DEFAULT_STATES: u64 = 2_000_000;

fn parse(args: &[String]) -> Result<Args, String> {
    let mut file = None;
    let mut search = None;
    let mut options = Options {
        max_states: DEFAULT_STATES,
        ..Options::default()
    };
    let mut time = DEFAULT_TIME;
    let mut seed = None;
    let mut args = args.iter();
    let number = |flag: &str, value: Option<&String>| -> Result<u64, String> {
        value
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| format!("explore: {flag} needs a whole number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reach" => {
                let spec = args
                    .next()
                    .ok_or("explore: --reach needs a target, e.g. A=CLOSING,B=CLOSING")?;
                let goal: Goal = spec.parse().map_err(|e| format!("explore: --reach: {e}"))?;
                if search.replace(Search::Reach(goal)).is_some() {
                    return Err("explore: one --reach or --map at a time".into());
                }
            }
            "--map" => {
                if search.replace(Search::Map).is_some() {
                    return Err("explore: one --reach or --map at a time".into());
                }
            }
            "--calls" => options.calls = CallKind::ALL.to_vec(),
            "--send" => {
                let n = number("--send", args.next())?;
                options.send_bytes = u32::try_from(n)
                    .ok()
                    .filter(|&n| n > 0 && u64::from(n) <= script::MAX_SEND)
                    .ok_or("explore: --send needs a number of bytes from 1 to 1073741824")?;
            }
            "--seed" => seed = Some(number("--seed", args.next())?),
            "--depth" => {
                let n = number("--depth", args.next())?;
                options.max_depth =
                    Some(u32::try_from(n).map_err(|_| "explore: --depth is too large")?);
            }
            "--states" => {
                options.max_states = number("--states", args.next())?.max(1);
            }
            "--time" => {
                let secs = args
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                    .ok_or("explore: --time needs seconds, more than 0 and at most 86400")?;
                time = Duration::from_secs_f64(secs);
            }
            flag if flag.starts_with("--calls=") => {
                let list = &flag["--calls=".len()..];
                options.calls = list
                    .split(',')
                    .map(|name| {
                        CallKind::from_name(name.trim()).ok_or_else(|| {
                            format!(
                                "explore: --calls: `{name}` is not a call (listen, connect, send, close, abort, crash)"
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            flag if flag.starts_with('-') => {
                return Err(format!("explore: unknown option `{flag}`"));
            }
            path => {
                if file.replace(path.to_string()).is_some() {
                    return Err("explore: one script at a time".into());
                }
            }
        }
    }
    let file =
        file.ok_or("explore: which script? (synack explore FILE --reach A=CLOSING,B=CLOSING)")?;
    let search = search.ok_or("explore: what to look for? (--reach A=STATE,B=STATE, or --map)")?;
    Ok(Args {
        file,
        seed,
        search,
        options,
        time,
    })
}

pub(crate) fn explore(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(args) => args,
        Err(message) => return usage_error(&message),
    };
    let path = args.file.as_str();
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: cannot read: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (outcome, instance) = match script::run_seeded(&source, args.seed) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{}", located(path, &e));
            return ExitCode::FAILURE;
        }
    };
    if !outcome.passed() {
        for failure in &outcome.failures {
            eprintln!("{}: expectation failed", located(path, failure));
        }
        if let Some(e) = &outcome.error {
            eprintln!("{}", located(path, e));
        }
        eprintln!("{path}: the search starts where the script ends, so the script must pass");
        return ExitCode::FAILURE;
    }
    // With a seed, the script printed is the one these values made (it replays without it).
    let source = if args.seed.is_some() && instance.varies() {
        instance.source
    } else {
        source
    };
    let began = Instant::now();
    let answer = explore::explore(&outcome.sim, args.search, args.options.clone(), |_| {
        began.elapsed() < args.time
    });
    let seconds = began.elapsed().as_secs_f64();
    match args.search {
        Search::Map => {
            print_map(path, &answer, &args.options);
            eprintln!("{} ({seconds:.2} s)", answer.coverage());
            ExitCode::SUCCESS
        }
        Search::Reach(goal) => match &answer.found {
            Some(found) => {
                print!("{source}");
                if !source.is_empty() && !source.ends_with('\n') {
                    println!();
                }
                let steps = found.steps.len();
                println!(
                    "# synack explore --reach {goal}: a shortest way, {steps} step{} ({} states explored)",
                    if steps == 1 { "" } else { "s" },
                    answer.progress.states
                );
                for line in found.lines() {
                    println!("{line}");
                }
                eprintln!(
                    "found in {steps} step{} after exploring {} states ({seconds:.2} s)",
                    if steps == 1 { "" } else { "s" },
                    answer.progress.states
                );
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "{path}: {goal} from the end of the script: {}",
                    answer.why_not_found()
                );
                eprintln!("{}", reached_summary(&answer));
                if args.options.calls.is_empty() {
                    eprintln!(
                        "(the network and the timers only: --calls lets the search also listen, connect, send, close, abort and crash)"
                    );
                } else if answer.stop().is_bound() {
                    eprintln!("(--depth, --states and --time set the bounds)");
                }
                ExitCode::from(2)
            }
        },
    }
}

/// Which states each peer did reach, so that a failed search still says where one can go.
fn reached_summary(answer: &Answer) -> String {
    let mut a: Vec<_> = answer.reached.iter().map(|r| r.path.a).collect();
    let mut b: Vec<_> = answer.reached.iter().map(|r| r.path.b).collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    let names =
        |v: Vec<synack_core::State>| v.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ");
    format!("A reached {}; B reached {}", names(a), names(b))
}

fn print_map(path: &str, answer: &Answer, options: &Options) {
    let calls = if options.calls.is_empty() {
        "no user calls".to_string()
    } else {
        let names: Vec<_> = options.calls.iter().map(|k| k.name()).collect();
        format!("user calls: {}", names.join(", "))
    };
    println!(
        "# {} (A, B) pair{} reached from the end of {path} ({calls})",
        answer.reached.len(),
        if answer.reached.len() == 1 { "" } else { "s" }
    );
    println!("# {}", answer.coverage());
    if answer.stop() != Stop::Exhausted {
        println!("# a pair missing here may still be reachable in more steps");
    }
    println!("{:>5}  {:<11}  {:<11}  a shortest way", "steps", "A", "B");
    for r in &answer.reached {
        let way = if r.path.steps.is_empty() {
            "(here)".to_string()
        } else {
            r.path.steps.join("; ")
        };
        println!(
            "{:>5}  {:<11}  {:<11}  {way}",
            r.distance,
            r.path.a.name(),
            r.path.b.name()
        );
    }
}
