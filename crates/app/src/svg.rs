//! Numbers for SVG attributes, formatted without the float formatter (which would add
//! kilobytes of code to the wasm bundle for no visible gain).

use yew::AttrValue;

/// `v` rounded to a tenth: `12`, `12.5`, `-3.1`.
pub fn num(v: f32) -> AttrValue {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    AttrValue::from(if t.is_multiple_of(10) {
        format!("{sign}{}", t / 10)
    } else {
        format!("{sign}{}.{}", t / 10, t % 10)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths() {
        assert_eq!(num(12.0).as_str(), "12");
        assert_eq!(num(12.46).as_str(), "12.5");
        assert_eq!(num(-3.06).as_str(), "-3.1");
        assert_eq!(num(-0.04).as_str(), "0");
    }
}
