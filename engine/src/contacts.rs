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

// ---------------------------------------------------------------------------------------------
// Python `str` semantics (CPython 3.11, Unicode 14.0.0)

const ALPHA: u8 = 1;
const DECIMAL: u8 = 2;
const DIGIT: u8 = 4;
const NUMERIC: u8 = 8;
const SPACE: u8 = 16;
const UNPRINTABLE: u8 = 32;

/// The `str` classes of a character (`CLASS_RUNS`).
fn flags(c: char) -> u8 {
    let code = c as u32;
    let i = CLASS_RUNS.partition_point(|&(start, _)| start <= code);
    CLASS_RUNS[i - 1].1 // CLASS_RUNS starts at 0
}

/// `str.isalpha` of one character.
pub fn is_alpha(c: char) -> bool {
    flags(c) & ALPHA != 0
}
/// `str.isdecimal` of one character: what `\d` matches in a `str` pattern.
pub fn is_decimal(c: char) -> bool {
    flags(c) & DECIMAL != 0
}
/// `str.isdigit` of one character.
pub fn is_digit(c: char) -> bool {
    flags(c) & DIGIT != 0
}
/// `str.isnumeric` of one character.
pub fn is_numeric(c: char) -> bool {
    flags(c) & NUMERIC != 0
}
/// `str.isalnum` of one character: what `[^\W_]` matches in a `str` pattern.
pub fn is_alnum(c: char) -> bool {
    flags(c) & (ALPHA | DECIMAL | DIGIT | NUMERIC) != 0
}
/// `str.isspace` of one character: what `\s` matches in a `str` pattern (Rust's
/// `char::is_whitespace` lacks U+001C..U+001F).
pub fn is_space(c: char) -> bool {
    flags(c) & SPACE != 0
}
/// `str.isprintable` of one character.
pub fn is_printable(c: char) -> bool {
    flags(c) & UNPRINTABLE == 0
}

/// `str.strip()`.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `s[:n]`: the first `n` characters.
pub fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `str.casefold()`: full case folding, character by character.
pub fn casefold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            fold_char(c, &mut out);
        }
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    let code = c as u32;
    if let Ok(i) = FOLD_MULTI.binary_search_by_key(&code, |&(k, _)| k) {
        out.push_str(FOLD_MULTI[i].1);
        return;
    }
    let i = FOLD_RUNS.partition_point(|&(start, _, _, _)| start <= code);
    if i > 0 {
        let (start, count, stride, delta) = FOLD_RUNS[i - 1];
        let off = code - start;
        if off % u32::from(stride) == 0 && off / u32::from(stride) < u32::from(count) {
            if let Some(f) = char::from_u32((code as i64 + i64::from(delta)) as u32) {
                out.push(f);
                return;
            }
        }
    }
    out.push(c);
}

/// `repr(s)` of a `str`: quoted (`'`, or `"` when it holds `'` and no `"`), with what is
/// not printable escaped as Python escapes it.
pub fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            _ if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            _ if c.is_ascii() || is_printable(c) => out.push(c),
            _ if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            _ if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `str(value)` of a JSON value that is not a string (a string inside a container is its
/// `repr`).
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        v => py_repr(v),
    }
}

