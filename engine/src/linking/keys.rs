//! Port of `streams/core/linking_keys.py`: identity keys of an order (normalized,
//! pseudonymized phone, address, email, payment account, device), the buyer's remembered
//! keys and the link message.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::state::Record;
use super::normalize::{normalize_address, normalize_email, normalize_fingerprint, normalize_phone};
use crate::event::{EType, Event};

/// `MAX_BUYER_KEYS`: identity keys remembered per buyer (5 per order at most).
pub const MAX_BUYER_KEYS: usize = 8;
/// `DIGEST_HEX`: 64 bits of SHA-256.
pub const DIGEST_HEX: usize = 16;

/// `KIND_NOUNS.get(kind, kind)`: what the explanation calls one such identity.
pub fn kind_noun(kind: &str) -> &str {
    match kind {
        "phone" => "phone number",
        "addr" => "address",
        "email" => "email address",
        "pay" => "payment account",
        "device" => "device",
        other => other,
    }
}

/// `LINK_EVENT_TYPES`: the event types the identities stage counts.
pub fn is_link_type(etype: EType) -> bool {
    matches!(etype, EType::OrderCreated | EType::OrderPaid | EType::OrderCancelled
        | EType::OrderClosedUnpaid | EType::DisputeOpened | EType::ChargebackNotified)
}

/// `IDENTIFYING_TYPES`: the event types that show identity keys.
pub fn is_identifying(etype: EType) -> bool {
    matches!(etype, EType::OrderCreated | EType::OrderPaid)
}

