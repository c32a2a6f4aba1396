//! Every guided lesson in `lessons/` is a passing script: it parses (which also checks that
//! every narrated step is narrated in both languages), runs, meets its `expect` lines, has a
//! title in English and in Chinese, and is narrated in both.

use std::path::PathBuf;

use synack_core::script::{self, Command, Language};

fn lessons() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("lessons directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tcps"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable lesson");
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_lesson_runs_and_passes_its_expects() {
    let all = lessons();
    assert!(!all.is_empty(), "no lesson in lessons/");
    for (name, text) in &all {
        let parsed = script::parse(text).unwrap_or_else(|e| panic!("{name}:{e}"));
        let outcome = script::run(&parsed);
        assert!(
            outcome.passed(),
            "{name}: failures {:?}, error {:?}",
            outcome.failures,
            outcome.error
        );
        let commands: Vec<&Command> = parsed.lines.iter().map(|l| &l.command).collect();
        assert!(
            commands
                .iter()
                .any(|c| matches!(c, Command::ExpectState { .. })),
            "{name}: a lesson checks where it ends with `expect` lines"
        );
        for lang in Language::ALL {
            assert!(
                commands
                    .iter()
                    .any(|c| matches!(c, Command::Title { lang: l, .. } if *l == lang)),
                "{name}: no `title {lang}` line"
            );
            assert!(
                commands
                    .iter()
                    .any(|c| matches!(c, Command::Say { lang: l, .. } if *l == lang)),
                "{name}: no `say {lang}` line"
            );
        }
    }
}

#[test]
fn every_lesson_has_a_fallback_title() {
    for (name, text) in lessons() {
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with('#') && first.len() > 2,
            "{name}: the first line is a `# Lesson N: ...` comment, got {first:?}"
        );
    }
}
