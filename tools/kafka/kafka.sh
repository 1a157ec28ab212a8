#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) from Maven Central jars, without Docker.
#
#   tools/kafka/kafka.sh up      start it unless a broker already answers on the port
#   tools/kafka/kafka.sh down    stop the broker this script started (and only that one)
#   tools/kafka/kafka.sh status  say whether a broker answers
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_SASL_PORT (KAFKA_PORT + 2: 9094), KAFKA_SASL_SSL_PORT (KAFKA_PORT + 3: 9095),
# KAFKA_SSL_PORT (KAFKA_PORT + 4: 9096), KAFKA_MTLS_PORT (KAFKA_PORT + 5: 9097),
# KAFKA_HOME (.kafka in the repository: jars, data, logs, pid), KAFKA_DATA (the topics' data;
# $KAFKA_HOME/data), KAFKA_START_TIMEOUT (120 s).
#
# Besides plain PLAINTEXT on KAFKA_PORT, the broker listens with SASL (PLAIN, SCRAM-SHA-256,
# SCRAM-SHA-512) on KAFKA_SASL_PORT, with SASL over TLS on KAFKA_SASL_SSL_PORT, with TLS
# alone on KAFKA_SSL_PORT, and with TLS that wants a client certificate on KAFKA_MTLS_PORT
# (tls/client.pem and client.key; only when openssl is there to make them), for
# trying and testing orderguard's ORDERGUARD_KAFKA_SECURITY_PROTOCOL settings. These are
# a local test broker's: the PLAIN user is orderguard / orderguard-secret (SCRAM users are
# added through the admin API), and the TLS certificate is self-signed, made once by
# keytool into $KAFKA_HOME/tls (ca.pem is the file to trust). All listen on 127.0.0.1 only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-9093}"
sport="${KAFKA_SASL_PORT:-$((port + 2))}"
ssport="${KAFKA_SASL_SSL_PORT:-$((port + 3))}"
tport="${KAFKA_SSL_PORT:-$((port + 4))}"
mport="${KAFKA_MTLS_PORT:-$((port + 5))}"
home="${KAFKA_HOME:-$root/.kafka}"
data="${KAFKA_DATA:-$home/data}"
timeout="${KAFKA_START_TIMEOUT:-120}"
libs="$home/libs"
pidfile="$home/kafka.pid"
log="$home/kafka.log"
tls="$home/tls"
tls_pass="orderguard-local-tls"

