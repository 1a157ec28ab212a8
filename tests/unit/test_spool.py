"""The spool of deliveries kept on disk while Kafka is unreachable."""

import threading

from streams import spool as spool_module
from streams.spool import OPEN, Spool, records


def test_deliveries_come_back_in_order_from_the_sealed_files_and_go_once_done(tmp_path):
    spool = Spool(tmp_path / "spool", 1 << 20)
    assert spool.empty() and spool.seal() == []  # nothing made until the first append
    assert not (tmp_path / "spool").exists()
    for n in range(3):
        assert spool.append(b'{"n": %d}' % n)
    [first] = spool.seal()
    assert spool.append(b'{"n": 3}')  # after the seal: a new open file
    files = spool.seal()
    assert files[0] == first and len(files) == 2
    assert [line for path in files for line in records(path)] == [
        b'{"n": 0}', b'{"n": 1}', b'{"n": 2}', b'{"n": 3}']
    for path in files:
        spool.done(path)
    assert spool.empty() and spool.seal() == []


def test_a_line_cut_short_by_a_crash_is_left_out(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    spool.append(b'{"n": 1}')
    with open(tmp_path / OPEN, "ab") as f:
        f.write(b'{"n": 2, "ev')  # the write a crash interrupted: never answered 202
    [path] = spool.seal()
    assert list(records(path)) == [b'{"n": 1}']


def test_a_full_spool_refuses_a_delivery_and_takes_one_again_once_drained(tmp_path):
    spool = Spool(tmp_path, 20)
    assert spool.append(b"x" * 9)  # 10 bytes with its newline
    assert spool.append(b"y" * 9)
    assert not spool.append(b"z")
    assert spool.size() == 20
    for path in spool.seal():
        spool.done(path)
    assert spool.append(b"z")


def test_the_open_file_is_sealed_once_it_reaches_a_segment(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 25)
    spool = Spool(tmp_path, 1 << 20)
    for n in range(5):
        spool.append(b"delivery %d" % n)  # 11 bytes each
    sealed = sorted(tmp_path.glob("sealed-*.jsonl"))
    assert [len(list(records(p))) for p in sealed] == [3]  # the 4th append sealed 3
    assert len(list(records(tmp_path / OPEN))) == 2


def test_a_new_spool_on_the_same_folder_finds_what_an_earlier_worker_left(tmp_path):
    Spool(tmp_path, 1 << 20).append(b'{"left": true}')
    again = Spool(tmp_path, 1 << 20)
    assert not again.empty()
    assert [line for p in again.seal() for line in records(p)] == [b'{"left": true}']


def test_appends_from_many_threads_all_land_whole(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    threads = [threading.Thread(target=lambda n=n: [spool.append(b"%d-%d" % (n, k))
                                                    for k in range(50)]) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = [line for p in spool.seal() for line in records(p)]
    assert sorted(lines) == sorted(b"%d-%d" % (n, k) for n in range(8) for k in range(50))
