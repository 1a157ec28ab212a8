//! Port of `streams/core/linking_normalize.py`: normalizing contact details so that one
//! phone, email or address written many ways is one.
//!
//! The Python works on Unicode text: `unicodedata.normalize("NFKC", ...)`, `str.casefold`,
//! `str.isalnum`/`isalpha`/`isdigit`/`isspace` and the `re` module's Unicode `\s`, `\d`,
//! `\w`. No crate of this engine carries those tables, so this port computes natively only
//! text whose every character lies in a subset where they are simple and verified against
//! Python character by character (the differential check does it): ASCII, the full-width
//! forms U+FF01..U+FF5E, the spaces U+00A0/U+3000 and the ordinals `ª`/`º` (NFKC makes
//! them ASCII), the Latin-1 letters U+00C0..U+00FF (NFKC keeps them, casefold lowers them
//! and makes `ß` "ss"), and CJK ideographs, kana, hangul syllables and the ideographic
//! comma and full stop (NFKC and casefold leave them as they are). Any other character
//! sends the whole call to the Python function itself (`fallback`, with the GIL), so the
//! result is Python's in every case. The regexes are hand-written matchers that follow
//! `re`'s backtracking order; on the subset, `\s` and `\d` are ASCII.

use std::borrow::Cow;
use pyo3::prelude::*;

/// Whether a character is CJK (ideographs, kana, hangul), which is written unspaced.
/// Ports `linking_normalize.is_cjk` for one character.
pub fn is_cjk_char(ch: char) -> bool {
    let code = ch as u32;
    (0x4E00..=0x9FFF).contains(&code) // CJK unified ideographs
        || (0x3400..=0x4DBF).contains(&code) // extension A
        || (0x3040..=0x30FF).contains(&code) // hiragana, katakana
        || (0xAC00..=0xD7AF).contains(&code) // hangul syllables
        || (0xF900..=0xFAFF).contains(&code) // compatibility ideographs
        || (0x20000..=0x2FA1F).contains(&code) // extensions B and later
}

/// Ports `linking_normalize.is_cjk(ch)`. Python takes one character; for a one-character
/// string this is exactly it. For longer text it is `any(is_cjk(c) for c in text)` (how
/// `offplatform.py` uses it); the empty string (a `TypeError` in Python) gives false.
pub fn is_cjk(text: &str) -> bool {
    text.chars().any(is_cjk_char)
}

// --- the character subset computed natively ---------------------------------------------

/// CJK letters of the native subset: NFKC and casefold keep them, Python's `isalpha`,
/// `isalnum` and `\w` are true, `isdigit`, `isdecimal` and `isspace` false.
pub(crate) fn is_cjk_letter(c: char) -> bool {
    matches!(c as u32,
        0x3041..=0x3096 // hiragana
        | 0x30A1..=0x30FA // katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7A3) // hangul syllables
}

/// CJK punctuation of the native subset (`、`, `。`): kept by NFKC and casefold, neither
/// alphanumeric nor space nor `\w`.
fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3001}' | '\u{3002}')
}

/// Latin-1 letters (`À`..`ÿ` without `×` and `÷`): NFKC keeps them, Python's `isalpha`,
/// `isalnum` and `\w` are true, `isdigit` and `isspace` false.
fn is_latin1_letter(c: char) -> bool {
    matches!(c as u32, 0xC0..=0xFF) && c != '\u{D7}' && c != '\u{F7}'
}

/// NFKC of one character of the subset; `None` outside it (the caller asks Python).
fn nfkc_char(c: char) -> Option<char> {
    let code = c as u32;
    if code < 0x80 || is_cjk_letter(c) || is_cjk_punct(c) || is_latin1_letter(c) {
        Some(c)
    } else if c == '\u{AA}' {
        Some('a') // ª
    } else if c == '\u{BA}' {
        Some('o') // º
    } else if (0xFF01..=0xFF5E).contains(&code) {
        char::from_u32(code - 0xFEE0) // full-width ASCII
    } else if c == '\u{3000}' || c == '\u{A0}' {
        Some(' ')
    } else {
        None
    }
}

