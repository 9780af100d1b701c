#!/usr/bin/env bash
# End to end against a real API server: etcd + kube-apiserver on 127.0.0.1, `tollgate serve` registered as a
# ValidatingWebhookConfiguration through the REST API (no kubectl), then one Pod that asks for a GPU class the
# namespace's environment forbids (expect 403 with Tollgate's message) and one that is allowed (expect 201).
#
# Needs: Go (builds kube-apiserver once from test/e2e/apiserver into .tools/bin), etcd (Debian etcd-server),
# openssl, curl, node, and a built dist/ (npm run build).
# When a prerequisite is missing or kube-apiserver cannot be built, it prints "E2E SKIPPED: <why>" and exits 0,
# unless TOLLGATE_E2E_REQUIRED=1 (then it exits 1). A failed assertion always exits 1.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools/bin"
K8S_VERSION="v1.35.4"   # keep in step with test/e2e/apiserver/go.mod
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-e2e.XXXXXX")"
PIDS=()

log() { printf 'e2e: %s\n' "$*" >&2; }
skip() {
  printf '\n==========================================================\n' >&2
  printf 'E2E SKIPPED: %s\n' "$*" >&2
  printf '==========================================================\n\n' >&2
  [[ "${TOLLGATE_E2E_REQUIRED:-0}" == 1 ]] && exit 1
  exit 0
}
fail() {
  log "FAILED: $*"
  for f in etcd.log apiserver.log tollgate.log; do
    [[ -f "$WORK/$f" ]] && { log "--- last lines of $f"; tail -n 25 "$WORK/$f" >&2; }
  done
  exit 1
}
cleanup() {
  local pid i
  # Stop in reverse start order (tollgate, kube-apiserver, etcd): the API server drains against a live etcd.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done
  # kube-apiserver's graceful shutdown can outlast a test run; give everything 15 s, then stop it hard.
  for i in $(seq 30); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ "${KEEP_E2E_WORK:-0}" == 1 ]] && log "work directory kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# ── prerequisites ─────────────────────────────────────────────────────────────────────────────────────
for tool in openssl curl node; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
ETCD="$(command -v etcd || true)"
[[ -n "$ETCD" ]] || skip "etcd is not installed (Debian: apt-get install -y etcd-server; .ci/run does this as root)"
[[ -f "$ROOT/dist/cli/main.js" ]] || skip "dist/ is missing; run npm run build first"

if [[ ! -x "$TOOLS/kube-apiserver" ]]; then
  command -v go >/dev/null || skip "go is not installed, so kube-apiserver cannot be built"
  need="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$ROOT/test/e2e/apiserver/go.mod")"
  have="$(go env GOVERSION | sed 's/^go//')"
  if [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]]; then
    skip "kube-apiserver $K8S_VERSION needs Go >= $need, this machine has Go $have (GOTOOLCHAIN=auto would fetch it)"
  fi
  log "building kube-apiserver $K8S_VERSION from the Go module proxy (first run only; the build cache is reused)"
  mkdir -p "$TOOLS"
  if ! (cd "$ROOT/test/e2e/apiserver" && go build -o "$TOOLS/kube-apiserver" \
        -ldflags "-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35" \
        k8s.io/kubernetes/cmd/kube-apiserver) > "$WORK/build.log" 2>&1; then
    tail -n 20 "$WORK/build.log" >&2
    skip "go build of kube-apiserver $K8S_VERSION failed (output above; a proxy outage or a Go/Kubernetes version mismatch)"
  fi
fi

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # wait_for <seconds> <what> <command...>
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || fail "$what did not come up within the time limit"
    sleep 0.5
  done
}

# ── certificates and credentials ─────────────────────────────────────────────────────────────────────
cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=tollgate-e2e-ca" 2>/dev/null
issue() { # issue <name> <subjectAltName>
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 1 -extfile "$1.ext" 2>/dev/null
}
issue apiserver "IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes.default.svc"
issue webhook "IP:127.0.0.1,DNS:localhost"
openssl genrsa -out sa.key 2048 2>/dev/null
TOKEN="$(openssl rand -hex 24)"
printf '%s,admin,admin-uid,system:masters\n' "$TOKEN" > tokens.csv

ETCD_PORT="$(free_port)"; ETCD_PEER_PORT="$(free_port)"; API_PORT="$(free_port)"; HOOK_PORT="$(free_port)"; METRICS_PORT="$(free_port)"
API="https://127.0.0.1:$API_PORT"
api() { # api <method> <path> [json-file] → body in $WORK/out.json, HTTP status on stdout
  curl -sS --cacert ca.crt -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -o out.json -w '%{http_code}' -X "$1" "$API$2" ${3:+--data-binary "@$3"}
}

# ── etcd, kube-apiserver, tollgate ───────────────────────────────────────────────────────────────────
log "starting etcd ($("$ETCD" --version | head -n1)) on 127.0.0.1:$ETCD_PORT"
"$ETCD" --name e2e --data-dir "$WORK/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "e2e=http://127.0.0.1:$ETCD_PEER_PORT" > etcd.log 2>&1 &
PIDS+=($!)
wait_for 30 etcd curl -sf "http://127.0.0.1:$ETCD_PORT/health"

