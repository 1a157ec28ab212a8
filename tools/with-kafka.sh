#!/usr/bin/env bash
# Run a command with a Kafka broker: use the one that answers, else start the local one from
# Maven jars for the duration of the command and stop it afterwards (only what we started).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bootstrap="${ORDERGUARD_KAFKA:-localhost:9092}"
started=0
if [ "$bootstrap" = "localhost:9092" ] || [ "$bootstrap" = "127.0.0.1:9092" ]; then
  if ! "$here/kafka/kafka.sh" status >/dev/null 2>&1; then
    "$here/kafka/kafka.sh" up || exit 1
    started=1
  fi
fi
stop() { if [ "$started" = 1 ]; then "$here/kafka/kafka.sh" down; fi; }
trap stop EXIT
trap 'exit 130' INT TERM
"$@"
