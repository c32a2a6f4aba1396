//! The two languages must say the same things: a key in one catalog and not the other fails.

use std::collections::BTreeSet;

use super::*;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/i18n");

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn keys(lang: &str, area: &str) -> BTreeSet<&'static str> {
    let path = format!("{ROOT}/{lang}/{area}.txt");
    let text = leak(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")));
    let (entries, errors) = parse(text);
    assert!(errors.is_empty(), "{path}: {errors:?}");
    let mut seen = BTreeSet::new();
    for (key, _) in entries {
        assert!(seen.insert(key), "{path}: `{key}` is defined twice");
    }
    seen
}

#[test]
fn both_languages_have_the_same_keys() {
    assert!(!AREAS.is_empty());
    for area in AREAS {
        let en = keys("en", area);
        let zh = keys("zh", area);
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_zh.is_empty(),
            "{area}.txt: missing in Chinese: {only_en:?}; missing in English: {only_zh:?}"
        );
    }
    let zh_dir: BTreeSet<String> = std::fs::read_dir(format!("{ROOT}/zh"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = AREAS
        .iter()
        .copied()
        .chain(["rules"])
        .map(|a| format!("{a}.txt"))
        .collect();
    assert_eq!(
        zh_dir, expected,
        "web/i18n/zh/ must mirror web/i18n/en/ plus rules.txt"
    );
}

#[test]
fn every_rule_reason_is_translated() {
    let zh = keys("zh", "rules");
    let wanted: BTreeSet<String> = Rule::ALL
        .iter()
        .map(|r| format!("rule.{}", r.key()))
        .collect();
    let have: BTreeSet<String> = zh.iter().map(|k| k.to_string()).collect();
    let missing: Vec<_> = wanted.difference(&have).collect();
    let unknown: Vec<_> = have.difference(&wanted).collect();
    assert!(
        missing.is_empty(),
        "rules without a Chinese reason: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "zh/rules.txt has keys no rule uses: {unknown:?}"
    );
}

#[test]
fn every_timer_has_a_title() {
    let en = keys("en", "peer");
    let missing: Vec<_> = Timer::ALL
        .iter()
        .map(|t| format!("peer.timer.{}", t.key()))
        .filter(|k| !en.contains(k.as_str()))
        .collect();
    assert!(missing.is_empty(), "timers without a title: {missing:?}");
    assert!(timer_title(Lang::En, Timer::Persist).contains("zero window"));
}

/// Every literal key the source passes to `tr(` exists in the English catalog (and so, by the
/// test above, in the Chinese one).
#[test]
fn every_key_used_in_the_source_exists() {
    let en: BTreeSet<&str> = AREAS.iter().flat_map(|a| keys("en", a)).collect();
    let mut missing = Vec::new();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("tr(") {
                let word_start = text[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_');
                if !word_start {
                    continue;
                }
                // `tr(lang, "key")`: the first string literal after the opening parenthesis,
                // on the same line.
                let rest = &text[i + 3..];
                let line = rest.split('\n').next().unwrap_or("");
                let Some(open) = line.find('"') else { continue };
                let after = &line[open + 1..];
                let Some(close) = after.find('"') else {
                    continue;
                };
                let key = &after[..close];
                if key.contains('.') && !key.contains(' ') && !en.contains(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys used but not in web/i18n/en: {missing:?}"
    );
}

#[test]
fn lookups_fall_back_to_english_until_chinese_is_installed() {
    let key = "app.title";
    assert_eq!(tr(Lang::Zh, key), tr(Lang::En, key));
    assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::Zh));
    assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
    assert_eq!(Lang::from_tag("fr"), None);
    assert_eq!(fill("{peer} sends", &[("peer", "A")]), "A sends");
}

/// Installs the Chinese catalog from the source tree, as the page does after fetching it.
pub(crate) fn install_chinese() {
    let texts = AREAS
        .iter()
        .copied()
        .chain(["rules"])
        .map(|a| std::fs::read_to_string(format!("{ROOT}/zh/{a}.txt")).unwrap())
        .collect();
    install(texts);
}

#[test]
fn chinese_answers_once_installed() {
    install_chinese();
    assert_eq!(tr(Lang::Zh, "app.language"), "语言");
    assert_eq!(tr(Lang::En, "app.language"), "Language");
    assert!(
        rule_reason(Lang::Zh, Rule::ListenSyn).starts_with("LISTEN 状态下收到 SYN"),
        "{}",
        rule_reason(Lang::Zh, Rule::ListenSyn)
    );
    let ex = crate::model::explain::explain(Lang::Zh, synack_core::State::CloseWait);
    assert!(ex.meaning.contains("FIN"), "{}", ex.meaning);
}

/// The areas this page's frame and panels use must really be Chinese in Chinese: every text
/// holds at least one CJK character (state names, flags and RFC variables stay in Latin
/// letters inside the sentence).
#[test]
fn chinese_texts_are_chinese() {
    // Han characters, or the full-width punctuation of a template that is all placeholders.
    let cjk = |s: &str| {
        s.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
    };
    let latin_only_ok = ["app.title", "diagram.w.rcv", "diagram.w.snd"];
    for area in [
        "ui",
        "states",
        "rules",
        "peer",
        "controls",
        "inspector",
        "inject",
        "script",
        "chart",
        "diagram",
    ] {
        let path = format!("{ROOT}/zh/{area}.txt");
        let text = leak(std::fs::read_to_string(&path).unwrap());
        for (key, value) in parse(text).0 {
            assert!(
                cjk(value) || latin_only_ok.contains(&key),
                "{path}: `{key}` is not translated: {value}"
            );
        }
    }
}

#[test]
/// One word for "timer" in Chinese (计时器), in the catalogs, the lessons and the exercises:
/// a student meeting 定时器 in one place and 计时器 in another would look for two things.
fn chinese_says_timer_one_way() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut found = Vec::new();
    for dir in ["web/i18n/zh", "lessons", "exercises"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                if line.contains("定时器") {
                    found.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "定时器 where the catalogs say 计时器: {found:?}"
    );
}