answers() {  # true when something accepts TCP connections on the broker port
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

fetch_jars() {
  if [ -f "$libs/.complete" ]; then return; fi
  echo "kafka: resolving Apache Kafka jars from Maven Central into $libs (once)"
  rm -rf "$libs"; mkdir -p "$libs"
  mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.complete"
}

make_tls() {  # self-signed certificates for localhost and for a client, once
  local made=(ca.pem broker.p12)
  if command -v openssl >/dev/null; then made+=(client.pem client.key clients.p12); fi
  local name missing=0
  for name in "${made[@]}"; do [ -f "$tls/$name" ] || missing=1; done
  if [ "$missing" = 0 ]; then return; fi
  command -v keytool >/dev/null || { echo "kafka: keytool (from the JDK) is required" >&2; exit 1; }
  rm -rf "$tls"; mkdir -p "$tls"
  keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 3650 \
    -dname "CN=localhost" -ext "SAN=dns:localhost,ip:127.0.0.1" \
    -keystore "$tls/broker.p12" -storetype PKCS12 -storepass "$tls_pass" >/dev/null 2>&1
  keytool -exportcert -rfc -alias broker -keystore "$tls/broker.p12" -storetype PKCS12 \
    -storepass "$tls_pass" -file "$tls/ca.pem" >/dev/null 2>&1
  if command -v openssl >/dev/null; then  # a client's certificate, trusted by the MTLS listener
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/client.key" -out "$tls/client.pem" \
      -subj "/CN=orderguard-client" -days 3650 >/dev/null 2>&1
    keytool -importcert -noprompt -alias client -file "$tls/client.pem" \
      -keystore "$tls/clients.p12" -storetype PKCS12 -storepass "$tls_pass" >/dev/null 2>&1
  fi
}

write_config() {
  mkdir -p "$data"
  local plain='org.apache.kafka.common.security.plain.PlainLoginModule required user_orderguard="orderguard-secret";'
  local scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  local mtls="" mtls_map="" mtls_ad=""
  if [ -f "$tls/clients.p12" ]; then
    mtls=",MTLS://127.0.0.1:$mport"; mtls_ad=",MTLS://localhost:$mport"; mtls_map=",MTLS:SSL"
  fi
  cat > "$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport,SASL_PLAINTEXT://127.0.0.1:$sport,SASL_SSL://127.0.0.1:$ssport,SSL://127.0.0.1:$tport$mtls
advertised.listeners=PLAINTEXT://localhost:$port,SASL_PLAINTEXT://localhost:$sport,SASL_SSL://localhost:$ssport,SSL://localhost:$tport$mtls_ad
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL$mtls_map
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=$plain
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram
listener.name.sasl_ssl.plain.sasl.jaas.config=$plain
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$scram
ssl.keystore.location=$tls/broker.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$tls_pass
ssl.key.password=$tls_pass
listener.name.mtls.ssl.client.auth=required
listener.name.mtls.ssl.truststore.location=$tls/clients.p12
listener.name.mtls.ssl.truststore.type=PKCS12
listener.name.mtls.ssl.truststore.password=$tls_pass
log.dirs=$data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=168
PROPS
  cat > "$home/log4j2.properties" <<LOG
status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = $log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
LOG
}

java_run() {
  java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
       -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$libs/*" "$@"
}

up() {
  if answers; then echo "kafka: a broker already answers on localhost:$port; leaving it alone"; return; fi
  command -v java >/dev/null || { echo "kafka: java 17+ is required" >&2; exit 1; }
  fetch_jars
  make_tls
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    java_run kafka.tools.StorageTool format --standalone -t "$(java_run kafka.tools.StorageTool random-uuid)" \
      -c "$home/server.properties" --ignore-formatted >/dev/null
  fi
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
       -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$libs/*" \
       kafka.Kafka "$home/server.properties" >"$home/kafka.stdout" 2>&1 &
  echo $! > "$pidfile"
  echo "kafka: starting (pid $(cat "$pidfile"), log $log)"
  local waited=0
  until answers; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "kafka: the broker exited during start-up; last lines of its logs:" >&2
      tail -n 30 "$home/kafka.stdout" "$log" >&2 || true
      rm -f "$pidfile"; exit 1
    fi
    if [ "$waited" -ge "$timeout" ]; then echo "kafka: no answer on port $port after ${timeout}s" >&2; exit 1; fi
    sleep 1; waited=$((waited + 1))
  done
  # The port opens before the broker has registered with its controller; wait for that too.
  until grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$log" 2>/dev/null; do
    if [ "$waited" -ge "$timeout" ]; then echo "kafka: broker did not finish starting in ${timeout}s" >&2; exit 1; fi
    sleep 1; waited=$((waited + 1))
  done
  local mtls_note=""
  if [ -f "$tls/clients.p12" ]; then mtls_note=", client certificate $mport"; fi
  echo "kafka: ready on localhost:$port after ~${waited}s (also SASL $sport, SASL_SSL $ssport," \
       "SSL $tport$mtls_note; trust $tls/ca.pem)"
}

down() {
  if [ ! -f "$pidfile" ]; then echo "kafka: nothing started by this script"; return; fi
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    echo "kafka: stopped (pid $pid)"
  else
    echo "kafka: pid $pid was not running"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if answers; then echo "kafka: answering on localhost:$port"; else echo "kafka: not answering"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
