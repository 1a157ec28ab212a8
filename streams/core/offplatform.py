"""``off_platform_payment``: a buyer's message asking to pay outside the platform.

The sellers' playbooks: when a buyer asks for an offline deal or an unofficial way to pay,
refuse at once (若遇到买家要求线下交易或提供非官方支付方式,应果断拒绝). A payment made outside
the platform has none of its protection, and the usual scams (a forged transfer receipt, a
reversed peer-to-peer payment) start with that message.

Two kinds of phrase match, both after NFKC (full-width forms) and casefolding:

- a phrase that asks to pay off the platform by itself (``私下交易``, ``微信转账``,
  ``western union``, ``friends and family``);
- a phrase that takes the talk elsewhere (``加微信``, ``whatsapp``), together with a word
  about paying in the same message: "add my WeChat" alone is often about an invoice.

Chinese phrases match whatever spacing the message has; the others (English, and the
Russian, Portuguese, Spanish and French of AliExpress's largest markets) match whole words,
so ``zelle`` is not found in ``gazelle``. Ways of paying that shops do offer on their own
checkout are left out (bank transfer on WooCommerce, PIX on AliExpress Brazil, WeChat Pay on
Shopify); a shop adds its own phrases with ``extra_phrases``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from streams.core.alerts import make_alert
from streams.core.bursts import MEDIUM, fire_levels
from streams.core.fields import DAY
from streams.core.layout import State
from streams.core.linking_normalize import is_cjk
from streams.core.lists import ListBook
from streams.core.playbook import recommend
from streams.core.rules import RuleSet

Alert = dict[str, Any]

# Asking to pay off the platform, by themselves.
PAYMENT_PHRASES: tuple[str, ...] = (
    "私下交易", "线下交易", "线下付款", "线下支付", "线下转账", "不走平台", "不通过平台",
    "绕过平台", "平台外交易", "平台外付款", "站外交易", "站外付款", "微信转账", "微信付款",
    "微信付给你", "微信支付给你", "微信红包", "支付宝转账", "转账到支付宝", "转到你支付宝",
    "转你支付宝", "银行卡转账", "转账给你", "打款给你", "直接转账", "直接打款", "私下转账",
    "outside the platform", "outside of the platform", "off the platform", "off platform",
    "pay outside", "pay you directly", "pay you outside", "send you the money directly",
    "friends and family", "friends & family", "western union", "moneygram", "zelle",
    "venmo", "cash app", "cashapp", "bitcoin", "usdt",
    # AliExpress's largest markets: Russian, Portuguese (Brazil), Spanish, French
    "оплата напрямую", "оплачу напрямую", "заплачу напрямую", "переведу на карту",
    "перевод на карту", "перевести на карту", "вне площадки", "в обход площадки",
    "pagar por fora", "pago por fora", "fora da plataforma", "pix direto",
    "depósito na conta", "transferência direta",
    "pagar por fuera", "fuera de la plataforma", "te pago directamente", "transferencia directa",
    "bizum",
    "hors plateforme", "en dehors de la plateforme", "je vous paie directement",
    "virement direct",
)  # fmt: skip
# Taking the talk elsewhere: counted only with a word about paying in the same message.
HANDOFF_PHRASES: tuple[str, ...] = (
    "加微信", "加我微信", "加v", "加vx", "加wx", "加qq", "加我qq", "微信号", "私聊",
    "whatsapp", "telegram", "add me on", "add my wechat", "wechat id",
    "телеграм", "вотсап", "ватсап", "me chama no", "escríbeme al",
)  # fmt: skip
PAYING_WORDS: tuple[str, ...] = (
    "付款", "付钱", "支付", "转账", "打款", "汇款", "红包", "收款",
    "pay", "paying", "payment", "money", "transfer", "cash",
    "оплата", "оплачу", "заплачу", "деньги", "pagar", "pago", "pagamento", "dinheiro",
    "pagaré", "dinero", "payer", "paiement", "argent",
)  # fmt: skip

# Only the start of a message is read: chat messages are short, and a bounded cost per event
# keeps a flood of huge ones from stalling the buyers stage (the adapters keep 2,000).
MAX_TEXT = 4_000
_WORDS = re.compile(r"[^\W_]+|&")
_SPACE = re.compile(r"\s+")

# (the phrase as written, whether it is matched spacing-blind, what is looked for)
Phrase = tuple[str, bool, str]


def _phrase(text: str) -> Phrase:
    folded = unicodedata.normalize("NFKC", text).casefold()
    if any(is_cjk(c) for c in folded):  # written without spaces
        return text, True, _SPACE.sub("", folded)
    return text, False, f" {' '.join(_WORDS.findall(folded))} "


_PAYMENT = tuple(_phrase(p) for p in PAYMENT_PHRASES)
_HANDOFF = tuple(_phrase(p) for p in HANDOFF_PHRASES)
_PAYING = tuple(_phrase(p) for p in PAYING_WORDS)


def off_platform_request(text: Any, extra: tuple[str, ...] = ()) -> str | None:
    """The phrase of a message that asks to pay outside the platform, or None.

    Args:
        text: the message (``buyer.message``'s ``text``); its first ``MAX_TEXT``
            characters are read.
        extra: more phrases that ask it by themselves (the rule's ``extra_phrases``).

    Returns:
        The phrase found (with the paying word for a hand-off: ``加微信 … 付款``).

    """
    if not isinstance(text, str) or not text:
        return None
    folded = unicodedata.normalize("NFKC", text[:MAX_TEXT]).casefold()
    compact = _SPACE.sub("", folded)
    words = f" {' '.join(_WORDS.findall(folded))} "

    def first(phrases: tuple[Phrase, ...]) -> str | None:
        for shown, blind, sought in phrases:
            if sought.strip() and sought in (compact if blind else words):
                return shown
        return None

    found = first(_PAYMENT) or (first(tuple(_phrase(p) for p in extra)) if extra else None)
    if found is not None:
        return found
    handoff = first(_HANDOFF)
    paying = first(_PAYING) if handoff is not None else None
    return f"{handoff} … {paying}" if paying is not None else None


def off_platform_payment(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert on a buyer's message asking to pay outside the platform: once a day per shop.

    The buyer state remembers the day it fired (``f``), so a redelivered message, or the
    next message of the same conversation, raises nothing new that day.
    """
    rule = rules.off_platform_payment
    if not rule.enabled:
        return []
    phrase = off_platform_request(event.get("text"), rule.extra_phrases)
    if phrase is None:
        return []
    buyer, seller = event["buyer_id"], event["seller_id"]
    day = t // DAY
    if not fire_levels(state, f"{rule.id}|{seller}", day, MEDIUM, ladder=(MEDIUM,)):
        return []
    order_id = event.get("order_id")
    about = f" about order {order_id}" if order_id else ""
    return [
        make_alert(
            rule_id=rule.id,
            rule_version=rule.version,
            subject=f"{buyer}|{seller}",
            window=str(day),
            severity_rank=MEDIUM,
            buyer_ids=[buyer],
            event=event,
            explanation=(
                f'Buyer {buyer} asked to pay outside the platform at shop {seller}{about} '
                f'("{phrase}"): refuse and keep the messages; a payment made off the '
                f"platform has none of its protection."
            ),
            recommended_actions=recommend("off_platform_payment", MEDIUM),
            evidence_event_ids=[event["event_id"]],
            order_id=order_id,
        )
    ]