/// `repr(value)` of a JSON value as Python holds it (`None`, `True`, `[1, 'a']`, `{'k': 1.5}`).
fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) => repr(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", repr(k), py_repr(v))).collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// `repr(float)`: the shortest digits that read back the same, positional from 1e-4 up to
/// 1e16, else `1.5e+16` style.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let sci = format!("{f:e}"); // shortest round-trip digits: "-1.2345e-7"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the point
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

// ---- generated from Python 3.11.7's str and unicodedata (Unicode 14.0.0); do not edit ----
// (generator: /work/port-orderrules/gen/unitables.py; each table says what it holds)

/// Runs of `str` character classes over every code point: `(first code point, flags)`,
/// each up to the next, flags = `isalpha | isdecimal << 1 | isdigit << 2 | isnumeric << 3
/// | isspace << 4 | (not isprintable) << 5` of `chr(code)`.
const CLASS_RUNS: [(u32, u8); 2199] = [
    (0x0, 32), (0x9, 48), (0xe, 32), (0x1c, 48), (0x20, 16), (0x21, 0), (0x30, 14), (0x3a, 0),
    (0x41, 1), (0x5b, 0), (0x61, 1), (0x7b, 0), (0x7f, 32), (0x85, 48), (0x86, 32), (0xa0, 48),
    (0xa1, 0), (0xaa, 1), (0xab, 0), (0xad, 32), (0xae, 0), (0xb2, 12), (0xb4, 0), (0xb5, 1),
    (0xb6, 0), (0xb9, 12), (0xba, 1), (0xbb, 0), (0xbc, 8), (0xbf, 0), (0xc0, 1), (0xd7, 0),
    (0xd8, 1), (0xf7, 0), (0xf8, 1), (0x2c2, 0), (0x2c6, 1), (0x2d2, 0), (0x2e0, 1), (0x2e5, 0),
    (0x2ec, 1), (0x2ed, 0), (0x2ee, 1), (0x2ef, 0), (0x370, 1), (0x375, 0), (0x376, 1), (0x378, 32),
    (0x37a, 1), (0x37e, 0), (0x37f, 1), (0x380, 32), (0x384, 0), (0x386, 1), (0x387, 0), (0x388, 1),
    (0x38b, 32), (0x38c, 1), (0x38d, 32), (0x38e, 1), (0x3a2, 32), (0x3a3, 1), (0x3f6, 0), (0x3f7, 1),
    (0x482, 0), (0x48a, 1), (0x530, 32), (0x531, 1), (0x557, 32), (0x559, 1), (0x55a, 0), (0x560, 1),
    (0x589, 0), (0x58b, 32), (0x58d, 0), (0x590, 32), (0x591, 0), (0x5c8, 32), (0x5d0, 1), (0x5eb, 32),
    (0x5ef, 1), (0x5f3, 0), (0x5f5, 32), (0x606, 0), (0x61c, 32), (0x61d, 0), (0x620, 1), (0x64b, 0),
    (0x660, 14), (0x66a, 0), (0x66e, 1), (0x670, 0), (0x671, 1), (0x6d4, 0), (0x6d5, 1), (0x6d6, 0),
    (0x6dd, 32), (0x6de, 0), (0x6e5, 1), (0x6e7, 0), (0x6ee, 1), (0x6f0, 14), (0x6fa, 1), (0x6fd, 0),
    (0x6ff, 1), (0x700, 0), (0x70e, 32), (0x710, 1), (0x711, 0), (0x712, 1), (0x730, 0), (0x74b, 32),
    (0x74d, 1), (0x7a6, 0), (0x7b1, 1), (0x7b2, 32), (0x7c0, 14), (0x7ca, 1), (0x7eb, 0), (0x7f4, 1),
    (0x7f6, 0), (0x7fa, 1), (0x7fb, 32), (0x7fd, 0), (0x800, 1), (0x816, 0), (0x81a, 1), (0x81b, 0),
    (0x824, 1), (0x825, 0), (0x828, 1), (0x829, 0), (0x82e, 32), (0x830, 0), (0x83f, 32), (0x840, 1),
    (0x859, 0), (0x85c, 32), (0x85e, 0), (0x85f, 32), (0x860, 1), (0x86b, 32), (0x870, 1), (0x888, 0),
    (0x889, 1), (0x88f, 32), (0x898, 0), (0x8a0, 1), (0x8ca, 0), (0x8e2, 32), (0x8e3, 0), (0x904, 1),
    (0x93a, 0), (0x93d, 1), (0x93e, 0), (0x950, 1), (0x951, 0), (0x958, 1), (0x962, 0), (0x966, 14),
    (0x970, 0), (0x971, 1), (0x981, 0), (0x984, 32), (0x985, 1), (0x98d, 32), (0x98f, 1), (0x991, 32),
    (0x993, 1), (0x9a9, 32), (0x9aa, 1), (0x9b1, 32), (0x9b2, 1), (0x9b3, 32), (0x9b6, 1), (0x9ba, 32),
    (0x9bc, 0), (0x9bd, 1), (0x9be, 0), (0x9c5, 32), (0x9c7, 0), (0x9c9, 32), (0x9cb, 0), (0x9ce, 1),
    (0x9cf, 32), (0x9d7, 0), (0x9d8, 32), (0x9dc, 1), (0x9de, 32), (0x9df, 1), (0x9e2, 0), (0x9e4, 32),
    (0x9e6, 14), (0x9f0, 1), (0x9f2, 0), (0x9f4, 8), (0x9fa, 0), (0x9fc, 1), (0x9fd, 0), (0x9ff, 32),
    (0xa01, 0), (0xa04, 32), (0xa05, 1), (0xa0b, 32), (0xa0f, 1), (0xa11, 32), (0xa13, 1), (0xa29, 32),
    (0xa2a, 1), (0xa31, 32), (0xa32, 1), (0xa34, 32), (0xa35, 1), (0xa37, 32), (0xa38, 1), (0xa3a, 32),
    (0xa3c, 0), (0xa3d, 32), (0xa3e, 0), (0xa43, 32), (0xa47, 0), (0xa49, 32), (0xa4b, 0), (0xa4e, 32),
    (0xa51, 0), (0xa52, 32), (0xa59, 1), (0xa5d, 32), (0xa5e, 1), (0xa5f, 32), (0xa66, 14), (0xa70, 0),
    (0xa72, 1), (0xa75, 0), (0xa77, 32), (0xa81, 0), (0xa84, 32), (0xa85, 1), (0xa8e, 32), (0xa8f, 1),
    (0xa92, 32), (0xa93, 1), (0xaa9, 32), (0xaaa, 1), (0xab1, 32), (0xab2, 1), (0xab4, 32), (0xab5, 1),
    (0xaba, 32), (0xabc, 0), (0xabd, 1), (0xabe, 0), (0xac6, 32), (0xac7, 0), (0xaca, 32), (0xacb, 0),
    (0xace, 32), (0xad0, 1), (0xad1, 32), (0xae0, 1), (0xae2, 0), (0xae4, 32), (0xae6, 14), (0xaf0, 0),
    (0xaf2, 32), (0xaf9, 1), (0xafa, 0), (0xb00, 32), (0xb01, 0), (0xb04, 32), (0xb05, 1), (0xb0d, 32),
    (0xb0f, 1), (0xb11, 32), (0xb13, 1), (0xb29, 32), (0xb2a, 1), (0xb31, 32), (0xb32, 1), (0xb34, 32),
    (0xb35, 1), (0xb3a, 32), (0xb3c, 0), (0xb3d, 1), (0xb3e, 0), (0xb45, 32), (0xb47, 0), (0xb49, 32),
    (0xb4b, 0), (0xb4e, 32), (0xb55, 0), (0xb58, 32), (0xb5c, 1), (0xb5e, 32), (0xb5f, 1), (0xb62, 0),
    (0xb64, 32), (0xb66, 14), (0xb70, 0), (0xb71, 1), (0xb72, 8), (0xb78, 32), (0xb82, 0), (0xb83, 1),
    (0xb84, 32), (0xb85, 1), (0xb8b, 32), (0xb8e, 1), (0xb91, 32), (0xb92, 1), (0xb96, 32), (0xb99, 1),
    (0xb9b, 32), (0xb9c, 1), (0xb9d, 32), (0xb9e, 1), (0xba0, 32), (0xba3, 1), (0xba5, 32), (0xba8, 1),
    (0xbab, 32), (0xbae, 1), (0xbba, 32), (0xbbe, 0), (0xbc3, 32), (0xbc6, 0), (0xbc9, 32), (0xbca, 0),
    (0xbce, 32), (0xbd0, 1), (0xbd1, 32), (0xbd7, 0), (0xbd8, 32), (0xbe6, 14), (0xbf0, 8), (0xbf3, 0),
    (0xbfb, 32), (0xc00, 0), (0xc05, 1), (0xc0d, 32), (0xc0e, 1), (0xc11, 32), (0xc12, 1), (0xc29, 32),
    (0xc2a, 1), (0xc3a, 32), (0xc3c, 0), (0xc3d, 1), (0xc3e, 0), (0xc45, 32), (0xc46, 0), (0xc49, 32),
    (0xc4a, 0), (0xc4e, 32), (0xc55, 0), (0xc57, 32), (0xc58, 1), (0xc5b, 32), (0xc5d, 1), (0xc5e, 32),
    (0xc60, 1), (0xc62, 0), (0xc64, 32), (0xc66, 14), (0xc70, 32), (0xc77, 0), (0xc78, 8), (0xc7f, 0),
    (0xc80, 1), (0xc81, 0), (0xc85, 1), (0xc8d, 32), (0xc8e, 1), (0xc91, 32), (0xc92, 1), (0xca9, 32),
    (0xcaa, 1), (0xcb4, 32), (0xcb5, 1), (0xcba, 32), (0xcbc, 0), (0xcbd, 1), (0xcbe, 0), (0xcc5, 32),
    (0xcc6, 0), (0xcc9, 32), (0xcca, 0), (0xcce, 32), (0xcd5, 0), (0xcd7, 32), (0xcdd, 1), (0xcdf, 32),
    (0xce0, 1), (0xce2, 0), (0xce4, 32), (0xce6, 14), (0xcf0, 32), (0xcf1, 1), (0xcf3, 32), (0xd00, 0),
    (0xd04, 1), (0xd0d, 32), (0xd0e, 1), (0xd11, 32), (0xd12, 1), (0xd3b, 0), (0xd3d, 1), (0xd3e, 0),
    (0xd45, 32), (0xd46, 0), (0xd49, 32), (0xd4a, 0), (0xd4e, 1), (0xd4f, 0), (0xd50, 32), (0xd54, 1),
    (0xd57, 0), (0xd58, 8), (0xd5f, 1), (0xd62, 0), (0xd64, 32), (0xd66, 14), (0xd70, 8), (0xd79, 0),
    (0xd7a, 1), (0xd80, 32), (0xd81, 0), (0xd84, 32), (0xd85, 1), (0xd97, 32), (0xd9a, 1), (0xdb2, 32),
    (0xdb3, 1), (0xdbc, 32), (0xdbd, 1), (0xdbe, 32), (0xdc0, 1), (0xdc7, 32), (0xdca, 0), (0xdcb, 32),
    (0xdcf, 0), (0xdd5, 32), (0xdd6, 0), (0xdd7, 32), (0xdd8, 0), (0xde0, 32), (0xde6, 14), (0xdf0, 32),
    (0xdf2, 0), (0xdf5, 32), (0xe01, 1), (0xe31, 0), (0xe32, 1), (0xe34, 0), (0xe3b, 32), (0xe3f, 0),
    (0xe40, 1), (0xe47, 0), (0xe50, 14), (0xe5a, 0), (0xe5c, 32), (0xe81, 1), (0xe83, 32), (0xe84, 1),
    (0xe85, 32), (0xe86, 1), (0xe8b, 32), (0xe8c, 1), (0xea4, 32), (0xea5, 1), (0xea6, 32), (0xea7, 1),
    (0xeb1, 0), (0xeb2, 1), (0xeb4, 0), (0xebd, 1), (0xebe, 32), (0xec0, 1), (0xec5, 32), (0xec6, 1),
    (0xec7, 32), (0xec8, 0), (0xece, 32), (0xed0, 14), (0xeda, 32), (0xedc, 1), (0xee0, 32), (0xf00, 1),
    (0xf01, 0), (0xf20, 14), (0xf2a, 8), (0xf34, 0), (0xf40, 1), (0xf48, 32), (0xf49, 1), (0xf6d, 32),
    (0xf71, 0), (0xf88, 1), (0xf8d, 0), (0xf98, 32), (0xf99, 0), (0xfbd, 32), (0xfbe, 0), (0xfcd, 32),
    (0xfce, 0), (0xfdb, 32), (0x1000, 1), (0x102b, 0), (0x103f, 1), (0x1040, 14), (0x104a, 0), (0x1050, 1),
    (0x1056, 0), (0x105a, 1), (0x105e, 0), (0x1061, 1), (0x1062, 0), (0x1065, 1), (0x1067, 0), (0x106e, 1),
    (0x1071, 0), (0x1075, 1), (0x1082, 0), (0x108e, 1), (0x108f, 0), (0x1090, 14), (0x109a, 0), (0x10a0, 1),
    (0x10c6, 32), (0x10c7, 1), (0x10c8, 32), (0x10cd, 1), (0x10ce, 32), (0x10d0, 1), (0x10fb, 0), (0x10fc, 1),
    (0x1249, 32), (0x124a, 1), (0x124e, 32), (0x1250, 1), (0x1257, 32), (0x1258, 1), (0x1259, 32), (0x125a, 1),
    (0x125e, 32), (0x1260, 1), (0x1289, 32), (0x128a, 1), (0x128e, 32), (0x1290, 1), (0x12b1, 32), (0x12b2, 1),
    (0x12b6, 32), (0x12b8, 1), (0x12bf, 32), (0x12c0, 1), (0x12c1, 32), (0x12c2, 1), (0x12c6, 32), (0x12c8, 1),
    (0x12d7, 32), (0x12d8, 1), (0x1311, 32), (0x1312, 1), (0x1316, 32), (0x1318, 1), (0x135b, 32), (0x135d, 0),
    (0x1369, 12), (0x1372, 8), (0x137d, 32), (0x1380, 1), (0x1390, 0), (0x139a, 32), (0x13a0, 1), (0x13f6, 32),
    (0x13f8, 1), (0x13fe, 32), (0x1400, 0), (0x1401, 1), (0x166d, 0), (0x166f, 1), (0x1680, 48), (0x1681, 1),
    (0x169b, 0), (0x169d, 32), (0x16a0, 1), (0x16eb, 0), (0x16ee, 8), (0x16f1, 1), (0x16f9, 32), (0x1700, 1),
    (0x1712, 0), (0x1716, 32), (0x171f, 1), (0x1732, 0), (0x1737, 32), (0x1740, 1), (0x1752, 0), (0x1754, 32),
    (0x1760, 1), (0x176d, 32), (0x176e, 1), (0x1771, 32), (0x1772, 0), (0x1774, 32), (0x1780, 1), (0x17b4, 0),
    (0x17d7, 1), (0x17d8, 0), (0x17dc, 1), (0x17dd, 0), (0x17de, 32), (0x17e0, 14), (0x17ea, 32), (0x17f0, 8),
    (0x17fa, 32), (0x1800, 0), (0x180e, 32), (0x180f, 0), (0x1810, 14), (0x181a, 32), (0x1820, 1), (0x1879, 32),
    (0x1880, 1), (0x1885, 0), (0x1887, 1), (0x18a9, 0), (0x18aa, 1), (0x18ab, 32), (0x18b0, 1), (0x18f6, 32),
    (0x1900, 1), (0x191f, 32), (0x1920, 0), (0x192c, 32), (0x1930, 0), (0x193c, 32), (0x1940, 0), (0x1941, 32),
    (0x1944, 0), (0x1946, 14), (0x1950, 1), (0x196e, 32), (0x1970, 1), (0x1975, 32), (0x1980, 1), (0x19ac, 32),
    (0x19b0, 1), (0x19ca, 32), (0x19d0, 14), (0x19da, 12), (0x19db, 32), (0x19de, 0), (0x1a00, 1), (0x1a17, 0),
    (0x1a1c, 32), (0x1a1e, 0), (0x1a20, 1), (0x1a55, 0), (0x1a5f, 32), (0x1a60, 0), (0x1a7d, 32), (0x1a7f, 0),
    (0x1a80, 14), (0x1a8a, 32), (0x1a90, 14), (0x1a9a, 32), (0x1aa0, 0), (0x1aa7, 1), (0x1aa8, 0), (0x1aae, 32),
    (0x1ab0, 0), (0x1acf, 32), (0x1b00, 0), (0x1b05, 1), (0x1b34, 0), (0x1b45, 1), (0x1b4d, 32), (0x1b50, 14),
    (0x1b5a, 0), (0x1b7f, 32), (0x1b80, 0), (0x1b83, 1), (0x1ba1, 0), (0x1bae, 1), (0x1bb0, 14), (0x1bba, 1),
    (0x1be6, 0), (0x1bf4, 32), (0x1bfc, 0), (0x1c00, 1), (0x1c24, 0), (0x1c38, 32), (0x1c3b, 0), (0x1c40, 14),
    (0x1c4a, 32), (0x1c4d, 1), (0x1c50, 14), (0x1c5a, 1), (0x1c7e, 0), (0x1c80, 1), (0x1c89, 32), (0x1c90, 1),
    (0x1cbb, 32), (0x1cbd, 1), (0x1cc0, 0), (0x1cc8, 32), (0x1cd0, 0), (0x1ce9, 1), (0x1ced, 0), (0x1cee, 1),
    (0x1cf4, 0), (0x1cf5, 1), (0x1cf7, 0), (0x1cfa, 1), (0x1cfb, 32), (0x1d00, 1), (0x1dc0, 0), (0x1e00, 1),
    (0x1f16, 32), (0x1f18, 1), (0x1f1e, 32), (0x1f20, 1), (0x1f46, 32), (0x1f48, 1), (0x1f4e, 32), (0x1f50, 1),
    (0x1f58, 32), (0x1f59, 1), (0x1f5a, 32), (0x1f5b, 1), (0x1f5c, 32), (0x1f5d, 1), (0x1f5e, 32), (0x1f5f, 1),
    (0x1f7e, 32), (0x1f80, 1), (0x1fb5, 32), (0x1fb6, 1), (0x1fbd, 0), (0x1fbe, 1), (0x1fbf, 0), (0x1fc2, 1),
    (0x1fc5, 32), (0x1fc6, 1), (0x1fcd, 0), (0x1fd0, 1), (0x1fd4, 32), (0x1fd6, 1), (0x1fdc, 32), (0x1fdd, 0),
    (0x1fe0, 1), (0x1fed, 0), (0x1ff0, 32), (0x1ff2, 1), (0x1ff5, 32), (0x1ff6, 1), (0x1ffd, 0), (0x1fff, 32),
    (0x2000, 48), (0x200b, 32), (0x2010, 0), (0x2028, 48), (0x202a, 32), (0x202f, 48), (0x2030, 0), (0x205f, 48),
    (0x2060, 32), (0x2070, 12), (0x2071, 1), (0x2072, 32), (0x2074, 12), (0x207a, 0), (0x207f, 1), (0x2080, 12),
    (0x208a, 0), (0x208f, 32), (0x2090, 1), (0x209d, 32), (0x20a0, 0), (0x20c1, 32), (0x20d0, 0), (0x20f1, 32),
    (0x2100, 0), (0x2102, 1), (0x2103, 0), (0x2107, 1), (0x2108, 0), (0x210a, 1), (0x2114, 0), (0x2115, 1),
    (0x2116, 0), (0x2119, 1), (0x211e, 0), (0x2124, 1), (0x2125, 0), (0x2126, 1), (0x2127, 0), (0x2128, 1),
    (0x2129, 0), (0x212a, 1), (0x212e, 0), (0x212f, 1), (0x213a, 0), (0x213c, 1), (0x2140, 0), (0x2145, 1),
    (0x214a, 0), (0x214e, 1), (0x214f, 0), (0x2150, 8), (0x2183, 1), (0x2185, 8), (0x218a, 0), (0x218c, 32),
    (0x2190, 0), (0x2427, 32), (0x2440, 0), (0x244b, 32), (0x2460, 12), (0x2469, 8), (0x2474, 12), (0x247d, 8),
    (0x2488, 12), (0x2491, 8), (0x249c, 0), (0x24ea, 12), (0x24eb, 8), (0x24f5, 12), (0x24fe, 8), (0x24ff, 12),
    (0x2500, 0), (0x2776, 12), (0x277f, 8), (0x2780, 12), (0x2789, 8), (0x278a, 12), (0x2793, 8), (0x2794, 0),
    (0x2b74, 32), (0x2b76, 0), (0x2b96, 32), (0x2b97, 0), (0x2c00, 1), (0x2ce5, 0), (0x2ceb, 1), (0x2cef, 0),
    (0x2cf2, 1), (0x2cf4, 32), (0x2cf9, 0), (0x2cfd, 8), (0x2cfe, 0), (0x2d00, 1), (0x2d26, 32), (0x2d27, 1),
    (0x2d28, 32), (0x2d2d, 1), (0x2d2e, 32), (0x2d30, 1), (0x2d68, 32), (0x2d6f, 1), (0x2d70, 0), (0x2d71, 32),
    (0x2d7f, 0), (0x2d80, 1), (0x2d97, 32), (0x2da0, 1), (0x2da7, 32), (0x2da8, 1), (0x2daf, 32), (0x2db0, 1),
    (0x2db7, 32), (0x2db8, 1), (0x2dbf, 32), (0x2dc0, 1), (0x2dc7, 32), (0x2dc8, 1), (0x2dcf, 32), (0x2dd0, 1),
    (0x2dd7, 32), (0x2dd8, 1), (0x2ddf, 32), (0x2de0, 0), (0x2e2f, 1), (0x2e30, 0), (0x2e5e, 32), (0x2e80, 0),
    (0x2e9a, 32), (0x2e9b, 0), (0x2ef4, 32), (0x2f00, 0), (0x2fd6, 32), (0x2ff0, 0), (0x2ffc, 32), (0x3000, 48),
    (0x3001, 0), (0x3005, 1), (0x3007, 8), (0x3008, 0), (0x3021, 8), (0x302a, 0), (0x3031, 1), (0x3036, 0),
    (0x3038, 8), (0x303b, 1), (0x303d, 0), (0x3040, 32), (0x3041, 1), (0x3097, 32), (0x3099, 0), (0x309d, 1),
    (0x30a0, 0), (0x30a1, 1), (0x30fb, 0), (0x30fc, 1), (0x3100, 32), (0x3105, 1), (0x3130, 32), (0x3131, 1),
    (0x318f, 32), (0x3190, 0), (0x3192, 8), (0x3196, 0), (0x31a0, 1), (0x31c0, 0), (0x31e4, 32), (0x31f0, 1),
    (0x3200, 0), (0x321f, 32), (0x3220, 8), (0x322a, 0), (0x3248, 8), (0x3250, 0), (0x3251, 8), (0x3260, 0),
    (0x3280, 8), (0x328a, 0), (0x32b1, 8), (0x32c0, 0), (0x3400, 1), (0x3405, 9), (0x3406, 1), (0x3483, 9),
    (0x3484, 1), (0x382a, 9), (0x382b, 1), (0x3b4d, 9), (0x3b4e, 1), (0x4dc0, 0), (0x4e00, 9), (0x4e01, 1),
    (0x4e03, 9), (0x4e04, 1), (0x4e07, 9), (0x4e08, 1), (0x4e09, 9), (0x4e0a, 1), (0x4e5d, 9), (0x4e5e, 1),
    (0x4e8c, 9), (0x4e8d, 1), (0x4e94, 9), (0x4e95, 1), (0x4e96, 9), (0x4e97, 1), (0x4ebf, 9), (0x4ec1, 1),
    (0x4edf, 9), (0x4ee0, 1), (0x4ee8, 9), (0x4ee9, 1), (0x4f0d, 9), (0x4f0e, 1), (0x4f70, 9), (0x4f71, 1),
    (0x5104, 9), (0x5105, 1), (0x5146, 9), (0x5147, 1), (0x5169, 9), (0x516a, 1), (0x516b, 9), (0x516c, 1),
    (0x516d, 9), (0x516e, 1), (0x5341, 9), (0x5342, 1), (0x5343, 9), (0x5346, 1), (0x534c, 9), (0x534d, 1),
    (0x53c1, 9), (0x53c5, 1), (0x56db, 9), (0x56dc, 1), (0x58f1, 9), (0x58f2, 1), (0x58f9, 9), (0x58fa, 1),
    (0x5e7a, 9), (0x5e7b, 1), (0x5efe, 9), (0x5f00, 1), (0x5f0c, 9), (0x5f0f, 1), (0x5f10, 9), (0x5f11, 1),
    (0x62fe, 9), (0x62ff, 1), (0x634c, 9), (0x634d, 1), (0x67d2, 9), (0x67d3, 1), (0x6f06, 9), (0x6f07, 1),
    (0x7396, 9), (0x7397, 1), (0x767e, 9), (0x767f, 1), (0x8086, 9), (0x8087, 1), (0x842c, 9), (0x842d, 1),
    (0x8cae, 9), (0x8caf, 1), (0x8cb3, 9), (0x8cb4, 1), (0x8d30, 9), (0x8d31, 1), (0x9621, 9), (0x9622, 1),
    (0x9646, 9), (0x9647, 1), (0x964c, 9), (0x964d, 1), (0x9678, 9), (0x9679, 1), (0x96f6, 9), (0x96f7, 1),
    (0xa48d, 32), (0xa490, 0), (0xa4c7, 32), (0xa4d0, 1), (0xa4fe, 0), (0xa500, 1), (0xa60d, 0), (0xa610, 1),
    (0xa620, 14), (0xa62a, 1), (0xa62c, 32), (0xa640, 1), (0xa66f, 0), (0xa67f, 1), (0xa69e, 0), (0xa6a0, 1),
    (0xa6e6, 8), (0xa6f0, 0), (0xa6f8, 32), (0xa700, 0), (0xa717, 1), (0xa720, 0), (0xa722, 1), (0xa789, 0),
    (0xa78b, 1), (0xa7cb, 32), (0xa7d0, 1), (0xa7d2, 32), (0xa7d3, 1), (0xa7d4, 32), (0xa7d5, 1), (0xa7da, 32),
    (0xa7f2, 1), (0xa802, 0), (0xa803, 1), (0xa806, 0), (0xa807, 1), (0xa80b, 0), (0xa80c, 1), (0xa823, 0),
    (0xa82d, 32), (0xa830, 8), (0xa836, 0), (0xa83a, 32), (0xa840, 1), (0xa874, 0), (0xa878, 32), (0xa880, 0),
    (0xa882, 1), (0xa8b4, 0), (0xa8c6, 32), (0xa8ce, 0), (0xa8d0, 14), (0xa8da, 32), (0xa8e0, 0), (0xa8f2, 1),
    (0xa8f8, 0), (0xa8fb, 1), (0xa8fc, 0), (0xa8fd, 1), (0xa8ff, 0), (0xa900, 14), (0xa90a, 1), (0xa926, 0),
    (0xa930, 1), (0xa947, 0), (0xa954, 32), (0xa95f, 0), (0xa960, 1), (0xa97d, 32), (0xa980, 0), (0xa984, 1),
    (0xa9b3, 0), (0xa9ce, 32), (0xa9cf, 1), (0xa9d0, 14), (0xa9da, 32), (0xa9de, 0), (0xa9e0, 1), (0xa9e5, 0),
    (0xa9e6, 1), (0xa9f0, 14), (0xa9fa, 1), (0xa9ff, 32), (0xaa00, 1), (0xaa29, 0), (0xaa37, 32), (0xaa40, 1),
    (0xaa43, 0), (0xaa44, 1), (0xaa4c, 0), (0xaa4e, 32), (0xaa50, 14), (0xaa5a, 32), (0xaa5c, 0), (0xaa60, 1),
    (0xaa77, 0), (0xaa7a, 1), (0xaa7b, 0), (0xaa7e, 1), (0xaab0, 0), (0xaab1, 1), (0xaab2, 0), (0xaab5, 1),
    (0xaab7, 0), (0xaab9, 1), (0xaabe, 0), (0xaac0, 1), (0xaac1, 0), (0xaac2, 1), (0xaac3, 32), (0xaadb, 1),
    (0xaade, 0), (0xaae0, 1), (0xaaeb, 0), (0xaaf2, 1), (0xaaf5, 0), (0xaaf7, 32), (0xab01, 1), (0xab07, 32),
    (0xab09, 1), (0xab0f, 32), (0xab11, 1), (0xab17, 32), (0xab20, 1), (0xab27, 32), (0xab28, 1), (0xab2f, 32),
    (0xab30, 1), (0xab5b, 0), (0xab5c, 1), (0xab6a, 0), (0xab6c, 32), (0xab70, 1), (0xabe3, 0), (0xabee, 32),
    (0xabf0, 14), (0xabfa, 32), (0xac00, 1), (0xd7a4, 32), (0xd7b0, 1), (0xd7c7, 32), (0xd7cb, 1), (0xd7fc, 32),
    (0xf900, 1), (0xf96b, 9), (0xf96c, 1), (0xf973, 9), (0xf974, 1), (0xf978, 9), (0xf979, 1), (0xf9b2, 9),
    (0xf9b3, 1), (0xf9d1, 9), (0xf9d2, 1), (0xf9d3, 9), (0xf9d4, 1), (0xf9fd, 9), (0xf9fe, 1), (0xfa6e, 32),
    (0xfa70, 1), (0xfada, 32), (0xfb00, 1), (0xfb07, 32), (0xfb13, 1), (0xfb18, 32), (0xfb1d, 1), (0xfb1e, 0),
    (0xfb1f, 1), (0xfb29, 0), (0xfb2a, 1), (0xfb37, 32), (0xfb38, 1), (0xfb3d, 32), (0xfb3e, 1), (0xfb3f, 32),
    (0xfb40, 1), (0xfb42, 32), (0xfb43, 1), (0xfb45, 32), (0xfb46, 1), (0xfbb2, 0), (0xfbc3, 32), (0xfbd3, 1),
    (0xfd3e, 0), (0xfd50, 1), (0xfd90, 32), (0xfd92, 1), (0xfdc8, 32), (0xfdcf, 0), (0xfdd0, 32), (0xfdf0, 1),
    (0xfdfc, 0), (0xfe1a, 32), (0xfe20, 0), (0xfe53, 32), (0xfe54, 0), (0xfe67, 32), (0xfe68, 0), (0xfe6c, 32),
    (0xfe70, 1), (0xfe75, 32), (0xfe76, 1), (0xfefd, 32), (0xff01, 0), (0xff10, 14), (0xff1a, 0), (0xff21, 1),
    (0xff3b, 0), (0xff41, 1), (0xff5b, 0), (0xff66, 1), (0xffbf, 32), (0xffc2, 1), (0xffc8, 32), (0xffca, 1),
    (0xffd0, 32), (0xffd2, 1), (0xffd8, 32), (0xffda, 1), (0xffdd, 32), (0xffe0, 0), (0xffe7, 32), (0xffe8, 0),
    (0xffef, 32), (0xfffc, 0), (0xfffe, 32), (0x10000, 1), (0x1000c, 32), (0x1000d, 1), (0x10027, 32), (0x10028, 1),
    (0x1003b, 32), (0x1003c, 1), (0x1003e, 32), (0x1003f, 1), (0x1004e, 32), (0x10050, 1), (0x1005e, 32), (0x10080, 1),
    (0x100fb, 32), (0x10100, 0), (0x10103, 32), (0x10107, 8), (0x10134, 32), (0x10137, 0), (0x10140, 8), (0x10179, 0),
    (0x1018a, 8), (0x1018c, 0), (0x1018f, 32), (0x10190, 0), (0x1019d, 32), (0x101a0, 0), (0x101a1, 32), (0x101d0, 0),
    (0x101fe, 32), (0x10280, 1), (0x1029d, 32), (0x102a0, 1), (0x102d1, 32), (0x102e0, 0), (0x102e1, 8), (0x102fc, 32),
    (0x10300, 1), (0x10320, 8), (0x10324, 32), (0x1032d, 1), (0x10341, 8), (0x10342, 1), (0x1034a, 8), (0x1034b, 32),
    (0x10350, 1), (0x10376, 0), (0x1037b, 32), (0x10380, 1), (0x1039e, 32), (0x1039f, 0), (0x103a0, 1), (0x103c4, 32),
    (0x103c8, 1), (0x103d0, 0), (0x103d1, 8), (0x103d6, 32), (0x10400, 1), (0x1049e, 32), (0x104a0, 14), (0x104aa, 32),
    (0x104b0, 1), (0x104d4, 32), (0x104d8, 1), (0x104fc, 32), (0x10500, 1), (0x10528, 32), (0x10530, 1), (0x10564, 32),
    (0x1056f, 0), (0x10570, 1), (0x1057b, 32), (0x1057c, 1), (0x1058b, 32), (0x1058c, 1), (0x10593, 32), (0x10594, 1),
    (0x10596, 32), (0x10597, 1), (0x105a2, 32), (0x105a3, 1), (0x105b2, 32), (0x105b3, 1), (0x105ba, 32), (0x105bb, 1),
    (0x105bd, 32), (0x10600, 1), (0x10737, 32), (0x10740, 1), (0x10756, 32), (0x10760, 1), (0x10768, 32), (0x10780, 1),
    (0x10786, 32), (0x10787, 1), (0x107b1, 32), (0x107b2, 1), (0x107bb, 32), (0x10800, 1), (0x10806, 32), (0x10808, 1),
    (0x10809, 32), (0x1080a, 1), (0x10836, 32), (0x10837, 1), (0x10839, 32), (0x1083c, 1), (0x1083d, 32), (0x1083f, 1),
    (0x10856, 32), (0x10857, 0), (0x10858, 8), (0x10860, 1), (0x10877, 0), (0x10879, 8), (0x10880, 1), (0x1089f, 32),
    (0x108a7, 8), (0x108b0, 32), (0x108e0, 1), (0x108f3, 32), (0x108f4, 1), (0x108f6, 32), (0x108fb, 8), (0x10900, 1),
    (0x10916, 8), (0x1091c, 32), (0x1091f, 0), (0x10920, 1), (0x1093a, 32), (0x1093f, 0), (0x10940, 32), (0x10980, 1),
    (0x109b8, 32), (0x109bc, 8), (0x109be, 1), (0x109c0, 8), (0x109d0, 32), (0x109d2, 8), (0x10a00, 1), (0x10a01, 0),
    (0x10a04, 32), (0x10a05, 0), (0x10a07, 32), (0x10a0c, 0), (0x10a10, 1), (0x10a14, 32), (0x10a15, 1), (0x10a18, 32),
    (0x10a19, 1), (0x10a36, 32), (0x10a38, 0), (0x10a3b, 32), (0x10a3f, 0), (0x10a40, 12), (0x10a44, 8), (0x10a49, 32),
    (0x10a50, 0), (0x10a59, 32), (0x10a60, 1), (0x10a7d, 8), (0x10a7f, 0), (0x10a80, 1), (0x10a9d, 8), (0x10aa0, 32),
    (0x10ac0, 1), (0x10ac8, 0), (0x10ac9, 1), (0x10ae5, 0), (0x10ae7, 32), (0x10aeb, 8), (0x10af0, 0), (0x10af7, 32),
    (0x10b00, 1), (0x10b36, 32), (0x10b39, 0), (0x10b40, 1), (0x10b56, 32), (0x10b58, 8), (0x10b60, 1), (0x10b73, 32),
    (0x10b78, 8), (0x10b80, 1), (0x10b92, 32), (0x10b99, 0), (0x10b9d, 32), (0x10ba9, 8), (0x10bb0, 32), (0x10c00, 1),
    (0x10c49, 32), (0x10c80, 1), (0x10cb3, 32), (0x10cc0, 1), (0x10cf3, 32), (0x10cfa, 8), (0x10d00, 1), (0x10d24, 0),
    (0x10d28, 32), (0x10d30, 14), (0x10d3a, 32), (0x10e60, 12), (0x10e69, 8), (0x10e7f, 32), (0x10e80, 1), (0x10eaa, 32),
    (0x10eab, 0), (0x10eae, 32), (0x10eb0, 1), (0x10eb2, 32), (0x10f00, 1), (0x10f1d, 8), (0x10f27, 1), (0x10f28, 32),
    (0x10f30, 1), (0x10f46, 0), (0x10f51, 8), (0x10f55, 0), (0x10f5a, 32), (0x10f70, 1), (0x10f82, 0), (0x10f8a, 32),
    (0x10fb0, 1), (0x10fc5, 8), (0x10fcc, 32), (0x10fe0, 1), (0x10ff7, 32), (0x11000, 0), (0x11003, 1), (0x11038, 0),
    (0x1104e, 32), (0x11052, 12), (0x1105b, 8), (0x11066, 14), (0x11070, 0), (0x11071, 1), (0x11073, 0), (0x11075, 1),
    (0x11076, 32), (0x1107f, 0), (0x11083, 1), (0x110b0, 0), (0x110bd, 32), (0x110be, 0), (0x110c3, 32), (0x110d0, 1),
    (0x110e9, 32), (0x110f0, 14), (0x110fa, 32), (0x11100, 0), (0x11103, 1), (0x11127, 0), (0x11135, 32), (0x11136, 14),
    (0x11140, 0), (0x11144, 1), (0x11145, 0), (0x11147, 1), (0x11148, 32), (0x11150, 1), (0x11173, 0), (0x11176, 1),
    (0x11177, 32), (0x11180, 0), (0x11183, 1), (0x111b3, 0), (0x111c1, 1), (0x111c5, 0), (0x111d0, 14), (0x111da, 1),
    (0x111db, 0), (0x111dc, 1), (0x111dd, 0), (0x111e0, 32), (0x111e1, 8), (0x111f5, 32), (0x11200, 1), (0x11212, 32),
    (0x11213, 1), (0x1122c, 0), (0x1123f, 32), (0x11280, 1), (0x11287, 32), (0x11288, 1), (0x11289, 32), (0x1128a, 1),
    (0x1128e, 32), (0x1128f, 1), (0x1129e, 32), (0x1129f, 1), (0x112a9, 0), (0x112aa, 32), (0x112b0, 1), (0x112df, 0),
    (0x112eb, 32), (0x112f0, 14), (0x112fa, 32), (0x11300, 0), (0x11304, 32), (0x11305, 1), (0x1130d, 32), (0x1130f, 1),
    (0x11311, 32), (0x11313, 1), (0x11329, 32), (0x1132a, 1), (0x11331, 32), (0x11332, 1), (0x11334, 32), (0x11335, 1),
    (0x1133a, 32), (0x1133b, 0), (0x1133d, 1), (0x1133e, 0), (0x11345, 32), (0x11347, 0), (0x11349, 32), (0x1134b, 0),
    (0x1134e, 32), (0x11350, 1), (0x11351, 32), (0x11357, 0), (0x11358, 32), (0x1135d, 1), (0x11362, 0), (0x11364, 32),
    (0x11366, 0), (0x1136d, 32), (0x11370, 0), (0x11375, 32), (0x11400, 1), (0x11435, 0), (0x11447, 1), (0x1144b, 0),
    (0x11450, 14), (0x1145a, 0), (0x1145c, 32), (0x1145d, 0), (0x1145f, 1), (0x11462, 32), (0x11480, 1), (0x114b0, 0),
    (0x114c4, 1), (0x114c6, 0), (0x114c7, 1), (0x114c8, 32), (0x114d0, 14), (0x114da, 32), (0x11580, 1), (0x115af, 0),
    (0x115b6, 32), (0x115b8, 0), (0x115d8, 1), (0x115dc, 0), (0x115de, 32), (0x11600, 1), (0x11630, 0), (0x11644, 1),
    (0x11645, 32), (0x11650, 14), (0x1165a, 32), (0x11660, 0), (0x1166d, 32), (0x11680, 1), (0x116ab, 0), (0x116b8, 1),
    (0x116b9, 0), (0x116ba, 32), (0x116c0, 14), (0x116ca, 32), (0x11700, 1), (0x1171b, 32), (0x1171d, 0), (0x1172c, 32),
    (0x11730, 14), (0x1173a, 8), (0x1173c, 0), (0x11740, 1), (0x11747, 32), (0x11800, 1), (0x1182c, 0), (0x1183c, 32),
    (0x118a0, 1), (0x118e0, 14), (0x118ea, 8), (0x118f3, 32), (0x118ff, 1), (0x11907, 32), (0x11909, 1), (0x1190a, 32),
    (0x1190c, 1), (0x11914, 32), (0x11915, 1), (0x11917, 32), (0x11918, 1), (0x11930, 0), (0x11936, 32), (0x11937, 0),
    (0x11939, 32), (0x1193b, 0), (0x1193f, 1), (0x11940, 0), (0x11941, 1), (0x11942, 0), (0x11947, 32), (0x11950, 14),
    (0x1195a, 32), (0x119a0, 1), (0x119a8, 32), (0x119aa, 1), (0x119d1, 0), (0x119d8, 32), (0x119da, 0), (0x119e1, 1),
    (0x119e2, 0), (0x119e3, 1), (0x119e4, 0), (0x119e5, 32), (0x11a00, 1), (0x11a01, 0), (0x11a0b, 1), (0x11a33, 0),
    (0x11a3a, 1), (0x11a3b, 0), (0x11a48, 32), (0x11a50, 1), (0x11a51, 0), (0x11a5c, 1), (0x11a8a, 0), (0x11a9d, 1),
    (0x11a9e, 0), (0x11aa3, 32), (0x11ab0, 1), (0x11af9, 32), (0x11c00, 1), (0x11c09, 32), (0x11c0a, 1), (0x11c2f, 0),
    (0x11c37, 32), (0x11c38, 0), (0x11c40, 1), (0x11c41, 0), (0x11c46, 32), (0x11c50, 14), (0x11c5a, 8), (0x11c6d, 32),
    (0x11c70, 0), (0x11c72, 1), (0x11c90, 32), (0x11c92, 0), (0x11ca8, 32), (0x11ca9, 0), (0x11cb7, 32), (0x11d00, 1),
    (0x11d07, 32), (0x11d08, 1), (0x11d0a, 32), (0x11d0b, 1), (0x11d31, 0), (0x11d37, 32), (0x11d3a, 0), (0x11d3b, 32),
    (0x11d3c, 0), (0x11d3e, 32), (0x11d3f, 0), (0x11d46, 1), (0x11d47, 0), (0x11d48, 32), (0x11d50, 14), (0x11d5a, 32),
    (0x11d60, 1), (0x11d66, 32), (0x11d67, 1), (0x11d69, 32), (0x11d6a, 1), (0x11d8a, 0), (0x11d8f, 32), (0x11d90, 0),
    (0x11d92, 32), (0x11d93, 0), (0x11d98, 1), (0x11d99, 32), (0x11da0, 14), (0x11daa, 32), (0x11ee0, 1), (0x11ef3, 0),
    (0x11ef9, 32), (0x11fb0, 1), (0x11fb1, 32), (0x11fc0, 8), (0x11fd5, 0), (0x11ff2, 32), (0x11fff, 0), (0x12000, 1),
    (0x1239a, 32), (0x12400, 8), (0x1246f, 32), (0x12470, 0), (0x12475, 32), (0x12480, 1), (0x12544, 32), (0x12f90, 1),
    (0x12ff1, 0), (0x12ff3, 32), (0x13000, 1), (0x1342f, 32), (0x14400, 1), (0x14647, 32), (0x16800, 1), (0x16a39, 32),
    (0x16a40, 1), (0x16a5f, 32), (0x16a60, 14), (0x16a6a, 32), (0x16a6e, 0), (0x16a70, 1), (0x16abf, 32), (0x16ac0, 14),
    (0x16aca, 32), (0x16ad0, 1), (0x16aee, 32), (0x16af0, 0), (0x16af6, 32), (0x16b00, 1), (0x16b30, 0), (0x16b40, 1),
    (0x16b44, 0), (0x16b46, 32), (0x16b50, 14), (0x16b5a, 32), (0x16b5b, 8), (0x16b62, 32), (0x16b63, 1), (0x16b78, 32),
    (0x16b7d, 1), (0x16b90, 32), (0x16e40, 1), (0x16e80, 8), (0x16e97, 0), (0x16e9b, 32), (0x16f00, 1), (0x16f4b, 32),
    (0x16f4f, 0), (0x16f50, 1), (0x16f51, 0), (0x16f88, 32), (0x16f8f, 0), (0x16f93, 1), (0x16fa0, 32), (0x16fe0, 1),
    (0x16fe2, 0), (0x16fe3, 1), (0x16fe4, 0), (0x16fe5, 32), (0x16ff0, 0), (0x16ff2, 32), (0x17000, 1), (0x187f8, 32),
    (0x18800, 1), (0x18cd6, 32), (0x18d00, 1), (0x18d09, 32), (0x1aff0, 1), (0x1aff4, 32), (0x1aff5, 1), (0x1affc, 32),
    (0x1affd, 1), (0x1afff, 32), (0x1b000, 1), (0x1b123, 32), (0x1b150, 1), (0x1b153, 32), (0x1b164, 1), (0x1b168, 32),
    (0x1b170, 1), (0x1b2fc, 32), (0x1bc00, 1), (0x1bc6b, 32), (0x1bc70, 1), (0x1bc7d, 32), (0x1bc80, 1), (0x1bc89, 32),
    (0x1bc90, 1), (0x1bc9a, 32), (0x1bc9c, 0), (0x1bca0, 32), (0x1cf00, 0), (0x1cf2e, 32), (0x1cf30, 0), (0x1cf47, 32),
    (0x1cf50, 0), (0x1cfc4, 32), (0x1d000, 0), (0x1d0f6, 32), (0x1d100, 0), (0x1d127, 32), (0x1d129, 0), (0x1d173, 32),
    (0x1d17b, 0), (0x1d1eb, 32), (0x1d200, 0), (0x1d246, 32), (0x1d2e0, 8), (0x1d2f4, 32), (0x1d300, 0), (0x1d357, 32),
    (0x1d360, 8), (0x1d379, 32), (0x1d400, 1), (0x1d455, 32), (0x1d456, 1), (0x1d49d, 32), (0x1d49e, 1), (0x1d4a0, 32),
    (0x1d4a2, 1), (0x1d4a3, 32), (0x1d4a5, 1), (0x1d4a7, 32), (0x1d4a9, 1), (0x1d4ad, 32), (0x1d4ae, 1), (0x1d4ba, 32),
    (0x1d4bb, 1), (0x1d4bc, 32), (0x1d4bd, 1), (0x1d4c4, 32), (0x1d4c5, 1), (0x1d506, 32), (0x1d507, 1), (0x1d50b, 32),
    (0x1d50d, 1), (0x1d515, 32), (0x1d516, 1), (0x1d51d, 32), (0x1d51e, 1), (0x1d53a, 32), (0x1d53b, 1), (0x1d53f, 32),
    (0x1d540, 1), (0x1d545, 32), (0x1d546, 1), (0x1d547, 32), (0x1d54a, 1), (0x1d551, 32), (0x1d552, 1), (0x1d6a6, 32),
    (0x1d6a8, 1), (0x1d6c1, 0), (0x1d6c2, 1), (0x1d6db, 0), (0x1d6dc, 1), (0x1d6fb, 0), (0x1d6fc, 1), (0x1d715, 0),
    (0x1d716, 1), (0x1d735, 0), (0x1d736, 1), (0x1d74f, 0), (0x1d750, 1), (0x1d76f, 0), (0x1d770, 1), (0x1d789, 0),
    (0x1d78a, 1), (0x1d7a9, 0), (0x1d7aa, 1), (0x1d7c3, 0), (0x1d7c4, 1), (0x1d7cc, 32), (0x1d7ce, 14), (0x1d800, 0),
    (0x1da8c, 32), (0x1da9b, 0), (0x1daa0, 32), (0x1daa1, 0), (0x1dab0, 32), (0x1df00, 1), (0x1df1f, 32), (0x1e000, 0),
    (0x1e007, 32), (0x1e008, 0), (0x1e019, 32), (0x1e01b, 0), (0x1e022, 32), (0x1e023, 0), (0x1e025, 32), (0x1e026, 0),
    (0x1e02b, 32), (0x1e100, 1), (0x1e12d, 32), (0x1e130, 0), (0x1e137, 1), (0x1e13e, 32), (0x1e140, 14), (0x1e14a, 32),
    (0x1e14e, 1), (0x1e14f, 0), (0x1e150, 32), (0x1e290, 1), (0x1e2ae, 0), (0x1e2af, 32), (0x1e2c0, 1), (0x1e2ec, 0),
    (0x1e2f0, 14), (0x1e2fa, 32), (0x1e2ff, 0), (0x1e300, 32), (0x1e7e0, 1), (0x1e7e7, 32), (0x1e7e8, 1), (0x1e7ec, 32),
    (0x1e7ed, 1), (0x1e7ef, 32), (0x1e7f0, 1), (0x1e7ff, 32), (0x1e800, 1), (0x1e8c5, 32), (0x1e8c7, 8), (0x1e8d0, 0),
    (0x1e8d7, 32), (0x1e900, 1), (0x1e944, 0), (0x1e94b, 1), (0x1e94c, 32), (0x1e950, 14), (0x1e95a, 32), (0x1e95e, 0),
    (0x1e960, 32), (0x1ec71, 8), (0x1ecac, 0), (0x1ecad, 8), (0x1ecb0, 0), (0x1ecb1, 8), (0x1ecb5, 32), (0x1ed01, 8),
    (0x1ed2e, 0), (0x1ed2f, 8), (0x1ed3e, 32), (0x1ee00, 1), (0x1ee04, 32), (0x1ee05, 1), (0x1ee20, 32), (0x1ee21, 1),
    (0x1ee23, 32), (0x1ee24, 1), (0x1ee25, 32), (0x1ee27, 1), (0x1ee28, 32), (0x1ee29, 1), (0x1ee33, 32), (0x1ee34, 1),
    (0x1ee38, 32), (0x1ee39, 1), (0x1ee3a, 32), (0x1ee3b, 1), (0x1ee3c, 32), (0x1ee42, 1), (0x1ee43, 32), (0x1ee47, 1),
    (0x1ee48, 32), (0x1ee49, 1), (0x1ee4a, 32), (0x1ee4b, 1), (0x1ee4c, 32), (0x1ee4d, 1), (0x1ee50, 32), (0x1ee51, 1),
    (0x1ee53, 32), (0x1ee54, 1), (0x1ee55, 32), (0x1ee57, 1), (0x1ee58, 32), (0x1ee59, 1), (0x1ee5a, 32), (0x1ee5b, 1),
    (0x1ee5c, 32), (0x1ee5d, 1), (0x1ee5e, 32), (0x1ee5f, 1), (0x1ee60, 32), (0x1ee61, 1), (0x1ee63, 32), (0x1ee64, 1),
    (0x1ee65, 32), (0x1ee67, 1), (0x1ee6b, 32), (0x1ee6c, 1), (0x1ee73, 32), (0x1ee74, 1), (0x1ee78, 32), (0x1ee79, 1),
    (0x1ee7d, 32), (0x1ee7e, 1), (0x1ee7f, 32), (0x1ee80, 1), (0x1ee8a, 32), (0x1ee8b, 1), (0x1ee9c, 32), (0x1eea1, 1),
    (0x1eea4, 32), (0x1eea5, 1), (0x1eeaa, 32), (0x1eeab, 1), (0x1eebc, 32), (0x1eef0, 0), (0x1eef2, 32), (0x1f000, 0),
    (0x1f02c, 32), (0x1f030, 0), (0x1f094, 32), (0x1f0a0, 0), (0x1f0af, 32), (0x1f0b1, 0), (0x1f0c0, 32), (0x1f0c1, 0),
    (0x1f0d0, 32), (0x1f0d1, 0), (0x1f0f6, 32), (0x1f100, 12), (0x1f10b, 8), (0x1f10d, 0), (0x1f1ae, 32), (0x1f1e6, 0),
    (0x1f203, 32), (0x1f210, 0), (0x1f23c, 32), (0x1f240, 0), (0x1f249, 32), (0x1f250, 0), (0x1f252, 32), (0x1f260, 0),
    (0x1f266, 32), (0x1f300, 0), (0x1f6d8, 32), (0x1f6dd, 0), (0x1f6ed, 32), (0x1f6f0, 0), (0x1f6fd, 32), (0x1f700, 0),
    (0x1f774, 32), (0x1f780, 0), (0x1f7d9, 32), (0x1f7e0, 0), (0x1f7ec, 32), (0x1f7f0, 0), (0x1f7f1, 32), (0x1f800, 0),
    (0x1f80c, 32), (0x1f810, 0), (0x1f848, 32), (0x1f850, 0), (0x1f85a, 32), (0x1f860, 0), (0x1f888, 32), (0x1f890, 0),
    (0x1f8ae, 32), (0x1f8b0, 0), (0x1f8b2, 32), (0x1f900, 0), (0x1fa54, 32), (0x1fa60, 0), (0x1fa6e, 32), (0x1fa70, 0),
    (0x1fa75, 32), (0x1fa78, 0), (0x1fa7d, 32), (0x1fa80, 0), (0x1fa87, 32), (0x1fa90, 0), (0x1faad, 32), (0x1fab0, 0),
    (0x1fabb, 32), (0x1fac0, 0), (0x1fac6, 32), (0x1fad0, 0), (0x1fada, 32), (0x1fae0, 0), (0x1fae8, 32), (0x1faf0, 0),
    (0x1faf7, 32), (0x1fb00, 0), (0x1fb93, 32), (0x1fb94, 0), (0x1fbcb, 32), (0x1fbf0, 14), (0x1fbfa, 32), (0x20000, 1),
    (0x20001, 9), (0x20002, 1), (0x20064, 9), (0x20065, 1), (0x200e2, 9), (0x200e3, 1), (0x20121, 9), (0x20122, 1),
    (0x2092a, 9), (0x2092b, 1), (0x20983, 9), (0x20984, 1), (0x2098c, 9), (0x2098d, 1), (0x2099c, 9), (0x2099d, 1),
    (0x20aea, 9), (0x20aeb, 1), (0x20afd, 9), (0x20afe, 1), (0x20b19, 9), (0x20b1a, 1), (0x22390, 9), (0x22391, 1),
    (0x22998, 9), (0x22999, 1), (0x23b1b, 9), (0x23b1c, 1), (0x2626d, 9), (0x2626e, 1), (0x2a6e0, 32), (0x2a700, 1),
    (0x2b739, 32), (0x2b740, 1), (0x2b81e, 32), (0x2b820, 1), (0x2cea2, 32), (0x2ceb0, 1), (0x2ebe1, 32), (0x2f800, 1),
    (0x2f890, 9), (0x2f891, 1), (0x2fa1e, 32), (0x30000, 1), (0x3134b, 32), (0xe0100, 0), (0xe01f0, 32),
];

/// `chr(c).casefold()` where it is one other character: runs `(first, count, stride,
/// delta)`, for `c = first + k * stride` (k < count) the fold is `chr(c + delta)`.
const FOLD_RUNS: [(u32, u16, u8, i32); 195] = [
    (0x41, 26, 1, 32), (0xb5, 1, 1, 775), (0xc0, 23, 1, 32), (0xd8, 7, 1, 32), (0x100, 24, 2, 1),
    (0x132, 3, 2, 1), (0x139, 8, 2, 1), (0x14a, 23, 2, 1), (0x178, 1, 1, -121), (0x179, 3, 2, 1),
    (0x17f, 1, 1, -268), (0x181, 1, 1, 210), (0x182, 2, 2, 1), (0x186, 1, 1, 206), (0x187, 1, 1, 1),
    (0x189, 2, 1, 205), (0x18b, 1, 1, 1), (0x18e, 1, 1, 79), (0x18f, 1, 1, 202), (0x190, 1, 1, 203),
    (0x191, 1, 1, 1), (0x193, 1, 1, 205), (0x194, 1, 1, 207), (0x196, 1, 1, 211), (0x197, 1, 1, 209),
    (0x198, 1, 1, 1), (0x19c, 1, 1, 211), (0x19d, 1, 1, 213), (0x19f, 1, 1, 214), (0x1a0, 3, 2, 1),
    (0x1a6, 1, 1, 218), (0x1a7, 1, 1, 1), (0x1a9, 1, 1, 218), (0x1ac, 1, 1, 1), (0x1ae, 1, 1, 218),
    (0x1af, 1, 1, 1), (0x1b1, 2, 1, 217), (0x1b3, 2, 2, 1), (0x1b7, 1, 1, 219), (0x1b8, 1, 1, 1),
    (0x1bc, 1, 1, 1), (0x1c4, 1, 1, 2), (0x1c5, 1, 1, 1), (0x1c7, 1, 1, 2), (0x1c8, 1, 1, 1),
    (0x1ca, 1, 1, 2), (0x1cb, 9, 2, 1), (0x1de, 9, 2, 1), (0x1f1, 1, 1, 2), (0x1f2, 2, 2, 1),
    (0x1f6, 1, 1, -97), (0x1f7, 1, 1, -56), (0x1f8, 20, 2, 1), (0x220, 1, 1, -130), (0x222, 9, 2, 1),
    (0x23a, 1, 1, 10795), (0x23b, 1, 1, 1), (0x23d, 1, 1, -163), (0x23e, 1, 1, 10792), (0x241, 1, 1, 1),
    (0x243, 1, 1, -195), (0x244, 1, 1, 69), (0x245, 1, 1, 71), (0x246, 5, 2, 1), (0x345, 1, 1, 116),
    (0x370, 2, 2, 1), (0x376, 1, 1, 1), (0x37f, 1, 1, 116), (0x386, 1, 1, 38), (0x388, 3, 1, 37),
    (0x38c, 1, 1, 64), (0x38e, 2, 1, 63), (0x391, 17, 1, 32), (0x3a3, 9, 1, 32), (0x3c2, 1, 1, 1),
    (0x3cf, 1, 1, 8), (0x3d0, 1, 1, -30), (0x3d1, 1, 1, -25), (0x3d5, 1, 1, -15), (0x3d6, 1, 1, -22),
    (0x3d8, 12, 2, 1), (0x3f0, 1, 1, -54), (0x3f1, 1, 1, -48), (0x3f4, 1, 1, -60), (0x3f5, 1, 1, -64),
    (0x3f7, 1, 1, 1), (0x3f9, 1, 1, -7), (0x3fa, 1, 1, 1), (0x3fd, 3, 1, -130), (0x400, 16, 1, 80),
    (0x410, 32, 1, 32), (0x460, 17, 2, 1), (0x48a, 27, 2, 1), (0x4c0, 1, 1, 15), (0x4c1, 7, 2, 1),
    (0x4d0, 48, 2, 1), (0x531, 38, 1, 48), (0x10a0, 38, 1, 7264), (0x10c7, 1, 1, 7264), (0x10cd, 1, 1, 7264),
    (0x13f8, 6, 1, -8), (0x1c80, 1, 1, -6222), (0x1c81, 1, 1, -6221), (0x1c82, 1, 1, -6212), (0x1c83, 2, 1, -6210),
    (0x1c85, 1, 1, -6211), (0x1c86, 1, 1, -6204), (0x1c87, 1, 1, -6180), (0x1c88, 1, 1, 35267), (0x1c90, 43, 1, -3008),
    (0x1cbd, 3, 1, -3008), (0x1e00, 75, 2, 1), (0x1e9b, 1, 1, -58), (0x1ea0, 48, 2, 1), (0x1f08, 8, 1, -8),
    (0x1f18, 6, 1, -8), (0x1f28, 8, 1, -8), (0x1f38, 8, 1, -8), (0x1f48, 6, 1, -8), (0x1f59, 4, 2, -8),
    (0x1f68, 8, 1, -8), (0x1fb8, 2, 1, -8), (0x1fba, 2, 1, -74), (0x1fbe, 1, 1, -7173), (0x1fc8, 4, 1, -86),
    (0x1fd8, 2, 1, -8), (0x1fda, 2, 1, -100), (0x1fe8, 2, 1, -8), (0x1fea, 2, 1, -112), (0x1fec, 1, 1, -7),
    (0x1ff8, 2, 1, -128), (0x1ffa, 2, 1, -126), (0x2126, 1, 1, -7517), (0x212a, 1, 1, -8383), (0x212b, 1, 1, -8262),
    (0x2132, 1, 1, 28), (0x2160, 16, 1, 16), (0x2183, 1, 1, 1), (0x24b6, 26, 1, 26), (0x2c00, 48, 1, 48),
    (0x2c60, 1, 1, 1), (0x2c62, 1, 1, -10743), (0x2c63, 1, 1, -3814), (0x2c64, 1, 1, -10727), (0x2c67, 3, 2, 1),
    (0x2c6d, 1, 1, -10780), (0x2c6e, 1, 1, -10749), (0x2c6f, 1, 1, -10783), (0x2c70, 1, 1, -10782), (0x2c72, 1, 1, 1),
    (0x2c75, 1, 1, 1), (0x2c7e, 2, 1, -10815), (0x2c80, 50, 2, 1), (0x2ceb, 2, 2, 1), (0x2cf2, 1, 1, 1),
    (0xa640, 23, 2, 1), (0xa680, 14, 2, 1), (0xa722, 7, 2, 1), (0xa732, 31, 2, 1), (0xa779, 2, 2, 1),
    (0xa77d, 1, 1, -35332), (0xa77e, 5, 2, 1), (0xa78b, 1, 1, 1), (0xa78d, 1, 1, -42280), (0xa790, 2, 2, 1),
    (0xa796, 10, 2, 1), (0xa7aa, 1, 1, -42308), (0xa7ab, 1, 1, -42319), (0xa7ac, 1, 1, -42315), (0xa7ad, 1, 1, -42305),
    (0xa7ae, 1, 1, -42308), (0xa7b0, 1, 1, -42258), (0xa7b1, 1, 1, -42282), (0xa7b2, 1, 1, -42261), (0xa7b3, 1, 1, 928),
    (0xa7b4, 8, 2, 1), (0xa7c4, 1, 1, -48), (0xa7c5, 1, 1, -42307), (0xa7c6, 1, 1, -35384), (0xa7c7, 2, 2, 1),
    (0xa7d0, 1, 1, 1), (0xa7d6, 2, 2, 1), (0xa7f5, 1, 1, 1), (0xab70, 80, 1, -38864), (0xff21, 26, 1, 32),
    (0x10400, 40, 1, 40), (0x104b0, 36, 1, 40), (0x10570, 11, 1, 39), (0x1057c, 15, 1, 39), (0x1058c, 7, 1, 39),
    (0x10594, 2, 1, 39), (0x10c80, 51, 1, 64), (0x118a0, 32, 1, 32), (0x16e40, 32, 1, 32), (0x1e900, 34, 1, 34),
];

/// `chr(c).casefold()` where it is several characters.
const FOLD_MULTI: [(u32, &str); 104] = [
    (0xdf, "ss"), (0x130, "i\u{307}"), (0x149, "\u{2bc}n"), (0x1f0, "j\u{30c}"),
    (0x390, "\u{3b9}\u{308}\u{301}"), (0x3b0, "\u{3c5}\u{308}\u{301}"), (0x587, "\u{565}\u{582}"), (0x1e96, "h\u{331}"),
    (0x1e97, "t\u{308}"), (0x1e98, "w\u{30a}"), (0x1e99, "y\u{30a}"), (0x1e9a, "a\u{2be}"),
    (0x1e9e, "ss"), (0x1f50, "\u{3c5}\u{313}"), (0x1f52, "\u{3c5}\u{313}\u{300}"), (0x1f54, "\u{3c5}\u{313}\u{301}"),
    (0x1f56, "\u{3c5}\u{313}\u{342}"), (0x1f80, "\u{1f00}\u{3b9}"), (0x1f81, "\u{1f01}\u{3b9}"), (0x1f82, "\u{1f02}\u{3b9}"),
    (0x1f83, "\u{1f03}\u{3b9}"), (0x1f84, "\u{1f04}\u{3b9}"), (0x1f85, "\u{1f05}\u{3b9}"), (0x1f86, "\u{1f06}\u{3b9}"),
    (0x1f87, "\u{1f07}\u{3b9}"), (0x1f88, "\u{1f00}\u{3b9}"), (0x1f89, "\u{1f01}\u{3b9}"), (0x1f8a, "\u{1f02}\u{3b9}"),
    (0x1f8b, "\u{1f03}\u{3b9}"), (0x1f8c, "\u{1f04}\u{3b9}"), (0x1f8d, "\u{1f05}\u{3b9}"), (0x1f8e, "\u{1f06}\u{3b9}"),
    (0x1f8f, "\u{1f07}\u{3b9}"), (0x1f90, "\u{1f20}\u{3b9}"), (0x1f91, "\u{1f21}\u{3b9}"), (0x1f92, "\u{1f22}\u{3b9}"),
    (0x1f93, "\u{1f23}\u{3b9}"), (0x1f94, "\u{1f24}\u{3b9}"), (0x1f95, "\u{1f25}\u{3b9}"), (0x1f96, "\u{1f26}\u{3b9}"),
    (0x1f97, "\u{1f27}\u{3b9}"), (0x1f98, "\u{1f20}\u{3b9}"), (0x1f99, "\u{1f21}\u{3b9}"), (0x1f9a, "\u{1f22}\u{3b9}"),
    (0x1f9b, "\u{1f23}\u{3b9}"), (0x1f9c, "\u{1f24}\u{3b9}"), (0x1f9d, "\u{1f25}\u{3b9}"), (0x1f9e, "\u{1f26}\u{3b9}"),
    (0x1f9f, "\u{1f27}\u{3b9}"), (0x1fa0, "\u{1f60}\u{3b9}"), (0x1fa1, "\u{1f61}\u{3b9}"), (0x1fa2, "\u{1f62}\u{3b9}"),
    (0x1fa3, "\u{1f63}\u{3b9}"), (0x1fa4, "\u{1f64}\u{3b9}"), (0x1fa5, "\u{1f65}\u{3b9}"), (0x1fa6, "\u{1f66}\u{3b9}"),
    (0x1fa7, "\u{1f67}\u{3b9}"), (0x1fa8, "\u{1f60}\u{3b9}"), (0x1fa9, "\u{1f61}\u{3b9}"), (0x1faa, "\u{1f62}\u{3b9}"),
    (0x1fab, "\u{1f63}\u{3b9}"), (0x1fac, "\u{1f64}\u{3b9}"), (0x1fad, "\u{1f65}\u{3b9}"), (0x1fae, "\u{1f66}\u{3b9}"),
    (0x1faf, "\u{1f67}\u{3b9}"), (0x1fb2, "\u{1f70}\u{3b9}"), (0x1fb3, "\u{3b1}\u{3b9}"), (0x1fb4, "\u{3ac}\u{3b9}"),
    (0x1fb6, "\u{3b1}\u{342}"), (0x1fb7, "\u{3b1}\u{342}\u{3b9}"), (0x1fbc, "\u{3b1}\u{3b9}"), (0x1fc2, "\u{1f74}\u{3b9}"),
    (0x1fc3, "\u{3b7}\u{3b9}"), (0x1fc4, "\u{3ae}\u{3b9}"), (0x1fc6, "\u{3b7}\u{342}"), (0x1fc7, "\u{3b7}\u{342}\u{3b9}"),
    (0x1fcc, "\u{3b7}\u{3b9}"), (0x1fd2, "\u{3b9}\u{308}\u{300}"), (0x1fd3, "\u{3b9}\u{308}\u{301}"), (0x1fd6, "\u{3b9}\u{342}"),
    (0x1fd7, "\u{3b9}\u{308}\u{342}"), (0x1fe2, "\u{3c5}\u{308}\u{300}"), (0x1fe3, "\u{3c5}\u{308}\u{301}"), (0x1fe4, "\u{3c1}\u{313}"),
    (0x1fe6, "\u{3c5}\u{342}"), (0x1fe7, "\u{3c5}\u{308}\u{342}"), (0x1ff2, "\u{1f7c}\u{3b9}"), (0x1ff3, "\u{3c9}\u{3b9}"),
    (0x1ff4, "\u{3ce}\u{3b9}"), (0x1ff6, "\u{3c9}\u{342}"), (0x1ff7, "\u{3c9}\u{342}\u{3b9}"), (0x1ffc, "\u{3c9}\u{3b9}"),
    (0xfb00, "ff"), (0xfb01, "fi"), (0xfb02, "fl"), (0xfb03, "ffi"),
    (0xfb04, "ffl"), (0xfb05, "st"), (0xfb06, "st"), (0xfb13, "\u{574}\u{576}"),
    (0xfb14, "\u{574}\u{565}"), (0xfb15, "\u{574}\u{56b}"), (0xfb16, "\u{57e}\u{576}"), (0xfb17, "\u{574}\u{56d}"),
];
