//! `streams/core/layout.py`: the buyer state's columns and the sizes the modules share.

pub const CREATED: usize = 1;
pub const PAID: usize = 2;
pub const CANCELLED: usize = 3;
pub const CLOSED_UNPAID: usize = 4;
pub const DISPUTED: usize = 5;
pub const CHARGEBACK: usize = 6;
pub const REFUND: usize = 7;
pub const WIDTH: usize = 8;

pub fn notable(col: usize) -> bool {
    matches!(col, CANCELLED | CLOSED_UNPAID | DISPUTED | CHARGEBACK | REFUND)
}
pub fn long_column(col: usize) -> bool {
    matches!(col, PAID | DISPUTED | CHARGEBACK)
}

pub const DEDUPE_DAYS: i64 = 2;
pub const DEDUPE_CAP: usize = 32;
pub const KEY_WIDTH: usize = 8;
pub const KEY_ALPHABET: &[u8; 64] =
    b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
pub const EVICT_DAYS: i64 = 7;

/// `layout.dedupe_key`: 48 bits (day << 32 | crc) as 8 characters of the order-preserving
/// base 64 (`KEY_ALPHABET`), the same characters `b2a_base64(...).translate(TO_KEY)` gives.
pub fn dedupe_key(day: i64, crc: u32) -> [u8; KEY_WIDTH] {
    let v: u64 = (((day as u64) & 0xFFFF) << 32) | u64::from(crc);
    let mut out = [0u8; KEY_WIDTH];
    for (i, o) in out.iter_mut().enumerate() {
        *o = KEY_ALPHABET[((v >> (42 - 6 * i)) & 63) as usize];
    }
    out
}

/// The dedupe key of an event id on `day`.
pub fn event_key(day: i64, event_id: &str) -> [u8; KEY_WIDTH] {
    dedupe_key(day, crc32fast::hash(event_id.as_bytes()))
}

/// `layout.keys_from_hex`: the keys of an older layout's hex keys, sorted, the latest `cap`.
pub fn keys_from_hex(old: &str, width: usize, per_day: i64, cap: usize) -> String {
    let mut found = std::collections::BTreeSet::new();
    let b = old.as_bytes();
    let mut i = 0;
    while b.len() >= width && i + width <= b.len() {
        let time = std::str::from_utf8(&b[i..i + width - 8]).ok().and_then(|s| i64::from_str_radix(s, 16).ok());
        let crc = std::str::from_utf8(&b[i + width - 8..i + width]).ok().and_then(|s| u32::from_str_radix(s, 16).ok());
        if let (Some(time), Some(crc)) = (time, crc) {
            found.insert(dedupe_key(time / per_day, crc));
        }
        i += width;
    }
    let keep = found.len().saturating_sub(cap);
    found.into_iter().skip(keep).map(|k| String::from_utf8(k.to_vec()).unwrap()).collect()
}

/// `layout.period_of`.
pub fn period_of(watermark: i64) -> i64 {
    let wday = watermark.div_euclid(86_400);
    wday - wday.rem_euclid(EVICT_DAYS)
}

/// `layout.bump`: add `n` at `offset` of the row starting with `key` (inserted in order).
pub fn bump(rows: &mut Vec<i64>, width: usize, key: i64, offset: usize, n: i64) {
    let mut i = rows.len() as isize - width as isize;
    while i >= 0 && rows[i as usize] > key {
        i -= width as isize;
    }
    if i >= 0 && rows[i as usize] == key {
        rows[i as usize + offset] += n;
        return;
    }
    let at = (i + width as isize) as usize;
    let mut row = vec![0i64; width];
    row[0] = key;
    row[offset] = n;
    rows.splice(at..at, row);
}

/// `bursts.Window`: counts in the window `[first_day, first_day + horizon)` of one scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub first_day: i64,
    pub count: i64,
    pub base: i64,
    pub shops: i64,
}
