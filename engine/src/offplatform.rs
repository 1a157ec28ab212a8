//! `streams/core/offplatform.py`: `off_platform_payment`, a buyer's message asking to pay
//! outside the platform.
//!
//! Phrases match after NFKC (full-width forms) and casefolding, as in Python. NFKC is
//! ported here (decomposition, canonical ordering, composition) with tables generated from
//! Python 3.11's `unicodedata` (Unicode 14.0.0, `gen/unitables.py` of the port), so that a
//! message normalizes exactly as `unicodedata.normalize("NFKC", text)` normalizes it; the
//! `str` classes and `casefold` are `crate::contacts`'.

use std::sync::LazyLock;

use serde_json::Value;

use crate::alert::{make_alert, recommend, Alert, AlertArgs, MEDIUM};
use crate::bursts::fire_levels;
use crate::buyer_state::BuyerState;
use crate::pystr::{casefold, is_alnum, is_space, nfkc, strip};
use crate::event::Event;
use crate::fields::DAY;
use crate::linking::normalize::is_cjk;
use crate::lists::ListBook;
use crate::rules::RuleSet;

/// `PAYMENT_PHRASES`: asking to pay off the platform, by themselves.
const PAYMENT_PHRASES: &[&str] = &[
    "私下交易", "线下交易", "线下付款", "线下支付", "线下转账", "不走平台", "不通过平台",
    "绕过平台", "平台外交易", "平台外付款", "站外交易", "站外付款", "微信转账", "微信付款",
    "微信付给你", "微信支付给你", "微信红包", "支付宝转账", "转账到支付宝", "转到你支付宝",
    "转你支付宝", "银行卡转账", "转账给你", "打款给你", "直接转账", "直接打款", "私下转账",
    "outside the platform", "outside of the platform", "off the platform", "off platform",
    "pay outside", "pay you directly", "pay you outside", "send you the money directly",
    "friends and family", "friends & family", "western union", "moneygram", "zelle",
    "venmo", "cash app", "cashapp", "bitcoin", "usdt",
    // AliExpress's largest markets: Russian, Portuguese (Brazil), Spanish, French
    "оплата напрямую", "оплачу напрямую", "заплачу напрямую", "переведу на карту",
    "перевод на карту", "перевести на карту", "вне площадки", "в обход площадки",
    "pagar por fora", "pago por fora", "fora da plataforma", "pix direto",
    "depósito na conta", "transferência direta",
    "pagar por fuera", "fuera de la plataforma", "te pago directamente", "transferencia directa",
    "bizum",
    "hors plateforme", "en dehors de la plateforme", "je vous paie directement",
    "virement direct",
];
/// `HANDOFF_PHRASES`: taking the talk elsewhere, counted only with a word about paying.
const HANDOFF_PHRASES: &[&str] = &[
    "加微信", "加我微信", "加v", "加vx", "加wx", "加qq", "加我qq", "微信号", "私聊",
    "whatsapp", "telegram", "add me on", "add my wechat", "wechat id",
    "телеграм", "вотсап", "ватсап", "me chama no", "escríbeme al",
];
/// `PAYING_WORDS`.
const PAYING_WORDS: &[&str] = &[
    "付款", "付钱", "支付", "转账", "打款", "汇款", "红包", "收款",
    "pay", "paying", "payment", "money", "transfer", "cash",
    "оплата", "оплачу", "заплачу", "деньги", "pagar", "pago", "pagamento", "dinheiro",
    "pagaré", "dinero", "payer", "paiement", "argent",
];

/// `MAX_TEXT`: only the start of a message is read.
pub const MAX_TEXT: usize = 4_000;

/// `Phrase`: the phrase as written, whether it is matched spacing-blind, what is looked for.
struct Phrase {
    shown: String,
    blind: bool,
    sought: String,
}

/// `_phrase`.
fn phrase(text: &str) -> Phrase {
    let folded = casefold(&nfkc(text));
    let mut buf = [0u8; 4];
    if folded.chars().any(|c| is_cjk(c.encode_utf8(&mut buf))) {
        // written without spaces
        return Phrase { shown: text.to_string(), blind: true, sought: compact(&folded) };
    }
    Phrase { shown: text.to_string(), blind: false, sought: words(&folded) }
}

