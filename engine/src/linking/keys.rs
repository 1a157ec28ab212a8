//! Port of `streams/core/linking_keys.py`: identity keys of an order (normalized,
//! pseudonymized phone, address, email, payment account, device), the buyer's remembered
//! keys and the link message.

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
    let digest = sha256(format!("{kind}\u{1f}{value}").as_bytes());
    let mut out = String::with_capacity(kind.len() + 1 + DIGEST_HEX);
    out.push_str(kind);
    out.push(':');
    for b in &digest[..DIGEST_HEX / 2] {
        out.push_str(&format!("{b:02x}"));
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

/// `_keys_of(details)`: the keys of one set of contact details.
pub fn keys_of(d: &Details) -> Vec<String> {
    let found = [
        ("phone", normalize_phone(&d[0], &d[1])),
        ("addr", normalize_address(&d[2], &d[3], &d[1])),
        ("email", normalize_email(&d[4])),
        ("pay", normalize_fingerprint(&d[5])),
        ("device", normalize_fingerprint(&d[6])),
    ];
    found.iter().filter_map(|(kind, value)| value.as_ref().map(|v| identity_key(kind, v))).collect()
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
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
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
    }
}
