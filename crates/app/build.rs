//! Lists the built-in scenarios (`scenarios/*.tcps`) for the presets menu: names and titles
//! only. The page fetches a scenario's text when it is chosen, so the scripts do not weigh on
//! the wasm bundle; only the default scenario is embedded, to show something at once.

use std::fmt::Write as _;
use std::path::Path;

/// The scenario the page opens with.
const DEFAULT: &str = "handshake";

fn main() {
    // The wasm splitter (scripts/split-wasm.sh) needs the linker's relocations to tell which
    // code and data each `#[wasm_split]` part alone reaches.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=synack-app=--emit-relocs");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let files = files_in(&dir, "tcps");
    let mut out = String::from(
        "/// Built-in scenarios: (file stem, English title, Chinese title).\npub const PRESETS: &[(&str, &str, &str)] = &[\n",
    );
    for (stem, title, title_zh) in titled(&files) {
        let _ = writeln!(out, "    ({stem:?}, {title:?}, {title_zh:?}),");
    }
    out.push_str("];\n");
    let default = dir.join(format!("{DEFAULT}.tcps"));
    let _ = writeln!(
        out,
        "/// The scenario shown when the page opens.\npub const DEFAULT_PRESET: &str = {DEFAULT:?};\n/// Its text, embedded.\npub const DEFAULT_SCRIPT: &str = include_str!({:?});",
        default.display().to_string()
    );
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("presets.rs"), out).expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out_dir).join("i18n.rs"), i18n()).expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out_dir).join("lessons.rs"), lessons()).expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out_dir).join("exercises.rs"), exercises())
        .expect("OUT_DIR is writable");
}

/// Lists the exercises (`exercises/*.tcps`): id (file stem) and titles, like the lessons.
/// Every file there is listed; its text is fetched when it is opened.
fn exercises() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../exercises");
    let files = files_in(&dir, "tcps");
    let mut out = String::from(
        "/// Exercises: (file stem, English title, Chinese title).\npub const EXERCISES: &[(&str, &str, &str)] = &[\n",
    );
    for (stem, title, title_zh) in titled(&files) {
        let _ = writeln!(out, "    ({stem:?}, {title:?}, {title_zh:?}),");
    }
    out.push_str("];\n");
    out
}

/// Lists the guided lessons (`lessons/*.tcps`): id (file stem) and titles. The texts are
/// fetched when a lesson is opened.
fn lessons() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let files = files_in(&dir, "tcps");
    let mut out = String::from(
        "/// Guided lessons: (file stem, English title, Chinese title).\npub const LESSONS: &[(&str, &str, &str)] = &[\n",
    );
    for (stem, title, title_zh) in titled(&files) {
        let _ = writeln!(out, "    ({stem:?}, {title:?}, {title_zh:?}),");
    }
    out.push_str("];\n");
    out
}

/// Areas whose English file is not embedded in the wasm but fetched when first needed, like the
/// Chinese ones: long texts that are read only on demand (the state explanations), and the
/// texts of the parts of the page that are fetched on first use (`Part::areas` in lazy.rs).
const LAZY_AREAS: &[&str] = &[
    "states",
    "capture-view",
    "cc",
    "explore",
    "export",
    "hex",
    "inject-form",
    "inspector",
    "ladder",
    "lesson-panel",
    "linux-view",
    "segment-menu",
];

/// Lists the catalog areas (`web/i18n/en/*.txt`) and embeds the English files but the lazy
/// ones (embedded natively only, for the tests); the Chinese ones are fetched by name at run
/// time.
fn i18n() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/i18n/en");
    let files = files_in(&dir, "txt");
    let mut areas = String::from("/// Catalog areas: one file per area in web/i18n/en and web/i18n/zh.\npub const AREAS: &[&str] = &[");
    let mut en = String::from("/// The English catalog files, embedded: (area, text).\nconst EN_FILES: &[(&str, &str)] = &[\n");
    let mut lazy = format!("/// Areas fetched when first needed, in English too.\npub const LAZY_AREAS: &[&str] = &{LAZY_AREAS:?};\n/// Their English files, embedded natively only (tests and tools have no server).\n#[cfg(not(target_arch = \"wasm32\"))]\nconst EN_LAZY_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let area = path.file_stem().and_then(|s| s.to_str()).unwrap_or("ui");
        let _ = write!(areas, "{area:?}, ");
        let _ = writeln!(
            if LAZY_AREAS.contains(&area) {
                &mut lazy
            } else {
                &mut en
            },
            "    ({area:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    areas.push_str("];\n");
    en.push_str("];\n");
    lazy.push_str("];\n");
    areas + &en + &lazy
}

/// The files of `dir` ending in `.ext`, sorted, and a note to cargo to rebuild when the folder
/// changes.
fn files_in(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Each script's file stem and its English and Chinese titles: the `title en` / `title zh`
/// lines, else the first comment line (else the stem) for English, and English for Chinese.
fn titled(files: &[std::path::PathBuf]) -> Vec<(String, String, String)> {
    files
        .iter()
        .map(|path| {
            println!("cargo:rerun-if-changed={}", path.display());
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("script")
                .to_string();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let title = |code: &str| {
                text.lines().find_map(|l| {
                    let rest = l.trim().strip_prefix("title")?.trim_start();
                    let rest = rest.strip_prefix(code)?;
                    let rest = rest.strip_prefix(char::is_whitespace)?.trim();
                    (!rest.is_empty()).then(|| rest.to_string())
                })
            };
            let comment = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix('#'))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            let en = title("en").or(comment).unwrap_or_else(|| stem.clone());
            let zh = title("zh").unwrap_or_else(|| en.clone());
            (stem, en, zh)
        })
        .collect()
}
