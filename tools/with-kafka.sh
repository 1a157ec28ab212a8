#!/usr/bin/env bash
# Run a command with a Kafka broker: use the one that answers, else start the local one from
# Maven jars for the duration of the command and stop it afterwards (only what we started).
# With ORDERGUARD_KAFKA_SCRATCH=1 (make test), a broker started here keeps its topics in a
# temporary directory, removed afterwards: every run starts on an empty broker, as CI's.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bootstrap="${ORDERGUARD_KAFKA:-localhost:9092}"
started=0
scratch=""
stop() {
  if [ "$started" = 1 ]; then "$here/kafka/kafka.sh" down; fi
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM
if [ "$bootstrap" = "localhost:9092" ] || [ "$bootstrap" = "127.0.0.1:9092" ]; then
  if ! "$here/kafka/kafka.sh" status >/dev/null 2>&1; then
    if [ "${ORDERGUARD_KAFKA_SCRATCH:-0}" = 1 ]; then
      scratch="$(mktemp -d "${TMPDIR:-/tmp}/orderguard-kafka.XXXXXX")" || exit 1
      export KAFKA_DATA="$scratch"
    fi
    started=1
    "$here/kafka/kafka.sh" up || exit 1
  fi
fi
"$@"
