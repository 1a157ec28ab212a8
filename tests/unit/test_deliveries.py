"""The dedupe stage's key book: keys recorded only once their events are acked.

Each ack is a future the test settles itself, so every interleaving the stage can meet is
forced here, in order, without a broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from streams.agents.deliveries import KeyBook


def run(body: Coroutine[Any, Any, None]) -> None:
    asyncio.run(body)


async def _not_expected(exc: BaseException) -> None:
    """``failed`` for a delivery whose acks all come."""
    raise AssertionError(exc)


async def _turns(n: int = 3) -> None:
    """Let the loop run what is ready (the book's waiting tasks)."""
    for _ in range(n):
        await asyncio.sleep(0)


def test_keys_are_recorded_only_after_every_ack_and_count_as_seen_meanwhile() -> None:
    async def body() -> None:
        table: dict[str, int] = {}
        book = KeyBook(table)
        loop = asyncio.get_running_loop()
        first, second = loop.create_future(), loop.create_future()
        failures: list[BaseException] = []

        async def failed(exc: BaseException) -> None:
            failures.append(exc)

        await book.record_when_acked(["k1", "k2"], [first, second], 1700, failed)
        await _turns()
        assert table == {}  # nothing acked: a crash now must not leave the keys behind
        assert book.seen(["k2"]) and book.seen(["other", "k1"]) and not book.seen(["k3"])
        first.set_result(None)
        await _turns()
        assert table == {}  # one of two events acked is not the delivery
        second.set_result(None)
        await _turns()
        assert table == {"k1": 1700, "k2": 1700}
        assert book.in_flight == set() and len(book) == 0
        assert book.seen(["k1"]) and failures == []

    run(body())


def test_a_failed_ack_records_no_key_and_hands_the_delivery_over() -> None:
    async def body() -> None:
        table: dict[str, int] = {}
        book = KeyBook(table)
        ack = asyncio.get_running_loop().create_future()
        failures: list[BaseException] = []

        async def failed(exc: BaseException) -> None:
            failures.append(exc)

        await book.record_when_acked(["k"], [ack], 5, failed)
        ack.set_exception(TimeoutError("no ack"))
        await _turns()
        assert table == {} and [str(e) for e in failures] == ["no ack"]
        assert not book.seen(["k"])  # its redelivery will be published again

    run(body())


def test_a_dead_letter_that_fails_too_is_logged_not_lost_in_the_task(caplog) -> None:
    async def body() -> None:
        book = KeyBook({})
        ack = asyncio.get_running_loop().create_future()

        async def failed(exc: BaseException) -> None:
            raise ConnectionError("dead letters unreachable")

        await book.record_when_acked(["k"], [ack], 5, failed)
        ack.set_exception(TimeoutError("no ack"))
        await _turns()
        assert len(book) == 0 and not book.seen(["k"])

    run(body())
    logged = [r for r in caplog.records if "could not be dead-lettered" in r.getMessage()]
    assert len(logged) == 1 and "no ack" in logged[0].getMessage()
    assert "dead letters unreachable" in logged[0].exc_text


def test_a_delivery_without_events_is_recorded_at_once() -> None:
    async def body() -> None:
        table: dict[str, int] = {}
        book = KeyBook(table)

        await book.record_when_acked(["ping"], [], 9, _not_expected)
        await _turns()
        assert table == {"ping": 9}

    run(body())


def test_the_stage_waits_once_the_limit_of_deliveries_in_flight_is_reached() -> None:
    async def body() -> None:
        book = KeyBook({}, limit=2)
        loop = asyncio.get_running_loop()
        acks = [loop.create_future() for _ in range(2)]

        await book.record_when_acked(["a"], [acks[0]], 1, _not_expected)
        second = asyncio.ensure_future(book.record_when_acked(["b"], [acks[1]], 1, _not_expected))
        await _turns()
        assert not second.done() and len(book) == 2  # it fills the limit: the stage waits
        acks[1].set_result(None)  # any one done frees a place
        await _turns()
        assert second.done() and len(book) == 1
        acks[0].set_result(None)
        await _turns()
        assert len(book) == 0 and book.table == {"a": 1, "b": 1}

    run(body())


def test_drain_waits_for_the_acks_in_flight_and_says_how_many_did_not_come() -> None:
    async def body() -> None:
        table: dict[str, int] = {}
        book = KeyBook(table)
        loop = asyncio.get_running_loop()
        late, never = loop.create_future(), loop.create_future()

        await book.record_when_acked(["late"], [late], 3, _not_expected)
        await book.record_when_acked(["never"], [never], 3, _not_expected)
        loop.call_later(0.05, late.set_result, None)
        assert await book.drain(timeout_s=0.5) == 1
        assert table == {"late": 3}

    run(body())