/// Python's `str.isspace` (and `re`'s `\s`) on the subset after NFKC: ASCII only.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\x1c' | '\x1d' | '\x1e' | '\x1f' | ' ')
}

/// Python's `str.isalnum` on the subset after NFKC (and `re`'s `\w` without `_`).
fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_cjk_letter(c) || is_latin1_letter(c)
}

/// Python's `str.isalpha` on the subset after NFKC.
fn is_alpha(c: char) -> bool {
    c.is_ascii_alphabetic() || is_cjk_letter(c) || is_latin1_letter(c)
}

/// Python's `str.isdigit` (and `\d`) on the subset after NFKC: ASCII digits only.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `_clean`: NFKC text, stripped; `None` when a character is outside the native subset.
/// (A value that is not a `str` is `""` in Python: callers pass `""` for it.)
fn clean(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        out.push(nfkc_char(c)?);
    }
    let trimmed = out.trim_matches(is_space);
    Some(if trimmed.len() == out.len() { out } else { trimmed.to_string() })
}

/// `str.casefold` on the subset after NFKC: ASCII and Latin-1 capitals lowered, `ß` "ss".
fn casefold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{DF}' {
            out.push_str("ss");
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_latin1_letter(c) {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Asks Python's `streams.core.linking_normalize.<name>(*args)`: for text outside the
/// native subset. An error (Python not importable) counts as "unusable" (`None`).
fn fallback(name: &str, args: &[&str]) -> Option<String> {
    Python::with_gil(|py| -> PyResult<Option<String>> {
        let module = py.import("streams.core.linking_normalize")?;
        let args = pyo3::types::PyTuple::new(py, args)?;
        module.getattr(name)?.call1(args)?.extract()
    })
    .unwrap_or(None)
}

// --- the word lists ---------------------------------------------------------------------

/// `PLACEHOLDERS`: values that mean "unknown".
const PLACEHOLDERS: &[&str] = &[
    "", "-", "--", ".", "0", "na", "n/a", "n.a.", "none", "null", "nil", "unknown",
    "undefined", "test", "tbd", "default", "anonymous", "not provided", "no address",
    "test address", "asdf", "qwerty", "测试", "无", "暂无", "不详",
];
/// `_EMAIL_PLACEHOLDER_LOCALS`.
const EMAIL_PLACEHOLDER_LOCALS: [&str; 22] = [
    "noreply", "no-reply", "donotreply", "do-not-reply", "none", "null", "na", "nil",
    "test", "example", "noemail", "no-email", "nomail", "unknown", "anonymous", "email",
    "mail", "buyer", "customer", "user", "guest", "invalid",
];
/// `_PLACEHOLDER_MAIL`.
const PLACEHOLDER_MAIL: [&str; 6] =
    ["example.com", "example.net", "example.org", "none.com", "noemail.com", "nomail.com"];
/// `_RESERVED_TLDS`.
const RESERVED_TLDS: [&str; 5] = ["invalid", "localhost", "test", "example", "local"];

/// `CALLING_CODES`: country -> (calling code, national trunk prefix, longest national number).
fn calling_code(country: &str) -> Option<(&'static str, &'static str, usize)> {
    Some(match country {
        "CN" => ("86", "0", 11), "HK" => ("852", "", 8), "MO" => ("853", "", 8), "TW" => ("886", "0", 9),
        "US" => ("1", "", 10), "CA" => ("1", "", 10), "MX" => ("52", "", 10), "BR" => ("55", "0", 11),
        "AR" => ("54", "0", 11), "CL" => ("56", "", 9), "CO" => ("57", "0", 10), "PE" => ("51", "0", 9),
        "GB" => ("44", "0", 10), "IE" => ("353", "0", 9), "FR" => ("33", "0", 9), "DE" => ("49", "0", 11),
        "AT" => ("43", "0", 13), "CH" => ("41", "0", 9), "NL" => ("31", "0", 9), "BE" => ("32", "0", 9),
        "ES" => ("34", "", 9), "PT" => ("351", "", 9), "IT" => ("39", "", 11), "PL" => ("48", "", 9),
        "CZ" => ("420", "", 9), "SE" => ("46", "0", 9), "NO" => ("47", "", 8), "DK" => ("45", "", 8),
        "FI" => ("358", "0", 10), "RU" => ("7", "8", 10), "KZ" => ("7", "8", 10), "BY" => ("375", "8", 9),
        "UA" => ("380", "0", 9), "TR" => ("90", "0", 10), "IL" => ("972", "0", 9), "AE" => ("971", "0", 9),
        "SA" => ("966", "0", 9), "EG" => ("20", "0", 10), "ZA" => ("27", "0", 9), "NG" => ("234", "0", 10),
        "IN" => ("91", "0", 10), "JP" => ("81", "0", 10), "KR" => ("82", "0", 10), "SG" => ("65", "", 8),
        "MY" => ("60", "0", 10), "TH" => ("66", "0", 9), "VN" => ("84", "0", 10), "ID" => ("62", "0", 12),
        "PH" => ("63", "0", 10), "AU" => ("61", "0", 9), "NZ" => ("64", "0", 10),
        _ => return None,
    })
}

/// `_ADDRESS_WORDS`.
fn address_word(word: &str) -> Option<&'static str> {
    Some(match word {
        "street" | "str" => "st", "road" => "rd", "avenue" | "av" => "ave", "boulevard" => "blvd",
        "drive" => "dr", "lane" => "ln", "court" => "ct", "place" => "pl", "square" => "sq",
        "highway" => "hwy", "parkway" => "pkwy", "terrace" => "ter",
        "apartment" | "unit" | "suite" | "ste" | "flat" => "apt", "room" => "rm", "floor" => "fl",
        "building" => "bldg", "north" => "n", "south" => "s", "east" => "e", "west" => "w",
        "number" => "no",
        _ => return None,
    })
}

