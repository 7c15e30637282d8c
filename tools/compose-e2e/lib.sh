# shellcheck shell=bash
# Helpers of tools/compose-e2e/run and tools/compose-e2e/down (sourced).
# Expects HERE (this directory) and ROOT (the repository).

PROJECT="${K8TS_COMPOSE_PROJECT:-k8ts-e2e}"
WORK="$ROOT/tmp/compose-e2e"
IMAGE="${K8TS_E2E_IMAGE:-localhost/k8ts:e2e}"
BASE_IMAGE="${K8TS_BASE_IMAGE:-localhost/k8ts-base:bookworm-node20}"
# Every service of docker-compose.yml except jaeger (its image cannot be pulled here).
SERVICES=(netns nats apiserver scheduler endpoints-controller controller-manager dns kube-proxy kubelet-node-1 kubelet-node-2)
NODE_PORT=30007 # inside the published slice 30000-30010
KUBECONFIG="$WORK/kubeconfig"
KUBECTL="$WORK/kubectl/kubectl"

# podman: runc + explicit ulimits (containers.conf), a private API socket for
# docker-compose, nothing changed in the host's podman configuration.
export CONTAINERS_CONF="$HERE/containers.conf"
export DOCKER_HOST="unix://$WORK/podman.sock"
export COMPOSE_PROJECT_NAME="$PROJECT"
export COMPOSE_HTTP_TIMEOUT=300
mkdir -p "$WORK"

T_START=$SECONDS
CURRENT_PHASE=""
PHASE_START=$SECONDS
TIMINGS=()

log() { printf '%s compose-e2e | %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() {
  FAILED_STEP="${CURRENT_PHASE}: $*"
  log "FAILED: $*"
  exit 1
}

phase() {
  phase_end
  CURRENT_PHASE="$1"
  PHASE_START=$SECONDS
  log "== $1"
}
phase_end() {
  [[ -n $CURRENT_PHASE ]] && TIMINGS+=("$(printf '%-40s %5ss' "$CURRENT_PHASE" $((SECONDS - PHASE_START)))")
  CURRENT_PHASE=""
}

print_summary() {
  echo
  echo "---------------- compose-e2e timings ----------------"
  for t in "${TIMINGS[@]}"; do echo "  $t"; done
  printf '  %-40s %5ss\n' "total (wall)" $((SECONDS - T_START))
  echo "  skipped: jaeger (image cannot be pulled: no registry reachable here)"
  if [[ $RESULT == PASS ]]; then
    echo "compose-e2e: PASS"
  else
    echo "compose-e2e: FAIL (${FAILED_STEP:-unknown step}); logs in $WORK/logs"
  fi
}

# Polls "$@" until it succeeds or the deadline (seconds) passes.
wait_for() {
  local deadline=$((SECONDS + $1)) what="$2"
  shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out waiting for: $what"
    sleep 1
  done
  log "ok: $what ($((SECONDS - t0))s)"
}

apt_install() {
  [[ $(id -u) == 0 ]] || fail "missing $* and not root: apt-get install -y $*"
  log "apt-get install $*"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >"$WORK/apt.log" 2>&1 ||
    { tail -20 "$WORK/apt.log" >&2; fail "apt-get install $* failed"; }
}

ensure_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v catatonit >/dev/null || [[ -x /usr/libexec/podman/catatonit ]] || missing+=(catatonit)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  [[ $(id -u) == 0 ]] || fail "run as root (rootful podman; loopback-published ports)"
  log "$(podman --version), $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), $(runc --version | head -1)"
}

# The build context: a clean export of HEAD (default) or the working tree.
export_context() {
  local ctx="$WORK/context"
  rm -rf "$ctx" && mkdir -p "$ctx"
  if [[ $1 == 1 ]]; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r tar --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$ctx"
    log "context: working tree of $ROOT"
  else
    git -C "$ROOT" archive --format=tar HEAD | tar -xf - -C "$ctx"
    log "context: HEAD $(git -C "$ROOT" log -1 --format='%h %s' | cut -c1-90)"
  fi
}

