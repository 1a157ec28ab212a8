"""streams.producer without a broker: a send the buffer could not take is tried again."""

import pytest
from kafka.errors import KafkaTimeoutError

from streams.producer import _Acks, _send


class Producer:
    """Refuses the first ``full`` sends as kafka-python does when its buffer stays full."""

    def __init__(self, full: int) -> None:
        self.full, self.sent, self.flushes = full, [], 0

    def send(self, topic, key, value, headers):
        if self.full:
            self.full -= 1
            raise KafkaTimeoutError("Failed to allocate memory within the configured max "
                                    "blocking time")
        self.sent.append((topic, key, value, headers))
        return object()

    def flush(self, timeout):
        self.flushes += 1


def test_a_send_the_full_buffer_refused_is_sent_once_the_answers_came():
    producer, acks = Producer(full=1), _Acks()
    acks.count = 3  # the three sent before have their answers: nothing to wait for
    _send(producer, "t", "k", b"{}", acks, 3, "localhost:1")
    assert producer.sent == [("t", "k", b"{}", [("content-type", b"application/json")])]


def test_a_second_refusal_in_a_row_is_not_tried_a_third_time():
    producer, acks = Producer(full=2), _Acks()
    with pytest.raises(KafkaTimeoutError):
        _send(producer, "t", "k", b"{}", acks, 0, "localhost:1")
    assert producer.sent == []
