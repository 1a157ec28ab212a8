"""The ``orderguard`` command line: thin commands over library calls (contracts.md §3)."""

from __future__ import annotations

import click

from streams import CORE
from streams.commands import detection, lists, pipeline, store
from streams.commands.base import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="orderguard", message=f"%(prog)s %(version)s, core: {CORE}")
def main() -> None:
    """orderguard: catch malicious marketplace orders as they happen.

    Settings come from the environment: ORDERGUARD_KAFKA (localhost:9092),
    ORDERGUARD_DUCKDB (./orderguard.duckdb), ORDERGUARD_WEB_PORT (6066),
    ORDERGUARD_RULES (packaged defaults); ORDERGUARD_KAFKA_SECURITY_PROTOCOL and
    its companions for a cluster that wants TLS or a SASL user; ORDERGUARD_PURE=1
    runs the detection core from its Python source instead of the compiled
    modules. See README.md.
    """


for _command in (pipeline.worker, pipeline.produce, detection.replay, detection.backtest,
                 store.sql, store.report, store.compact, pipeline.alerts, pipeline.normalize,
                 detection.simulate, detection.evaluate, lists.block, pipeline.demo, pipeline.lag):
    main.add_command(_command)


if __name__ == "__main__":
    main()
