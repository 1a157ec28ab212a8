//! `streams/core/eventids.py`: event ids as a state keeps them, the adapters' prefix packed.

pub const MARKETPLACES: [&str; 7] =
    ["aliexpress", "tmall", "taobao", "shopify", "woocommerce", "stripe", "generic"];
pub const TYPES: [&str; 17] = [
    "order.created", "order.paid", "order.cancelled", "order.closed_unpaid", "order.shipped",
    "order.delivered", "payment.reminder_sent", "payment.failed", "refund.requested",
    "refund.completed", "dispute.opened", "dispute.cancelled", "dispute.resolved",
    "chargeback.notified", "chargeback.appealed", "chargeback.resolved", "buyer.message",
];
const MARK: char = '~';
const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn digit_value(c: u8) -> Option<usize> {
    DIGITS.iter().position(|&d| d == c)
}

/// The code of a `<marketplace>:<type>:` prefix (`~` and two digits), if it is a known one.
fn code_of(prefix: &str) -> Option<[u8; 3]> {
    let (market, etype) = prefix.strip_suffix(':')?.split_once(':')?;
    let m = MARKETPLACES.iter().position(|&x| x == market)?;
    let t = TYPES.iter().position(|&x| x == etype)?;
    Some([b'~', DIGITS[m], DIGITS[t]])
}

/// The prefix a 2-digit code names, if any.
fn prefix_of(code: &[u8]) -> Option<(&'static str, &'static str)> {
    if code.len() != 2 {
        return None;
    }
    let m = digit_value(code[0])?;
    let t = digit_value(code[1])?;
    Some((MARKETPLACES.get(m)?, TYPES.get(t)?))
}

/// `eventids.pack`.
pub fn pack(event_id: &str) -> String {
    if let Some(first) = event_id.find(':') {
        if let Some(second) = event_id[first + 1..].find(':') {
            let cut = first + 1 + second + 1;
            if let Some(code) = code_of(&event_id[..cut]) {
                let mut out = String::with_capacity(3 + event_id.len() - cut);
                out.push_str(std::str::from_utf8(&code).unwrap());
                out.push_str(&event_id[cut..]);
                return out;
            }
        }
    }
    if event_id.starts_with(MARK) {
        format!("{MARK}{event_id}")
    } else {
        event_id.to_string()
    }
}

/// `eventids.pack_under`.
pub fn pack_under(event_id: &str, tail: &str) -> String {
    let kept = pack(event_id);
    let b = kept.as_bytes();
    if kept.len() == 3 + tail.len() && b[0] == b'~' && prefix_of(&b[1..3]).is_some() && kept.ends_with(tail) {
        return kept[..3].to_string();
    }
    kept
}

/// `eventids.packed_whole`.
pub fn packed_whole(kept: &str, tail: &str) -> String {
    let b = kept.as_bytes();
    if b.len() == 3 && b[0] == b'~' && prefix_of(&b[1..]).is_some() {
        format!("{kept}{tail}")
    } else {
        kept.to_string()
    }
}

/// `eventids.unpack_under`.
pub fn unpack_under(kept: &str, tail: &str) -> String {
    unpack(&packed_whole(kept, tail))
}

/// `eventids.unpack`.
pub fn unpack(kept: &str) -> String {
    let b = kept.as_bytes();
    if b.first() != Some(&b'~') {
        return kept.to_string();
    }
    if b.len() >= 3 {
        if let Some((m, t)) = prefix_of(&b[1..3]) {
            return format!("{m}:{t}:{}", &kept[3..]);
        }
    }
    kept[1..].to_string()
}