build_image() {
  local t0=$SECONDS
  log "podman build $IMAGE (FROM $BASE_IMAGE; log in $WORK/build.log)"
  podman build --jobs 2 --layers --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" "$WORK/context" >"$WORK/build.log" 2>&1 ||
    { tail -40 "$WORK/build.log" >&2; fail "image build failed"; }
  log "built $IMAGE in $((SECONDS - t0))s ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'); $(grep -c 'Using cache' "$WORK/build.log" || true) cached steps)"
}

start_podman_service() {
  stop_podman_service
  rm -f "$WORK/podman.sock"
  podman system service --time=0 "unix://$WORK/podman.sock" >"$WORK/podman-service.log" 2>&1 &
  echo $! >"$WORK/podman-service.pid"
  wait_for 30 "podman API socket" curl -fsS --unix-socket "$WORK/podman.sock" http://d/_ping
}
stop_podman_service() {
  local pid
  pid="$(cat "$WORK/podman-service.pid" 2>/dev/null || true)"
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$WORK/podman-service.pid"
}

# podman runs healthchecks from systemd timers; there is no systemd here, so
# this loop plays that part: `podman healthcheck run` on the project's
# containers, which is what compose's service_healthy conditions and
# `podman ps` read. Containers not yet healthy are checked every round (in
# parallel: one check costs seconds on a loaded machine), healthy ones every
# fifth round, so a service that goes bad still turns unhealthy.
start_health_pump() {
  stop_health_pump
  (
    trap 'exit 0' TERM
    round=0
    while :; do
      round=$((round + 1))
      while IFS='|' read -r name status; do
        [[ -z $name ]] && continue
        [[ $status == *"(healthy)"* ]] && ((round % 5 != 0)) && continue
        timeout 20 podman healthcheck run "$name" >/dev/null 2>&1 &
      done < <(podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}|{{.Status}}' 2>/dev/null)
      wait
      sleep 2
    done
  ) &
  echo $! >"$WORK/health-pump.pid"
}
stop_health_pump() {
  local pid
  pid="$(cat "$WORK/health-pump.pid" 2>/dev/null || true)"
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$WORK/health-pump.pid"
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# Host side of the published ports. Not the defaults (6443, 30000-30010):
# `npm start` and test stacks on this machine use those; free ones from
# $1 (a base, e.g. 36000) upward.
choose_host_ports() {
  local base="${1:-36000}" p ok
  API_PORT=$((base + 443))
  while ! port_free "$API_PORT"; do API_PORT=$((API_PORT + 1)); done
  NODEPORT_BASE=$base
  while :; do
    ok=1
    for p in $(seq "$NODEPORT_BASE" $((NODEPORT_BASE + 10))); do port_free "$p" || { ok=0; break; }; done
    ((ok)) && break
    NODEPORT_BASE=$((NODEPORT_BASE + 20))
  done
  NODEPORT_HOST=$((NODEPORT_BASE + NODE_PORT - 30000))
  JAEGER_PORT=$((base + 686))
  while ! port_free "$JAEGER_PORT"; do JAEGER_PORT=$((JAEGER_PORT + 1)); done
  export K8TS_IMAGE="$IMAGE" BASE_IMAGE OTEL_TRACES_EXPORTER=none
  export K8TS_API_PUBLISH="127.0.0.1:$API_PORT"
  export K8TS_NODEPORT_PUBLISH="127.0.0.1:$NODEPORT_BASE-$((NODEPORT_BASE + 10))"
  export K8TS_JAEGER_PUBLISH="127.0.0.1:$JAEGER_PORT"
  log "published: kube API on $K8TS_API_PUBLISH, NodePorts 30000-30010 on $K8TS_NODEPORT_PUBLISH"
}

# compose up; a host port taken between the choice and the bind (other
# stacks come and go on this machine) gets new ports and another try.
compose_up() {
  local attempt base=36000
  for attempt in 1 2 3; do
    choose_host_ports "$base"
    if compose up -d --no-build "$@" >"$WORK/compose-up.log" 2>&1; then return 0; fi
    grep -q 'address already in use' "$WORK/compose-up.log" || break
    log "a published port was taken meanwhile; new ports (attempt $((attempt + 1)))"
    compose down -v -t 5 >/dev/null 2>&1 || true
    podman rm -f -t 0 --depend $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT") >/dev/null 2>&1 || true
    base=$((base + 1000))
  done
  tail -40 "$WORK/compose-up.log" >&2
  fail "docker-compose up failed"
}

compose() { docker-compose -p "$PROJECT" -f "$WORK/context/docker-compose.yml" --project-directory "$WORK/context" "$@"; }
container() { echo "${PROJECT}_$1_1"; }

wait_all_healthy() {
  local deadline=$((SECONDS + $1)) s st pending
  while :; do
    pending=()
    for s in "${SERVICES[@]}"; do
      st="$(podman inspect --format '{{.State.Status}}/{{.State.Health.Status}}' "$(container "$s")" 2>/dev/null || echo missing)"
      [[ $st == running/healthy ]] || pending+=("$s=$st")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then fail "not healthy after $1s: ${pending[*]}"; fi
    sleep 2
  done
  log "all ${#SERVICES[@]} services healthy:"
  podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '    {{.Names}}  {{.Status}}' | sort
}

collect_logs() {
  mkdir -p "$WORK/logs"
  local c
  for c in $(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}' 2>/dev/null); do
    podman logs "$c" >"$WORK/logs/$c.log" 2>&1 || true
    echo "---- last lines of $c ($(podman inspect --format '{{.State.Status}}/{{.State.Health.Status}}' "$c" 2>/dev/null))"
    tail -8 "$WORK/logs/$c.log" | cut -c1-300
    podman inspect --format '{{json .State.Health}}' "$c" >"$WORK/logs/$c.health.json" 2>&1 || true
    [[ $(cat "$WORK/logs/$c.health.json") == *'"healthy"'* ]] || { echo "  health: $(cut -c1-600 "$WORK/logs/$c.health.json")"; }
  done
}

teardown() {
  local ids
  ids="$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null | tr '\n' ' ')"
  if [[ -S $WORK/podman.sock ]] && [[ -f $WORK/context/docker-compose.yml ]]; then
    # Stops in reverse dependency order (kubelets and their pods before the
    # apiserver, nats and the namespace holder), then removes.
    timeout 180 docker-compose -p "$PROJECT" -f "$WORK/context/docker-compose.yml" --project-directory "$WORK/context" down -v --remove-orphans -t 20 >"$WORK/compose-down.log" 2>&1 || true
  fi
  stop_health_pump
  # What compose could not remove (podman refuses to remove the namespace
  # holder before its joiners when compose removes in parallel).
  local left
  left="$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" | tr '\n' ' ')"
  [[ -n ${left// /} ]] && podman rm -f -t 5 --depend $left >/dev/null 2>&1
  local n v
  for n in $(podman network ls -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null) $(podman network ls --format '{{.Name}}' | grep -x "${PROJECT}_default" || true); do
    podman network rm -f "$n" >/dev/null 2>&1 || true
  done
  for v in $(podman volume ls -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null); do
    podman volume rm -f "$v" >/dev/null 2>&1 || true
  done
  stop_podman_service
  # Check: nothing of the project left (containers, conmon monitors, network, volumes).
  left="$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" | wc -l)"
  local monitors=0 id
  for id in $ids; do
    pgrep -f "conmon .*$id" >/dev/null && monitors=$((monitors + 1))
  done
  local nets vols
  nets="$(podman network ls --format '{{.Name}}' | grep -c "^${PROJECT}_" || true)"
  vols="$(podman volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | wc -l)"
  if ((left + monitors + nets + vols > 0)); then
    log "teardown left: $left container(s), $monitors conmon(s), $nets network(s), $vols volume(s)"
    return 1
  fi
  log "torn down: no containers, conmon processes, networks or volumes of $PROJECT left"
}
