//! `streams/core/contacts.py`: whether an order's name, phone, address and postal code can be
//! real.
//!
//! The Python reads the contact with `str` methods and `re` patterns whose character classes
//! are Unicode's (`\d` is any decimal digit, `\w` any letter or number, `strip()` any
//! whitespace, `casefold()` full case folding, `!r` escapes what is not printable). The
//! second half of this module ports those `str` semantics exactly, with tables generated from
//! Python 3.11's `unicodedata` (Unicode 14.0.0, `gen/unitables.py` of the port), so that a
//! contact in any script gets the same verdict and the same explanation as in Python.
//! `offplatform.rs` uses them too.

use serde_json::{Map, Value};

use crate::pystr::*;
use crate::rules::BadContact;

/// `POSTAL_FORMATS`' countries (with `COUNTRY_ALIASES` applied by the caller).
const POSTAL_COUNTRIES: [&str; 7] = ["CN", "US", "ES", "FR", "BR", "DE", "GB"];

/// `PLACEHOLDER_WORDS`: words that mark a made-up name or address when they stand alone.
const PLACEHOLDER_WORDS: [&str; 20] = [
    "test", "testing", "fake", "asdf", "asdfg", "asdfgh", "asdfghjkl", "qwerty", "qwertz",
    "xxx", "xxxx", "xxxxx", "dummy", "placeholder", "null", "undefined", "unknown", "none",
    "lorem", "ipsum",
];
/// `PLACEHOLDER_VALUES`: ... or the whole value (letters only).
const PLACEHOLDER_VALUES: [&str; 12] =
    ["na", "no", "nope", "abc", "abcd", "asd", "qwe", "zxc", "aaa", "nil", "tbd", "nobody"];
/// `PLACEHOLDER_CJK`.
const PLACEHOLDER_CJK: [&str; 5] = ["测试", "不详", "未知", "无地址", "假地址"];
/// `_ASCENDING`.
const ASCENDING: &str = "01234567890123456789";

/// `contact_problems`: what is implausible about an order's shipping contact, as short
/// phrases; empty if nothing (or when the order has no contact details to judge).
pub fn contact_problems(shipping: Option<&Map<String, Value>>, rule: &BadContact) -> Vec<String> {
    let shipping = match shipping {
        Some(s) => s,
        None => return Vec::new(),
    };
    let get = |key: &str| text(shipping.get(key));
    let (name, phone) = (get("name"), get("phone"));
    let (postal, address) = (get("postal_code"), get("address1"));
    if name.is_empty() && phone.is_empty() && postal.is_empty() && address.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    if name.is_empty() {
        found.push("no name".to_string());
    } else if placeholder(&name) {
        found.push(format!("a made-up name ({})", repr(head(&name, 20))));
    }
    if !phone.is_empty() {
        if let Some(problem) =
            phone_problem(&phone, rule.min_phone_digits, rule.max_phone_digits, rule.max_repeated_digits)
        {
            found.push(problem);
        }
    }
    if address.is_empty() {
        found.push("no street address".to_string());
    } else if (address.chars().count() as i64) < rule.min_address_chars || placeholder(&address) {
        found.push(format!("a placeholder street address ({})", repr(head(&address, 20))));
    }
    if let Some(problem) = postal_problem(&postal, &get("country")) {
        found.push(problem);
    }
    found
}

/// `_text`: a field as stripped text: a string stripped, `None` (or absent) empty, anything
/// else as Python's `str()` writes it, stripped.
fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => strip(s).to_string(),
        Some(v) => strip(&py_str(v)).to_string(),
    }
}

/// `phone_problem`: why a phone number cannot be real, or `None` when it can be.
pub fn phone_problem(phone: &str, min_digits: i64, max_digits: i64, max_run: i64) -> Option<String> {
    let mut digits: Vec<char> = phone.chars().filter(|c| !matches!(c, ' ' | '-' | '+' | '(' | ')')).collect();
    // `digits.isdigit()` (Unicode digits, superscripts and circled ones too), else keep the
    // ASCII digits only (`_NON_DIGIT.sub`)
    if digits.is_empty() || !digits.iter().all(|&c| is_digit(c)) {
        digits.retain(|c| c.is_ascii_digit());
    }
    let n = digits.len() as i64;
    if n < min_digits || n > max_digits {
        return Some(format!("a phone number with {n} digits"));
    }
    let mut set = digits.clone();
    set.sort_unstable();
    set.dedup();
    let distinct = set.len() as i64;
    // `(\d)\1{max_run,}`: a decimal digit followed by at least max_run copies of itself
    if n - distinct >= max_run && repeats(&digits, max_run) {
        return Some(format!("a phone number that repeats one digit ({})", repr(head(phone, 20))));
    }
    let size = max_run + 2;
    if distinct >= size {
        let size = size as usize;
        // `_patterns`' counting runs: `_ASCENDING[i : i + size]` (and descending) for i < 10;
        // a slice cut short by the end of the string can never equal a window of `size`
        let descending: String = ASCENDING.chars().rev().collect();
        let counting = |w: &[char]| {
            let w: String = w.iter().collect();
            (0..10).any(|i| {
                (i + size <= 20) && (ASCENDING[i..i + size] == w || descending[i..i + size] == w)
            })
        };
        if digits.windows(size).any(counting) {
            return Some(format!("a phone number that counts up or down ({})", repr(head(phone, 20))));
        }
    }
    None
}