/// `_SPACE.sub("", folded)`.
fn compact(folded: &str) -> String {
    folded.chars().filter(|&c| !is_space(c)).collect()
}

/// `f" {' '.join(_WORDS.findall(folded))} "` with `_WORDS = [^\W_]+|&`: runs of letters and
/// numbers, and each `&`, between single spaces.
fn words(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    let mut in_word = false;
    for c in folded.chars() {
        if is_alnum(c) {
            if !in_word && out.len() > 1 {
                out.push(' ');
            }
            in_word = true;
            out.push(c);
        } else {
            in_word = false;
            if c == '&' {
                if out.len() > 1 {
                    out.push(' ');
                }
                out.push('&');
            }
        }
    }
    out.push(' ');
    out
}

static PAYMENT: LazyLock<Vec<Phrase>> = LazyLock::new(|| PAYMENT_PHRASES.iter().map(|p| phrase(p)).collect());
static HANDOFF: LazyLock<Vec<Phrase>> = LazyLock::new(|| HANDOFF_PHRASES.iter().map(|p| phrase(p)).collect());
static PAYING: LazyLock<Vec<Phrase>> = LazyLock::new(|| PAYING_WORDS.iter().map(|p| phrase(p)).collect());

/// `off_platform_request`: the phrase of a message that asks to pay outside the platform
/// (with the paying word for a hand-off: `加微信 … 付款`), or `None`.
pub fn off_platform_request(text: Option<&Value>, extra: &[String]) -> Option<String> {
    let text = match text {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return None,
    };
    let start = crate::pystr::head(text, MAX_TEXT);
    let folded = casefold(&nfkc(start));
    let compact = compact(&folded);
    let words = words(&folded);
    let first = |phrases: &[Phrase]| -> Option<String> {
        phrases
            .iter()
            .find(|p| !strip(&p.sought).is_empty() && (if p.blind { &compact } else { &words }).contains(p.sought.as_str()))
            .map(|p| p.shown.clone())
    };
    let found = first(&PAYMENT).or_else(|| {
        if extra.is_empty() {
            None
        } else {
            first(&extra.iter().map(|p| phrase(p)).collect::<Vec<_>>())
        }
    });
    if found.is_some() {
        return found;
    }
    let handoff = first(&HANDOFF)?;
    let paying = first(&PAYING)?;
    Some(format!("{handoff} … {paying}"))
}

/// `off_platform_payment`: alert on a buyer's message asking to pay outside the platform,
/// once a day per shop (the state remembers the day it fired, `f`).
pub fn off_platform_payment(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.off_platform_payment;
    if !rule.enabled {
        return Vec::new();
    }
    let phrase = match off_platform_request(event.text.as_ref(), &rule.extra_phrases) {
        Some(p) => p,
        None => return Vec::new(),
    };
    let (buyer, seller) = (event.buyer(), event.seller_id.as_str());
    let day = t.div_euclid(DAY);
    if fire_levels(state, &format!("{}|{seller}", rule.id), day, MEDIUM, false, &[MEDIUM]).is_empty() {
        return Vec::new();
    }
    let order_id = event.order_id.clone();
    let about = match order_id.as_deref() {
        Some(o) if !o.is_empty() => format!(" about order {o}"),
        _ => String::new(),
    };
    vec![make_alert(AlertArgs {
        rule_id: &rule.id,
        rule_version: rule.version,
        subject: &format!("{buyer}|{seller}"),
        window: &day.to_string(),
        severity_rank: MEDIUM,
        buyer_ids: vec![buyer.to_string()],
        event,
        explanation: format!(
            "Buyer {buyer} asked to pay outside the platform at shop {seller}{about} \
             (\"{phrase}\"): refuse and keep the messages; a payment made off the \
             platform has none of its protection."
        ),
        recommended_actions: recommend("off_platform_payment", MEDIUM, false),
        evidence_event_ids: vec![event.event_id.clone()],
        observed: None,
        threshold: None,
        window_start: None,
        window_end: None,
        order_id,
        deadline_at: None,
    })]
}
