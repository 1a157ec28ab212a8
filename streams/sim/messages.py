"""Simulated buyer messages: asking to pay off the platform, and the everyday ones around it.

Which orders get a message, and which text, follows from their ids (``crc32``), not from the
simulation's random generator: adding messages changes no other event of a simulation.
"""

from __future__ import annotations

from zlib import crc32

# What buyers who mean to take the payment off the platform write (each asks it).
OFF_PLATFORM: tuple[str, ...] = (
    "亲，加我微信，微信转账给你，便宜点",
    "可以私下交易吗？不走平台",
    "线下 付款 可以吗，价格再低一点",
    "支付宝转账给你可以吗",
    "Can I pay you with Zelle instead?",
    "I will send the money via Western Union, please hold the goods",
    "add me on whatsapp, I pay you there cheaper",
    "PayPal friends and family ok? no fees for both of us",
    "Могу оплатить напрямую? Переведу на карту",
    "Posso pagar por fora da plataforma? Faço um PIX direto",
    "¿Te pago directamente por Bizum?",
)
# What other buyers write, some close to the above on purpose (none asks it).
EVERYDAY: tuple[str, ...] = (
    "什么时候发货？",
    "可以用支付宝付款吗？",
    "请加我微信发一下发票",
    "地址写错了，能改一下吗",
    "When will it ship?",
    "I paid with PayPal, please check",
    "Is bank transfer available?",
    "add me on whatsapp for the size chart",
    "Can I use WeChat payment at checkout?",
    "可以便宜点吗",
    "Quando vai chegar? Pagamento via PIX aprovado",
    "Когда отправите заказ? Оплата прошла",
    "¿Cuándo llega mi pedido?",
)
ASKERS = 3  # one non-payer in ASKERS asks to pay off the platform, on each of its orders
CHATTY = 6  # one order in CHATTY of the other buyers comes with an everyday message


def _pick(key: str, texts: tuple[str, ...]) -> str:
    return texts[crc32(key.encode()) // 7 % len(texts)]


def asks_off_platform(buyer_id: str) -> bool:
    """Whether a non-paying account asks to pay off the platform (fixed per account)."""
    return crc32(buyer_id.encode()) % ASKERS == 0


def message_for(archetype: str, malicious: bool, buyer_id: str, order_id: str) -> str | None:
    """The message a buyer sends about one of its orders, if any.

    Args:
        archetype: the buyer's archetype.
        malicious: whether the archetype is.
        buyer_id: the buyer account.
        order_id: the order.

    """
    if archetype == "nonpayer" and asks_off_platform(buyer_id):
        return _pick(order_id, OFF_PLATFORM)
    if not malicious and crc32(order_id.encode()) % CHATTY == 0:
        return _pick(order_id, EVERYDAY)
    return None