/// `re.search(rf"(\d)\1{{{max_run},}}", digits)`.
fn repeats(digits: &[char], max_run: i64) -> bool {
    let mut i = 0;
    while i < digits.len() {
        let c = digits[i];
        let mut j = i + 1;
        while j < digits.len() && digits[j] == c {
            j += 1;
        }
        if is_decimal(c) && (j - i - 1) as i64 >= max_run {
            return true;
        }
        i = j;
    }
    false
}

/// `postal_problem`: why a postal code does not fit its country, or `None` (also for unknown
/// countries).
pub fn postal_problem(postal: &str, country: &str) -> Option<String> {
    let mut code = country.to_uppercase();
    if code == "UK" {
        code = "GB".to_string(); // COUNTRY_ALIASES
    }
    if !POSTAL_COUNTRIES.contains(&code.as_str()) {
        return None;
    }
    if postal.is_empty() {
        return Some("no postal code".to_string());
    }
    let value: Vec<char> = postal.to_uppercase().chars().collect();
    if !postal_fits(&code, &value) {
        return Some(format!("a postal code that does not fit {code} ({})", repr(head(postal, 12))));
    }
    let digits: Vec<char> = value.iter().copied().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() >= 5 && digits.iter().all(|&c| c == digits[0]) {
        return Some(format!("a made-up postal code ({})", repr(head(postal, 12))));
    }
    None
}

/// `POSTAL_FORMATS[code].fullmatch(value)`: `\d` is any Unicode decimal digit, `[A-Z]` ASCII.
fn postal_fits(code: &str, v: &[char]) -> bool {
    let d = |i: usize| v.get(i).is_some_and(|&c| is_decimal(c));
    let all_d = |from: usize, to: usize| (from..to).all(d);
    match code {
        // \d{6}
        "CN" => v.len() == 6 && all_d(0, 6),
        // \d{5}(-\d{4})?
        "US" => (v.len() == 5 && all_d(0, 5)) || (v.len() == 10 && all_d(0, 5) && v[5] == '-' && all_d(6, 10)),
        // (0[1-9]|[1-4]\d|5[0-2])\d{3}
        "ES" => {
            v.len() == 5
                && match v[0] {
                    '0' => ('1'..='9').contains(&v[1]),
                    '1'..='4' => d(1),
                    '5' => ('0'..='2').contains(&v[1]),
                    _ => false,
                }
                && all_d(2, 5)
        }
        // \d{5}
        "FR" | "DE" => v.len() == 5 && all_d(0, 5),
        // \d{5}-?\d{3}
        "BR" => (v.len() == 8 && all_d(0, 8)) || (v.len() == 9 && all_d(0, 5) && v[5] == '-' && all_d(6, 9)),
        // ([A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}
        "GB" => {
            let n = v.len();
            if n < 3 || !(is_decimal(v[n - 3]) && v[n - 2].is_ascii_uppercase() && v[n - 1].is_ascii_uppercase()) {
                return false;
            }
            gb_outward(&v[..n - 3]) || (n >= 4 && v[n - 4] == ' ' && gb_outward(&v[..n - 4]))
        }
        _ => true,
    }
}

/// `[A-Z]{1,2}\d[A-Z\d]?|GIR`, matching the whole of `p`.
fn gb_outward(p: &[char]) -> bool {
    if p == ['G', 'I', 'R'] {
        return true;
    }
    let letter = |c: char| c.is_ascii_uppercase();
    let after = |rest: &[char]| match rest {
        [x] => is_decimal(*x),
        [x, y] => is_decimal(*x) && (letter(*y) || is_decimal(*y)),
        _ => false,
    };
    match p {
        [a, rest @ ..] if letter(*a) && after(rest) => true,
        [a, b, rest @ ..] => letter(*a) && letter(*b) && after(rest),
        _ => false,
    }
}

/// `placeholder`: whether a name or address is a placeholder: `test`, `xxx`, `asdf`, `123`, ...
pub fn placeholder(text: &str) -> bool {
    let low = casefold(text);
    // `_ASCII_WORD` (`[a-z]+`) on ASCII text, else `_WORD` (`[^\W\d_]+`): runs of characters
    // that are letters or numbers but not decimal digits
    let words: Vec<&str> = if low.is_ascii() {
        runs(&low, |c| c.is_ascii_lowercase())
    } else {
        runs(&low, |c| is_alnum(c) && !is_decimal(c))
    };
    if words.is_empty() {
        return true; // no letters at all: "123", "--"
    }
    if words.iter().any(|w| PLACEHOLDER_WORDS.contains(w)) {
        return true;
    }
    let letters: String = words.concat();
    if letters.is_ascii() {
        let b = letters.as_bytes();
        let size = b.len();
        if PLACEHOLDER_VALUES.contains(&letters.as_str()) || b.iter().all(|&c| c == b[0]) {
            return true; // "nope", "xxxx", "a"
        }
        for k in [2, 3] {
            // keyboard mashing: "sdsd", "jkljkl"
            if size >= 2 * k && size % k == 0 && b.chunks(k).all(|chunk| chunk == &b[..k]) {
                return true;
            }
        }
        return false;
    }
    low == "无" || PLACEHOLDER_CJK.iter().any(|mark| low.contains(mark))
}

/// The maximal runs of characters of `text` that satisfy `keep` (`re.findall(r"[...]+")`).
fn runs(text: &str, keep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (keep(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}
