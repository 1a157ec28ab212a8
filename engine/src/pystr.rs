//! Python `str` semantics the core relies on, exactly as CPython 3.11 (Unicode 14.0.0):
//! character classes, `strip`, `casefold`, `repr`, `str()` of JSON values, and
//! `unicodedata.normalize("NFKC", ...)`, over the tables of `pystr_tables.rs`.

use serde_json::Value;

use crate::pystr_tables::*;


const ALPHA: u8 = 1;
const DECIMAL: u8 = 2;
const DIGIT: u8 = 4;
const NUMERIC: u8 = 8;
const SPACE: u8 = 16;
const UNPRINTABLE: u8 = 32;

/// The `str` classes of a character (`CLASS_RUNS`).
fn flags(c: char) -> u8 {
    let code = c as u32;
    if code < 128 {
        return ASCII_FLAGS[code as usize];
    }
    class_run(code)
}

fn class_run(code: u32) -> u8 {
    let i = CLASS_RUNS.partition_point(|&(start, _)| start <= code);
    CLASS_RUNS[i - 1].1 // CLASS_RUNS starts at 0
}

/// `flags` of the ASCII characters, read from `CLASS_RUNS` once (most contact details are
/// ASCII, and the binary search showed in the replay's profile).
static ASCII_FLAGS: std::sync::LazyLock<[u8; 128]> = std::sync::LazyLock::new(|| {
    let mut table = [0u8; 128];
    for (code, slot) in table.iter_mut().enumerate() {
        *slot = class_run(code as u32);
    }
    table
});

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


// ---------------------------------------------------------------------------------------------
// `unicodedata.normalize("NFKC", text)` (Unicode 14.0.0, as CPython 3.11)

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

/// `unicodedata.normalize("NFKC", text)`.
pub fn nfkc(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    // compatibility decomposition, then canonical ordering of each run of marks
    let mut chars: Vec<(char, u8)> = Vec::with_capacity(text.len());
    for c in text.chars() {
        decompose(c, &mut chars);
    }
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1 == 0 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j].1 != 0 {
            j += 1;
        }
        chars[i..j].sort_by_key(|&(_, class)| class); // stable
        i = j;
    }
    // canonical composition (UAX #15): each character joins the last starter unless blocked
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    let mut last_class: Option<u8> = None; // class of the last character after the starter
    for (c, class) in chars {
        if let Some(s) = starter {
            let blocked = matches!(last_class, Some(l) if l == 0 || l >= class);
            if !blocked {
                if let Some(composed) = compose(out[s], c) {
                    out[s] = composed;
                    continue;
                }
            }
        }
        if class == 0 {
            starter = Some(out.len());
            last_class = None;
        } else {
            last_class = Some(class);
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// The full compatibility decomposition of one character, with combining classes.
fn decompose(c: char, out: &mut Vec<(char, u8)>) {
    let code = c as u32;
    if (S_BASE..S_BASE + S_COUNT).contains(&code) {
        let s = code - S_BASE;
        for part in [L_BASE + s / N_COUNT, V_BASE + (s % N_COUNT) / T_COUNT] {
            out.push((char::from_u32(part).unwrap_or(c), 0));
        }
        if s % T_COUNT != 0 {
            out.push((char::from_u32(T_BASE + s % T_COUNT).unwrap_or(c), 0));
        }
        return;
    }
    if code < 0xA0 {
        out.push((c, ccc(c)));
        return;
    }
    if let Ok(i) = DECOMP_MULTI.binary_search_by_key(&code, |&(k, _)| k) {
        out.extend(DECOMP_MULTI[i].1.chars().map(|d| (d, ccc(d))));
        return;
    }
    let i = DECOMP_RUNS.partition_point(|&(start, _, _)| start <= code);
    if i > 0 {
        let (start, count, delta) = DECOMP_RUNS[i - 1];
        if code - start < u32::from(count) {
            if let Some(d) = char::from_u32((i64::from(code) + i64::from(delta)) as u32) {
                out.push((d, ccc(d)));
                return;
            }
        }
    }
    out.push((c, ccc(c)));
}

/// The canonical combining class of a character.
fn ccc(c: char) -> u8 {
    let code = c as u32;
    let i = CCC_RUNS.partition_point(|&(start, _)| start <= code);
    CCC_RUNS[i - 1].1 // CCC_RUNS starts at 0
}

/// The primary composite of two characters, if any (Hangul syllables by arithmetic).
fn compose(a: char, b: char) -> Option<char> {
    let (a, b) = (a as u32, b as u32);
    if (L_BASE..L_BASE + L_COUNT).contains(&a) && (V_BASE..V_BASE + V_COUNT).contains(&b) {
        return char::from_u32(S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a) && (a - S_BASE) % T_COUNT == 0 && (T_BASE + 1..T_BASE + T_COUNT).contains(&b) {
        return char::from_u32(a + (b - T_BASE));
    }
    COMPOSE
        .binary_search_by_key(&(a, b), |&(x, y, _)| (x, y))
        .ok()
        .and_then(|i| char::from_u32(COMPOSE[i].2))
}

/// Python's `f"{x:g}"` of a float: 6 significant digits, trailing zeros dropped, an
/// exponent (`1e+06`, `1e-05`) below 1e-4 or from 1e6 on.
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // the exponent after rounding to 6 significant digits
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        let fixed = format!("{x:.prec$}", prec = (5 - exp) as usize);
        strip_zeros(&fixed)
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip_zeros(mantissa), exp.abs())
    }
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}
