# Operating the webhook end to end, sourced by test/e2e/run.sh after chart.sh while kube-apiserver and
# `tollgate serve` are up (uses run.sh's api, log, fail, $WORK, $ROOT, $TOOLS, $API, $HOOK_PORT, $METRICS_PORT,
# $CA_BUNDLE; serve runs with --allow-skip-namespace ml-sandbox).
#  1. The skip-label guard: the chart's second webhook entry (from deploy/webhook.yaml, pointed at this serve) is
#     registered; a Namespace created or updated with tollgate.io/skip is refused (403) unless it is allowed.
#  2. The metrics port: plain HTTP, counting the requests the API server sent; the TLS port has no /metrics.
#  3. The pre-delete hook: its ServiceAccount and RBAC (rendered by helm) are created for real, and
#     `tollgate remove-webhook` with that account's token deletes the webhook configuration, and nothing else.

operations_e2e() {
  local status deadline i name
  field() { node -e 'let v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const k of process.argv[2].split("."))v=v?.[k];console.log(v??"")' "$1" "$2"; }

  # ── 1. the skip-label guard ──
  (cd "$ROOT" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { parseAllDocuments } from "yaml";
    const [url, caBundle] = process.argv.slice(1);
    const configuration = parseAllDocuments(readFileSync("deploy/webhook.yaml", "utf8")).map((d) => d.toJS()).find((o) => o?.kind === "ValidatingWebhookConfiguration");
    const guard = configuration.webhooks.find((w) => w.name === "skip-label.tollgate.io");
    if (!guard) throw new Error("deploy/webhook.yaml has no skip-label.tollgate.io entry");
    guard.clientConfig = { url, caBundle };
    console.log(JSON.stringify({ apiVersion: configuration.apiVersion, kind: configuration.kind, metadata: { name: "tollgate-skip-label" }, webhooks: [guard] }));
  ' "https://127.0.0.1:$HOOK_PORT/validate-skip-label" "$CA_BUNDLE") > skip-guard.json || fail "reading the skip-label entry of deploy/webhook.yaml failed"
  status="$(api POST /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations skip-guard.json)"
  [[ "$status" == 201 ]] || fail "registering the skip-label guard: $status $(cat out.json)"
  namespace() { # namespace <name> [labels JSON]
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s","labels":%s}}' "$1" "${2:-{\}}"
  }
  log "skip label: creating a namespace labelled tollgate.io/skip=true that is not allowed to carry it"
  # The API server calls a new webhook once its informer has seen it; a namespace cannot be deleted here (no
  # controller-manager), so each attempt takes a new name.
  deadline=$((SECONDS + 30)); i=0
  while :; do
    name="ml-skipped-$i"; namespace "$name" '{"tollgate.io/skip":"true"}' > skipped.json
    status="$(api POST /api/v1/namespaces skipped.json)"
    [[ "$status" == 201 ]] || break
    (( SECONDS < deadline )) || fail "the skip-label guard never took effect: labelled namespaces kept being created"
    i=$((i + 1)); sleep 1
  done
  [[ "$status" == 403 ]] || fail "expected 403 for the labelled namespace, got $status: $(cat out.json)"
  grep -q 'tollgate.io/skip' out.json || fail "the refusal does not name the label: $(cat out.json)"
  grep -q -- "--allow-skip-namespace $name" out.json || fail "the refusal does not say how an admin allows it: $(cat out.json)"
  log "refused as expected (403): $(field out.json message)"

  namespace ml-sandbox '{"tollgate.io/skip":"true"}' > sandbox.json
  status="$(api POST /api/v1/namespaces sandbox.json)"
  [[ "$status" == 201 ]] || fail "expected 201 for the allowed namespace ml-sandbox, got $status: $(cat out.json)"
  log "skip label: the allowed namespace ml-sandbox was created with it (201)"

  log "skip label: adding the label to the existing namespace ml-dev (UPDATE) is refused"
  [[ "$(api GET /api/v1/namespaces/ml-dev)" == 200 ]] || fail "reading namespace ml-dev: $(cat out.json)"
  node -e 'const fs=require("fs");const n=JSON.parse(fs.readFileSync("out.json","utf8"));n.metadata.labels={...n.metadata.labels,"tollgate.io/skip":"true"};fs.writeFileSync("ml-dev.json",JSON.stringify(n))'
  status="$(api PUT /api/v1/namespaces/ml-dev ml-dev.json)"
  [[ "$status" == 403 ]] || fail "expected 403 for labelling ml-dev, got $status: $(cat out.json)"
  grep -q '"reason":"label-not-allowed"' tollgate.log || fail "tollgate's log has no skip label refusal"

  # ── 2. the metrics port ──
  log "metrics: scraping http://127.0.0.1:$METRICS_PORT/metrics"
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" > metrics.txt || fail "the metrics port did not answer"
  for series in \
    'tollgate_admission_requests_total{kind="v1/Pod",namespace="ml-dev",operation="CREATE",allowed="false",dry_run="false",decision="denied"}' \
    'tollgate_admission_requests_total{kind="v1/Pod",namespace="ml-dev",operation="CREATE",allowed="true",dry_run="false",decision="allowed"}' \
    'tollgate_admission_rule_findings_total{rule="TG-GPU-002",action="deny"}'; do
    grep -qF "$series " metrics.txt || fail "the scrape has no $series: $(grep '^tollgate_admission' metrics.txt)"
  done
  grep -qE '^tollgate_admission_requests_total\{kind="v1/Namespace",namespace="[^"]*",operation="CREATE",allowed="false",dry_run="false",decision="denied"\} [1-9]' metrics.txt \
    || fail "the scrape does not count the refused namespace: $(grep '^tollgate_admission' metrics.txt)"
  grep -q '^nodejs_eventloop_lag_seconds ' metrics.txt || fail "the scrape has no event-loop lag"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.crt "https://127.0.0.1:$HOOK_PORT/metrics")" == 404 ]] \
    || fail "the TLS admission port still serves /metrics"

  # ── 3. the pre-delete hook's account removes the webhook configuration, and only it ──
  local helm=""
  if [[ -x "$TOOLS/helm" ]]; then helm="$TOOLS/helm"; elif command -v helm >/dev/null; then helm="$(command -v helm)"; fi
  if [[ -z "$helm" ]]; then
    log "helm is not installed: the uninstall hook is not rendered (bash scripts/install-tools.sh helm)"
    return
  fi
  "$helm" template tollgate "$ROOT/charts/tollgate" --namespace tollgate-system --kube-version "${K8S_VERSION#v}" \
    --set uninstallHook.enabled=true --show-only templates/uninstall-hook.yaml > hook.yaml || fail "helm template of the uninstall hook failed"
  node -e 'const y=require(process.argv[1]);for(const d of y.parseAllDocuments(require("fs").readFileSync(process.argv[2],"utf8"))){const o=d.toJS();if(o)console.log(JSON.stringify(o))}' \
    "$ROOT/node_modules/yaml" hook.yaml > hook.jsonl
  while read -r line; do
    printf '%s' "$line" > hook-object.json
    case "$(field hook-object.json kind)" in
      ServiceAccount) status="$(api POST /api/v1/namespaces/tollgate-system/serviceaccounts hook-object.json)" ;;
      ClusterRole) status="$(api POST /apis/rbac.authorization.k8s.io/v1/clusterroles hook-object.json)" ;;
      ClusterRoleBinding) status="$(api POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings hook-object.json)" ;;
      Job) continue ;; # no node runs it here; its command runs below with the same arguments and account
      *) fail "unexpected $(field hook-object.json kind) in the uninstall hook" ;;
    esac
    [[ "$status" == 201 ]] || fail "creating the hook's $(field hook-object.json kind): $status $(cat out.json)"
  done < hook.jsonl
  local args
  args="$(node -e 'for(const l of require("fs").readFileSync("hook.jsonl","utf8").trim().split("\n")){const o=JSON.parse(l);if(o.kind==="Job")console.log(o.spec.template.spec.containers[0].args.join(" "))}')"
  [[ "$args" == "remove-webhook tollgate" ]] || fail "the hook Job runs '$args', not 'remove-webhook tollgate'"
  printf '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}' > hook-token.json
  [[ "$(api POST /api/v1/namespaces/tollgate-system/serviceaccounts/tollgate-uninstall/token hook-token.json)" == 201 ]] \
    || fail "a token for the hook's ServiceAccount: $(cat out.json)"
  printf 'apiVersion: v1\nkind: Config\ncurrent-context: hook\nclusters:\n- name: e2e\n  cluster:\n    server: %s\n    certificate-authority: %s\nusers:\n- name: hook\n  user:\n    token: %s\ncontexts:\n- name: hook\n  context:\n    cluster: e2e\n    user: hook\n' \
    "$API" "$PWD/ca.crt" "$(field out.json status.token)" > hook.kubeconfig

  log "uninstall hook: its account may not delete another configuration"
  set +e
  node "$ROOT/bin/tollgate.js" remove-webhook tollgate-skip-label --kubeconfig hook.kubeconfig > hook-other.out 2> hook-other.err
  status=$?
  set -e
  [[ "$status" == 2 ]] || fail "remove-webhook of another configuration: expected exit 2, got $status: $(cat hook-other.err)"
  grep -q 'forbidden (403' hook-other.err || fail "remove-webhook of another configuration was not forbidden: $(cat hook-other.err)"
  [[ "$(api GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tollgate-skip-label)" == 200 ]] \
    || fail "the other configuration is gone"

  log "uninstall hook: tollgate remove-webhook tollgate (as the hook Job, with its account)"
  node "$ROOT/bin/tollgate.js" $args --kubeconfig hook.kubeconfig > hook.out 2> hook.err || fail "remove-webhook failed: $(cat hook.err)"
  grep -q 'deleted ValidatingWebhookConfiguration tollgate' hook.out || fail "remove-webhook said: $(cat hook.out)"
  [[ "$(api GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tollgate)" == 404 ]] \
    || fail "the webhook configuration is still there after remove-webhook"
  node "$ROOT/bin/tollgate.js" $args --kubeconfig hook.kubeconfig > hook2.out 2> hook2.err || fail "a second remove-webhook failed: $(cat hook2.err)"
  grep -q 'already gone' hook2.out || fail "a second remove-webhook said: $(cat hook2.out)"
  api DELETE /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tollgate-skip-label >/dev/null
  log "PASSED: the skip label is refused outside allowed namespaces (403), metrics count the API server's requests on the plain-HTTP port, the uninstall hook's account deletes the webhook configuration and nothing else"
}

operations_e2e
