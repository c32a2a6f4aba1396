//! Opens a ladder exercise ("fill the ladder", "order the segments") named by the page's
//! link, `?exercise=<NN>&seed=<n>` (the exercises' link format, crates/app/src/model/exercise.rs).
//!
//! Until the exercise player opens every kind from its list, this is how a ladder exercise is
//! reached: only an exercise whose text has a `hide` or `order` line opens here (the others
//! are the lesson player's), drawn by the ladder part and never loaded into the page's run.
//! Reading, seeding and checking happen in the part; the first paint only fetches the text.

use yew::prelude::*;

use crate::model::exercise;

/// An exercise to open in the ladder view: its id, seed and text as written (with its `let`
/// lines; the part draws the values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LadderOpen {
    pub id: AttrValue,
    pub seed: u64,
    pub text: AttrValue,
}

/// Whether an exercise's text has a line that makes it a ladder exercise. A cheap scan of
/// each line's first word, so the first paint needs no script parser.
pub fn is_ladder(text: &str) -> bool {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .any(|w| w == "hide" || w == "order")
}

/// `exercise` and `seed` of a query string (`?exercise=10&seed=42`); a missing or bad seed
/// is `None` (a fresh one is drawn).
pub fn params(search: &str) -> Option<(&'static str, Option<u64>)> {
    let mut id = None;
    let mut seed = None;
    for pair in search.trim_start_matches('?').split('&') {
        match pair.split_once('=') {
            Some(("exercise", v)) => id = exercise::find(v),
            Some(("seed", v)) => seed = exercise::parse_seed(v).ok(),
            _ => {}
        }
    }
    id.map(|id| (id, seed))
}

/// The ladder exercise the link opens, once its text has arrived; and a way to close it.
#[hook]
pub fn use_ladder_link() -> (Option<LadderOpen>, Callback<()>) {
    let open = use_state(|| None::<LadderOpen>);
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let search = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            if let Some((id, seed)) = params(&search) {
                let seed = seed.unwrap_or_else(|| exercise::fresh_seed(js_sys::Math::random()));
                wasm_bindgen_futures::spawn_local(async move {
                    // A text that cannot be fetched, or is not a ladder exercise, opens nothing
                    // here; the exercise player says why.
                    if let Ok(text) = crate::glue::fetch::text(&exercise::url(id)).await {
                        if is_ladder(&text) {
                            open.set(Some(LadderOpen {
                                id: id.into(),
                                seed,
                                text: text.into(),
                            }));
                        }
                    }
                });
            }
        });
    }
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(None))
    };
    ((*open).clone(), close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_an_exercise_by_number_and_a_seed() {
        let (id, seed) = params("?exercise=10&seed=42").unwrap();
        assert!(id.starts_with("10-"), "{id}");
        assert_eq!(seed, Some(42));
        assert_eq!(params("?seed=banana&exercise=11").unwrap().1, None);
        assert_eq!(params("?exercise=999"), None);
        assert_eq!(params("?lang=zh"), None);
    }

    #[test]
    fn only_hide_and_order_lines_make_a_ladder_exercise() {
        assert!(is_ladder("B listen\n  hide s2 seq\n"));
        assert!(is_ladder("order s1 s2"));
        assert!(!is_ladder(
            "say en hide s2 seq\n# order s1 s2\nask segment A\n"
        ));
    }
}