/// `identity_key(kind, value)`: `kind:<16 hex digits of SHA-256 of "kind\x1fvalue">`.
pub fn identity_key(kind: &str, value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut input = Vec::with_capacity(kind.len() + 1 + value.len());
    input.extend_from_slice(kind.as_bytes());
    input.push(0x1f);
    input.extend_from_slice(value.as_bytes());
    let digest = sha256(&input);
    let mut out = String::with_capacity(kind.len() + 1 + DIGEST_HEX);
    out.push_str(kind);
    out.push(':');
    for b in &digest[..DIGEST_HEX / 2] {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// The contact details `identity_keys` reads, in `_keys_of`'s order: phone, country,
/// address1, postal_code, email, payment account fingerprint, device fingerprint. A value
/// that is not a string is `""` (every normalizer treats it so, `_clean`).
pub type Details = [String; 7];

fn text_of(part: Option<&Map<String, Value>>, field: &str) -> String {
    match part.and_then(|m| m.get(field)) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The details of an `order.created`/`order.paid` event (`None` for other types).
pub fn details_of(event: &Event) -> Option<Details> {
    if !is_identifying(event.etype) {
        return None;
    }
    let shipping = event.shipping.as_ref();
    Some([
        text_of(shipping, "phone"),
        text_of(shipping, "country"),
        text_of(shipping, "address1"),
        text_of(shipping, "postal_code"),
        text_of(shipping, "email"),
        text_of(event.payment.as_ref(), "account_fingerprint"),
        text_of(event.device.as_ref(), "fingerprint"),
    ])
}

/// `part.get(field)` when it is a string, else `""` (as `text_of`, borrowed).
fn str_of<'a>(part: Option<&'a Map<String, Value>>, field: &str) -> &'a str {
    match part.and_then(|m| m.get(field)) {
        Some(Value::String(s)) => s.as_str(),
        _ => "",
    }
}

/// `details_of` without copying: the same seven values, borrowed from the event. The
/// shipping address is read in one pass over its fields (a JSON object's keys are unique:
/// the same values as looking each up, with no hashing).
pub fn detail_refs(event: &Event) -> Option<[&str; 7]> {
    if !is_identifying(event.etype) {
        return None;
    }
    let mut d = [""; 7];
    if let Some(shipping) = event.shipping.as_ref() {
        for (field, value) in shipping {
            let at = match field.as_str() {
                "phone" => 0,
                "country" => 1,
                "address1" => 2,
                "postal_code" => 3,
                "email" => 4,
                _ => continue,
            };
            if let Value::String(text) = value {
                d[at] = text.as_str();
            }
        }
    }
    d[5] = str_of(event.payment.as_ref(), "account_fingerprint");
    d[6] = str_of(event.device.as_ref(), "fingerprint");
    Some(d)
}

/// Entries a `KeyCache` table holds before it is emptied (`_keys_of`'s `lru_cache` size).
const KEY_CACHE: usize = 1 << 16;

/// `_keys_of`'s `lru_cache`: the keys of a set of details. A lookup copies nothing: the
/// details are written length-prefixed into one buffer, which is the map's key. The cache
/// changes no result. (A cache per kind of key as well was measured slower: half of its
/// lookups missed, and a miss costs about what a normalization and a digest do.)
#[derive(Default)]
pub struct KeyCache {
    buf: Vec<u8>,
    /// The keys of each set of details, with a serial number never given twice (1, 2, ...):
    /// the same serial is the same keys (`Identities` remembers which a buyer has).
    whole: crate::collections::HashMap<Arc<[u8]>, (u64, Arc<Vec<String>>)>,
    serials: u64,
}

/// Appends the values length-prefixed (so that no two lists of values write the same bytes).
fn encode(buf: &mut Vec<u8>, values: impl IntoIterator<Item = impl AsRef<str>>) {
    buf.clear();
    for v in values {
        let v = v.as_ref().as_bytes();
        buf.extend_from_slice(&(v.len() as u64).to_le_bytes());
        buf.extend_from_slice(v);
    }
}

impl KeyCache {
    /// The details of an `order.created`/`order.paid` event as the caches key them
    /// (empty for other types).
    pub fn encode_details(&mut self, event: &Event) -> &[u8] {
        match detail_refs(event) {
            Some(d) => encode(&mut self.buf, d),
            None => self.buf.clear(),
        }
        &self.buf
    }

    /// `identity_keys(event)` through the cache (`_keys_of(details)`), with the serial
    /// number of the entry (0 for an event of another type: no keys).
    pub fn identity_keys(&mut self, event: &Event) -> (u64, Arc<Vec<String>>) {
        self.encode_details(event);
        let (_, serial, found) = self.lookup(event);
        (serial, found)
    }

    /// `identity_keys` of an event whose details `encode_details` has just written: the
    /// details as the cache keeps them (to share), the entry's serial number, the keys.
    pub fn lookup(&mut self, event: &Event) -> (Arc<[u8]>, u64, Arc<Vec<String>>) {
        if let Some((details, (serial, found))) = self.whole.get_key_value(&self.buf[..]) {
            return (details.clone(), *serial, found.clone());
        }
        // (other types write no details, and none is kept under those)
        let Some(d) = detail_refs(event) else { return (Arc::default(), 0, Arc::default()) };
        let details: Arc<[u8]> = self.buf.as_slice().into();
        let found = Arc::new(keys_of_refs(&d));
        if self.whole.len() >= KEY_CACHE {
            self.whole.clear();
        }
        self.serials += 1;
        self.whole.insert(details.clone(), (self.serials, found.clone()));
        (details, self.serials, found)
    }
}

/// `_keys_of(details)` of borrowed details (`detail_refs`).
pub fn keys_of_refs(d: &[&str; 7]) -> Vec<String> {
    let found = [
        ("phone", normalize_phone(d[0], d[1])),
        ("addr", normalize_address(d[2], d[3], d[1])),
        ("email", normalize_email(d[4])),
        ("pay", normalize_fingerprint(d[5])),
        ("device", normalize_fingerprint(d[6])),
    ];
    found.iter().filter_map(|(kind, value)| value.as_ref().map(|v| identity_key(kind, v))).collect()
}

/// `_keys_of(details)`: the keys of one set of contact details.
pub fn keys_of(d: &Details) -> Vec<String> {
    keys_of_refs(&d.each_ref().map(String::as_str))
}

/// `identity_keys(event)`: the identity keys of an `order.created` or `order.paid` event,
/// `[]` for others.
pub fn identity_keys(event: &Event) -> Vec<String> {
    details_of(event).map(|d| keys_of(&d)).unwrap_or_default()
}

/// `buyer_identity_keys(buyer_keys, event)` given the event's keys `found`: `None` when
/// the event adds nothing (Python returns `buyer_keys` itself), else the new list.
pub fn buyer_identity_keys(buyer_keys: &[String], found: &[String]) -> Option<Vec<String>> {
    if found.iter().all(|key| buyer_keys.contains(key)) {
        return None; // nothing new (or no key)
    }
    let mut kept: Vec<String> = buyer_keys.iter().filter(|k| !found.contains(k)).cloned().collect();
    kept.extend(found.iter().cloned());
    let cut = kept.len().saturating_sub(MAX_BUYER_KEYS);
    Some(kept.split_off(cut))
}

/// `link_message(record, event, key)`: the message the buyers stage sends to the
/// identities stage, as a JSON object; the record rides along as `"record"`.
pub fn link_message(record: Option<&Record>, event: &Event, key: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("identity".into(), Value::String(key.to_string()));
    m.insert("event_id".into(), Value::String(event.event_id.clone()));
    m.insert("type".into(), Value::String(event.etype.name().to_string()));
    m.insert("occurred_at".into(), Value::String(event.occurred_at.clone()));
    m.insert("buyer_id".into(), event.buyer_id.clone().map_or(Value::Null, Value::String));
    m.insert("seller_id".into(), Value::String(event.seller_id.clone()));
    m.insert("marketplace".into(), Value::String(event.marketplace.clone()));
    m.insert("order_id".into(), event.order_id.clone().map_or(Value::Null, Value::String));
    // `actor` rides along when the event has one that is not null ("actor": null is
    // kept as Some("") by `Event`, and Python's `event.get("actor")` is then None)
    if let Some(actor) = event.actor.as_deref().filter(|a| !a.is_empty()) {
        m.insert("actor".into(), Value::String(actor.to_string()));
    }
    if let Some(record) = record {
        m.insert("record".into(), record.to_value());
    }
    m
}

// --- SHA-256 (FIPS 180-4), for `hashlib.sha256` -------------------------------------------

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    // the padded message: the whole blocks of `data`, then its tail, 0x80, zeros and the
    // length in bits, in one or two blocks
    let whole = data.len() / 64 * 64;
    let mut tail = [0u8; 128];
    let rest = &data[whole..];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in data[..whole].chunks_exact(64).chain(tail[..tail_len].chunks_exact(64)) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_vectors() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // 56 bytes: the length goes to a second padding block
        assert_eq!(hex(sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        assert_eq!(hex(sha256(&[b'a'; 1000])), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    }
}