const ASCENDING: &str = "01234567890123456789";
const DESCENDING: &str = "98765432109876543210";

/// `_placeholder`: whether a casefolded value means "unknown" or repeats one letter or
/// digit (`0.0.0.0`).
fn placeholder(text: &str) -> bool {
    if PLACEHOLDERS.contains(&text) {
        return true;
    }
    let mut first: Option<char> = None;
    for c in text.chars().filter(|&c| is_alnum(c)) {
        match first {
            None => first = Some(c),
            Some(f) if f != c => return false,
            Some(_) => {}
        }
    }
    true
}

// --- the phone regexes, as hand-written matchers -----------------------------------------

/// The `(?:\+|00)` that opens several phone patterns: its length at the start, if any.
fn plus_or_00(b: &[u8]) -> Option<usize> {
    if b.first() == Some(&b'+') {
        Some(1)
    } else if b.starts_with(b"00") {
        Some(2)
    } else {
        None
    }
}

fn digit_run(b: &[u8], at: usize) -> usize {
    b[at.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn space_run(b: &[u8], at: usize) -> usize {
    b[at.min(b.len())..].iter().take_while(|&&c| is_space(c as char)).count()
}

/// `[\s.-]*` at `at`: its longest length.
fn sep_run(b: &[u8], at: usize) -> usize {
    b[at.min(b.len())..].iter().take_while(|&&c| is_space(c as char) || c == b'.' || c == b'-').count()
}

/// `_CODE_IN_BRACKETS.sub(r"\1 ", text)`: `^\(\s*((?:\+|00)\d{1,3})\s*\)`.
/// The text is of the native subset: `\s` and `\d` are ASCII there, so bytes suffice.
fn code_in_brackets_sub(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    if b.first() != Some(&b'(') {
        return Cow::Borrowed(text);
    }
    let g0 = 1 + space_run(b, 1);
    let Some(p) = plus_or_00(&b[g0..]) else { return Cow::Borrowed(text) };
    let n = digit_run(b, g0 + p);
    // \d{1,3} then \s*\): a longer run leaves a digit where a space or ")" must be
    if !(1..=3).contains(&n) {
        return Cow::Borrowed(text);
    }
    let g1 = g0 + p + n;
    let close = g1 + space_run(b, g1);
    if b.get(close) != Some(&b')') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{} {}", &text[g0..g1], &text[close + 1..]))
}

/// The tail `\s*/\s*(?=\d{3})` of `_AREA_SLASH` at `at`: the match's end, if it matches.
fn area_slash_tail(b: &[u8], at: usize) -> Option<usize> {
    let slash = at + space_run(b, at);
    if b.get(slash) != Some(&b'/') {
        return None;
    }
    let end = slash + 1 + space_run(b, slash + 1);
    (digit_run(b, end) >= 3).then_some(end)
}

/// `_AREA_SLASH.sub(r"\1 ", text)`:
/// `^((?:\+|00)\d{1,3}[\s.-]*(?:\(0\)\s*)?\d{2,5}|\(?0\d{1,4}\)?)\s*/\s*(?=\d{3})`,
/// with the regex's backtracking order (greedy choices first, the first match wins).
fn area_slash_sub(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let found = area_slash_first(b).or_else(|| area_slash_second(b));
    match found {
        Some((group_end, end)) => Cow::Owned(format!("{} {}", &text[..group_end], &text[end..])),
        None => Cow::Borrowed(text),
    }
}

/// The first alternative: `(?:\+|00)\d{1,3}[\s.-]*(?:\(0\)\s*)?\d{2,5}`, then the tail.
fn area_slash_first(b: &[u8]) -> Option<(usize, usize)> {
    let p = plus_or_00(b)?;
    let run = digit_run(b, p);
    for n1 in (1..=run.min(3)).rev() {
        let at1 = p + n1;
        let seps = sep_run(b, at1);
        for k in (0..=seps).rev() {
            let at2 = at1 + k;
            let mut options = Vec::with_capacity(2);
            if b[at2..].starts_with(b"(0)") {
                options.push(at2 + 3 + space_run(b, at2 + 3));
            }
            options.push(at2);
            for at3 in options {
                let run2 = digit_run(b, at3);
                for n2 in (2..=run2.min(5)).rev() {
                    if let Some(end) = area_slash_tail(b, at3 + n2) {
                        return Some((at3 + n2, end));
                    }
                }
            }
        }
    }
    None
}

/// The second alternative: `\(?0\d{1,4}\)?`, then the tail.
fn area_slash_second(b: &[u8]) -> Option<(usize, usize)> {
    let mut opens = Vec::with_capacity(2);
    if b.first() == Some(&b'(') {
        opens.push(1);
    }
    opens.push(0);
    for at0 in opens {
        if b.get(at0) != Some(&b'0') {
            continue;
        }
        let run = digit_run(b, at0 + 1);
        for n in (1..=run.min(4)).rev() {
            let at1 = at0 + 1 + n;
            let mut closes = Vec::with_capacity(2);
            if b.get(at1) == Some(&b')') {
                closes.push(at1 + 1);
            }
            closes.push(at1);
            for at2 in closes {
                if let Some(end) = area_slash_tail(b, at2) {
                    return Some((at2, end));
                }
            }
        }
    }
    None
}

/// `_PHONE_EXTENSION.sub("", text)`: `(?i)\s*(?:ext\.?|x|#|;|,|/).*$`. The first match
/// starts at the space run before the first token from which `.*` (no newline) reaches
/// the end (`$` also matches before a final newline), and runs to the end.
fn phone_extension_sub(text: &str) -> &str {
    let b = text.as_bytes();
    let len = b.len();
    // the last newline that `.*$` cannot cross: one at the very end is allowed
    let body = if b.last() == Some(&b'\n') { len - 1 } else { len };
    let barrier = b[..body].iter().rposition(|&c| c == b'\n');
    let mut run_start = 0; // start of the space run ending just before i
    for (i, c) in text.char_indices() {
        let token = matches!(c, 'x' | 'X' | '#' | ';' | ',' | '/')
            || (i + 3 <= len && b[i..i + 3].eq_ignore_ascii_case(b"ext"));
        if token && barrier.map_or(true, |n| n < i) {
            return &text[..run_start];
        }
        if !is_space(c) {
            run_start = i + c.len_utf8();
        }
    }
    text
}

/// `_TRUNK_SHOWN.sub(r"\1", text)`: `^((?:\+|00)\d{1,3})[\s.-]*\(0\)`.
fn trunk_shown_sub(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let Some(p) = plus_or_00(b) else { return Cow::Borrowed(text) };
    let n = digit_run(b, p);
    if !(1..=3).contains(&n) {
        return Cow::Borrowed(text); // a longer run leaves a digit where a separator must be
    }
    let g = p + n;
    let at = g + sep_run(b, g);
    if !b[at..].starts_with(b"(0)") {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}{}", &text[..g], &text[at + 3..]))
}

/// `_PHONE_SEPARATORS.sub("", text)`: `[\s\-().\u00a0]`.
fn drop_separators(text: &str) -> String {
    text.chars().filter(|&c| !(is_space(c) || matches!(c, '-' | '(' | ')' | '.' | '\u{A0}'))).collect()
}

// --- the normalizers ----------------------------------------------------------------------

/// Ports `linking_normalize.normalize_phone(raw, country)`: a phone number in E.164-like
/// form (`+8613800138000`), or `None` when unusable. A value that is not a string is `""`.
pub fn normalize_phone(raw: &str, country: &str) -> Option<String> {
    match (clean(raw), clean(country)) {
        (Some(text), Some(place)) => phone_native(text, !country.is_empty(), &place),
        _ => fallback("normalize_phone", &[raw, country]),
    }
}

/// `normalize_phone` on cleaned text; `has_country`: whether the raw `country` is truthy.
fn phone_native(text: String, has_country: bool, place: &str) -> Option<String> {
    if text.is_empty() || text.contains('*') {
        return None;
    }
    let bracketed = code_in_brackets_sub(&text);
    let slashed = area_slash_sub(&bracketed);
    let text = trunk_shown_sub(phone_extension_sub(&slashed));
    let mut plus = text.starts_with('+');
    let mut digits = drop_separators(if plus { &text[1..] } else { &text });
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !plus && digits.starts_with("00") {
        plus = true;
        digits = digits[2..].to_string();
    } else if !plus && has_country {
        // Python's `.upper()`: only an ASCII result can name a country here, and no
        // non-ASCII character of the subset upper-cases to a two-letter code
        if let Some((code, trunk, longest)) = calling_code(&place.to_ascii_uppercase()) {
            if digits.starts_with(code) && digits.len() > longest {
                plus = true; // too long to be national: the international form without its "+"
            } else {
                if !trunk.is_empty() && digits.starts_with(trunk) {
                    digits = digits[trunk.len()..].to_string();
                }
                plus = true;
                digits = format!("{code}{digits}");
            }
        }
    }
    if plus && (!(8..=15).contains(&digits.len()) || digits.starts_with('0')) {
        return None;
    }
    if !plus && !(7..=15).contains(&digits.len()) {
        return None;
    }
    let tail = &digits[digits.len() - 7..];
    let mut seen: Vec<u8> = tail.bytes().collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() <= 2 || ASCENDING.contains(tail) || DESCENDING.contains(tail) {
        return None;
    }
    Some(if plus { format!("+{digits}") } else { digits })
}

/// Ports `linking_normalize.normalize_email(raw)`: the address with the variants of one
/// mailbox folded together, or `None`.
pub fn normalize_email(raw: &str) -> Option<String> {
    let Some(text) = clean(raw) else { return fallback("normalize_email", &[raw]) };
    let text = casefold(&text);
    if text.contains('*') || text.matches('@').count() != 1 || text.chars().any(is_space) {
        return None;
    }
    let (local, domain) = text.split_once('@')?;
    let mut domain = domain.trim_end_matches('.').to_string();
    let mut local = local.split('+').next().unwrap_or("").to_string();
    if domain == "gmail.com" || domain == "googlemail.com" {
        local = local.replace('.', "");
        domain = "gmail.com".to_string();
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if local.is_empty() || labels.len() < 2 || RESERVED_TLDS.contains(&labels[labels.len() - 1]) {
        return None;
    }
    let last_two = labels[labels.len() - 2..].join(".");
    if EMAIL_PLACEHOLDER_LOCALS.contains(&local.as_str()) || PLACEHOLDER_MAIL.contains(&last_two.as_str()) {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// Ports `linking_normalize.normalize_address(address1, postal_code, country)`:
/// `country|postal|street` with case, punctuation and common abbreviations folded.
pub fn normalize_address(address1: &str, postal_code: &str, country: &str) -> Option<String> {
    match (clean(address1), clean(postal_code), clean(country)) {
        (Some(line), Some(postal), Some(place)) => address_native(&line, &postal, &place),
        _ => fallback("normalize_address", &[address1, postal_code, country]),
    }
}

fn address_native(line: &str, postal: &str, place: &str) -> Option<String> {
    let mut postal = drop_separators(&casefold(postal));
    let place = casefold(place);
    if place == "us" && postal.chars().count() == 9 && postal.chars().all(is_digit) {
        postal = postal.chars().take(5).collect();
    }
    if postal.chars().count() < 3 || !postal.chars().all(is_alnum) || placeholder(&postal) {
        return None;
    }
    let line = casefold(line).replace('#', " apt ");
    if placeholder(&line) {
        return None;
    }
    // the words, each as `address_word` spells it, joined as `_join` joins them (written
    // straight into `street`, with no list of words)
    let mut street = String::with_capacity(line.len());
    let mut words = 0usize;
    let mut last: Option<char> = None;
    let mut word = String::new();
    for c in line.chars().chain(std::iter::once(' ')) {
        if is_alnum(c) || c == '_' {
            word.push(c); // re's \w: alphanumeric or "_"
        } else if !word.is_empty() {
            if word.ends_with("strasse") {
                // casefold made "ß" "ss": Hauptstraße = Hauptstr.
                word.truncate(word.len() - 4);
            }
            let spelled = address_word(&word).unwrap_or(&word);
            join_word(&mut street, &mut last, spelled);
            words += 1;
            word.clear();
        }
    }
    if street.chars().count() < 3 || placeholder(&street) {
        return None;
    }
    if !street.chars().any(is_alpha) {
        return None; // only numbers ("123"): says nothing about a street
    }
    if words == 1 && street.is_ascii() && !street.chars().any(is_digit) {
        return None; // one bare word ("home", "address"): says nothing about a place
    }
    Some(format!("{place}|{postal}|{street}"))
}

/// `_join`, one word at a time: append `word` to `out`, after a space unless it or the
/// text before it (`last`: its last character) is Chinese, Japanese or Korean.
fn join_word(out: &mut String, last: &mut Option<char>, word: &str) {
    if let Some(prev) = *last {
        let first = word.chars().next().unwrap_or(' ');
        if !(is_cjk_char(prev) || is_cjk_char(first)) {
            out.push(' ');
        }
    }
    out.push_str(word);
    *last = word.chars().last().or(*last);
}

/// Ports `linking_normalize.normalize_fingerprint(raw)`: a payment or device fingerprint
/// as given (NFKC, stripped), or `None` when it is a placeholder.
pub fn normalize_fingerprint(raw: &str) -> Option<String> {
    let Some(text) = clean(raw) else { return fallback("normalize_fingerprint", &[raw]) };
    if placeholder(&casefold(&text)) || !text.chars().any(is_alnum) {
        return None;
    }
    Some(text)
}