log "starting kube-apiserver ($("$TOOLS/kube-apiserver" --version)) on $API"
# ServiceAccount admission is off: no controller-manager runs to create the namespaces' default accounts.
"$TOOLS/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file apiserver.crt --tls-private-key-file apiserver.key --client-ca-file ca.crt \
  --token-auth-file tokens.csv --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file sa.key --service-account-signing-key-file sa.key \
  --service-cluster-ip-range 10.0.0.0/24 \
  --disable-admission-plugins ServiceAccount \
  > apiserver.log 2>&1 &
PIDS+=($!)
wait_for 90 kube-apiserver curl -sf --cacert ca.crt -H "Authorization: Bearer $TOKEN" "$API/readyz"

log "starting tollgate serve on 127.0.0.1:$HOOK_PORT"
node "$ROOT/bin/tollgate.js" serve --cert webhook.crt --key webhook.key --host 127.0.0.1 --port "$HOOK_PORT" \
  --metrics-host 127.0.0.1 --metrics-port "$METRICS_PORT" --allow-skip-namespace ml-sandbox \
  --config "$ROOT/fixtures/k8s/tollgate.yaml" > tollgate.log 2>&1 &
PIDS+=($!)
wait_for 30 "tollgate serve" curl -sf --cacert ca.crt "https://127.0.0.1:$HOOK_PORT/readyz"

# ── register the webhook, create the pods ────────────────────────────────────────────────────────────
CA_BUNDLE="$(base64 -w0 < ca.crt)"
cat > webhook.json <<JSON
{
  "apiVersion": "admissionregistration.k8s.io/v1",
  "kind": "ValidatingWebhookConfiguration",
  "metadata": {"name": "tollgate"},
  "webhooks": [{
    "name": "admission.tollgate.io",
    "admissionReviewVersions": ["v1"],
    "sideEffects": "None",
    "timeoutSeconds": 5,
    "failurePolicy": "Fail",
    "clientConfig": {"url": "https://127.0.0.1:$HOOK_PORT/validate", "caBundle": "$CA_BUNDLE"},
    "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["pods"]}],
    "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]},
                                               {"key": "tollgate.io/skip", "operator": "NotIn", "values": ["true"]}]}
  }]
}
JSON
printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ml-dev"}}' > namespace.json
[[ "$(api POST /api/v1/namespaces namespace.json)" == 201 ]] || fail "creating namespace ml-dev: $(cat out.json)"
[[ "$(api POST /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations webhook.json)" == 201 ]] \
  || fail "registering the webhook: $(cat out.json)"

pod() { # pod <name> <gke-accelerator> [labels JSON]
  cat <<JSON
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"$1","namespace":"ml-dev","labels":${3:-{\}}},
 "spec":{"nodeSelector":{"cloud.google.com/gke-accelerator":"$2"},
  "containers":[{"name":"train","image":"registry.example/train:1","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}
JSON
}
pod forbidden-a100 nvidia-tesla-a100 > forbidden.json
pod allowed-l4 nvidia-l4 > allowed.json
pod labelled-a100 nvidia-tesla-a100 '{"tollgate.io/skip":"true"}' > labelled.json

# The API server starts calling a new webhook once its informer has seen it; until then a create succeeds.
log "creating a Pod that asks for an A100 in namespace ml-dev (environment dev allows T4 and L4)"
deadline=$((SECONDS + 30))
while :; do
  status="$(api POST /api/v1/namespaces/ml-dev/pods forbidden.json)"
  [[ "$status" == 201 ]] || break
  api DELETE /api/v1/namespaces/ml-dev/pods/forbidden-a100 >/dev/null
  (( SECONDS < deadline )) || fail "the webhook never took effect: the forbidden Pod kept being admitted"
  sleep 1
done
[[ "$status" == 403 ]] || fail "expected 403 for the A100 Pod, got $status: $(cat out.json)"
grep -q 'Tollgate denied this request' out.json || fail "403 without Tollgate's message: $(cat out.json)"
grep -q 'TG-GPU-002' out.json || fail "403 does not name TG-GPU-002: $(cat out.json)"
log "denied as expected: $(node -e 'console.log(JSON.parse(require("fs").readFileSync("out.json","utf8")).message)')"

log "creating the same A100 Pod labelled tollgate.io/skip=true: an object label is no way around the rules"
status="$(api POST /api/v1/namespaces/ml-dev/pods labelled.json)"
[[ "$status" == 403 ]] || fail "expected 403 for the labelled A100 Pod, got $status: $(cat out.json)"
log "denied as expected (403)"

log "creating a Pod that asks for one L4 in namespace ml-dev"
status="$(api POST /api/v1/namespaces/ml-dev/pods allowed.json)"
[[ "$status" == 201 ]] || fail "expected 201 for the L4 Pod, got $status: $(cat out.json)"
log "admitted as expected (201)"

grep -q '"decision":"denied"' tollgate.log || fail "tollgate's decision log has no denied decision"
grep -q 'forbidden-a100' tollgate.log || fail "tollgate's decision log does not name the denied Pod"
source "$ROOT/test/e2e/audit.sh" # tollgate audit against the same API server
source "$ROOT/test/e2e/chart.sh"  # the rendered Helm chart, dry-run against this API server with strict fields
source "$ROOT/test/e2e/operations.sh" # the skip-label guard, the metrics port, the uninstall hook's account
log "PASSED: kube-apiserver $K8S_VERSION called tollgate serve; A100 Pod denied (403) with or without a skip label, L4 Pod admitted (201)"
