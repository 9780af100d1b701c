# `tollgate audit` end to end, sourced by test/e2e/run.sh while etcd and kube-apiserver are up (it uses run.sh's
# api, log, fail, $API, $TOKEN, $ROOT and the work directory it runs in).
#
# The webhook is taken away first, as in an outage: violating and compliant workloads are admitted unjudged.
# Then: the PolicyReport CRD, owner chains built by hand (no controller-manager runs, so a Deployment makes no
# ReplicaSet), more than 500 Pods so lists take two pages, excluded and opted-out namespaces, and a stale report.
# `tollgate audit` must find exactly the violating objects with their rule ids, write PolicyReports that read
# back, delete the stale one, run under the least RBAC of deploy/audit-cronjob.yaml (a service account token),
# and fail with one line (exit 2) for an account without it. The webhook is registered again at the end.

audit_e2e() {
  local status deadline i
  yaml_to_json() { # yaml_to_json <file> → one JSON document per line
    node -e 'const y=require(process.argv[1]);for(const d of y.parseAllDocuments(require("fs").readFileSync(process.argv[2],"utf8")))console.log(JSON.stringify(d.toJS()))' \
      "$ROOT/node_modules/yaml" "$1"
  }
  json_field() { node -e 'let v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const k of process.argv[2].split("."))v=v?.[k];console.log(v??"")' "$1" "$2"; }
  create() { # create <path> <json-file>: 201, else fail
    status="$(api POST "$1" "$2")"
    [[ "$status" == 201 ]] || fail "audit: creating $2 at $1: $status $(cat out.json)"
  }

  log "audit: taking the webhook away, as in an outage (workloads are admitted unjudged)"
  api DELETE /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/tollgate >/dev/null
  pod_json() { # pod_json <namespace> <name> <gke-accelerator> [ownerReferences JSON]
    printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","ownerReferences":%s},"spec":{"nodeSelector":{"cloud.google.com/gke-accelerator":"%s"},"containers":[{"name":"train","image":"registry.example/train:1","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}' \
      "$2" "$1" "${4:-[]}" "$3"
  }
  pod_json ml-dev audit-a100 nvidia-tesla-a100 > audit-pod.json
  deadline=$((SECONDS + 30))
  until [[ "$(api POST /api/v1/namespaces/ml-dev/pods audit-pod.json)" == 201 ]]; do
    (( SECONDS < deadline )) || fail "audit: the API server kept calling the removed webhook: $(cat out.json)"
    sleep 1
  done

  log "audit: installing the PolicyReport CRD (test/e2e/policyreport-crd.yaml)"
  yaml_to_json "$ROOT/test/e2e/policyreport-crd.yaml" > crd.json
  create /apis/apiextensions.k8s.io/v1/customresourcedefinitions crd.json
  wait_for 30 "the PolicyReport API" curl -sf --cacert ca.crt -H "Authorization: Bearer $TOKEN" "$API/apis/wgpolicyk8s.io/v1alpha2/policyreports"

  log "audit: namespaces ml-prod, tollgate-system, opted-out (labelled tollgate.io/skip=true)"
  for ns in ml-prod tollgate-system; do
    printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$ns" > ns.json
    create /api/v1/namespaces ns.json
  done
  printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"opted-out","labels":{"tollgate.io/skip":"true"}}}' > ns.json
  create /api/v1/namespaces ns.json

  log "audit: an A100 Deployment, a ReplicaSet it controls and a Pod that controls (owner chain by hand)"
  template='{"metadata":{"labels":{"app":"web"}},"spec":{"nodeSelector":{"cloud.google.com/gke-accelerator":"nvidia-tesla-a100"},"containers":[{"name":"serve","image":"registry.example/serve:1","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}'
  printf '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-a100","namespace":"ml-dev"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":%s}}' "$template" > deployment.json
  create /apis/apps/v1/namespaces/ml-dev/deployments deployment.json
  local deployment_uid replicaset_uid cronjob_uid
  deployment_uid="$(json_field out.json metadata.uid)"
  printf '{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-a100-5d9f","namespace":"ml-dev","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web-a100","uid":"%s","controller":true}]},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":%s}}' \
    "$deployment_uid" "$template" > replicaset.json
  create /apis/apps/v1/namespaces/ml-dev/replicasets replicaset.json
  replicaset_uid="$(json_field out.json metadata.uid)"
  pod_json ml-dev web-a100-5d9f-x7k2 nvidia-tesla-a100 \
    "[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-a100-5d9f\",\"uid\":\"$replicaset_uid\",\"controller\":true}]" > owned-pod.json
  create /api/v1/namespaces/ml-dev/pods owned-pod.json

  log "audit: an A100 CronJob and a Job it controls"
  job_spec='{"template":{"spec":{"restartPolicy":"Never","nodeSelector":{"cloud.google.com/gke-accelerator":"nvidia-tesla-a100"},"containers":[{"name":"train","image":"registry.example/train:1","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}}'
  printf '{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly-a100","namespace":"ml-dev"},"spec":{"schedule":"0 2 * * *","jobTemplate":{"spec":%s}}}' "$job_spec" > cronjob.json
  create /apis/batch/v1/namespaces/ml-dev/cronjobs cronjob.json
  cronjob_uid="$(json_field out.json metadata.uid)"
  printf '{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"nightly-a100-29000000","namespace":"ml-dev","ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"nightly-a100","uid":"%s","controller":true}]},"spec":%s}' \
    "$cronjob_uid" "$job_spec" > job.json
  create /apis/batch/v1/namespaces/ml-dev/jobs job.json

  log "audit: A100 Pods where the webhook never looks (kube-system, opted-out)"
  pod_json kube-system system-a100 nvidia-tesla-a100 > sys-pod.json
  create /api/v1/namespaces/kube-system/pods sys-pod.json
  pod_json opted-out optout-a100 nvidia-tesla-a100 > optout-pod.json
  create /api/v1/namespaces/opted-out/pods optout-pod.json

  log "audit: 520 compliant L4 Pods in ml-prod (two pages of the default 500)"
  mkdir -p pods
  for i in $(seq -w 1 520); do pod_json ml-prod "serve-l4-$i" nvidia-l4 > "pods/$i.json"; done
  # shellcheck disable=SC2016 # expanded by the inner shell
  ls pods | xargs -P 6 -I{} sh -c 'code=$(curl -sS --cacert ca.crt -H "Authorization: Bearer $1" -H "Content-Type: application/json" -o /dev/null -w "%{http_code}" -X POST "$2/api/v1/namespaces/ml-prod/pods" --data-binary @pods/{}); [ "$code" = 201 ] || { echo "pod {}: $code" >&2; exit 255; }' _ "$TOKEN" "$API" \
    || fail "audit: creating the 520 ml-prod Pods"

  log "audit: a stale Tollgate PolicyReport in opted-out, and another tool's report in ml-dev"
  printf '{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"tollgate-audit","namespace":"opted-out","labels":{"app.kubernetes.io/managed-by":"tollgate"}},"summary":{"fail":1},"results":[]}' > stale.json
  create /apis/wgpolicyk8s.io/v1alpha2/namespaces/opted-out/policyreports stale.json
  printf '{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"other-engine","namespace":"ml-dev","labels":{"app.kubernetes.io/managed-by":"kyverno"}},"results":[]}' > other.json
  create /apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-dev/policyreports other.json

  log "audit: the least RBAC of deploy/audit-cronjob.yaml, and a service account token for it"
  yaml_to_json "$ROOT/deploy/audit-cronjob.yaml" > rbac.jsonl
  local line kind
  while IFS= read -r line; do
    printf '%s' "$line" > doc.json
    kind="$(json_field doc.json kind)"
    case "$kind" in
      ServiceAccount) create /api/v1/namespaces/tollgate-system/serviceaccounts doc.json ;;
      ClusterRole) create /apis/rbac.authorization.k8s.io/v1/clusterroles doc.json ;;
      ClusterRoleBinding) create /apis/rbac.authorization.k8s.io/v1/clusterrolebindings doc.json ;;
      CronJob) ;; # the Job would need a node; its command is run below with the same arguments
      *) fail "audit: unexpected $kind in deploy/audit-cronjob.yaml" ;;
    esac
  done < rbac.jsonl
  printf '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}' > token-request.json
  create /api/v1/namespaces/tollgate-system/serviceaccounts/tollgate-audit/token token-request.json
  local sa_token
  sa_token="$(json_field out.json status.token)"
  kubeconfig() { # kubeconfig <token> <context>
    printf 'apiVersion: v1\nkind: Config\ncurrent-context: %s\nclusters:\n- name: e2e\n  cluster:\n    server: %s\n    certificate-authority: %s\nusers:\n- name: %s\n  user:\n    token: %s\ncontexts:\n- name: %s\n  context:\n    cluster: e2e\n    user: %s\n' \
      "$2" "$API" "$PWD/ca.crt" "$2" "$1" "$2" "$2"
  }
  kubeconfig "$sa_token" audit-sa > audit.kubeconfig

  log "audit: tollgate audit --config fixtures/k8s/tollgate.yaml --policy-reports --format json (as the CronJob, with a kubeconfig)"
  set +e
  node "$ROOT/bin/tollgate.js" audit --kubeconfig audit.kubeconfig --config "$ROOT/fixtures/k8s/tollgate.yaml" \
    --policy-reports --format json > audit.json 2> audit.err
  status=$?
  set -e
  [[ "$status" == 1 ]] || fail "audit: expected exit 1 (violations found), got $status: $(cat audit.err)"
  node -e '
    const fs = require("fs");
    const audit = JSON.parse(fs.readFileSync("audit.json", "utf8"));
    const found = audit.violations.map((v) => `${v.resource} ${v.rule}`).sort();
    const expected = ["CronJob/ml-dev/nightly-a100 TG-GPU-002", "Deployment/ml-dev/web-a100 TG-GPU-002", "Pod/ml-dev/audit-a100 TG-GPU-002"];
    if (JSON.stringify(found) !== JSON.stringify(expected)) {
      console.error(`violations ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
      process.exit(1);
    }
  ' || fail "audit: not exactly the violating objects"
  grep -q 'note: InferenceService (serving.kserve.io/v1beta1) skipped' audit.err || fail "audit: no note for the missing KServe API: $(cat audit.err)"
  grep -q 'note: PyTorchJob (kubeflow.org/v1) skipped' audit.err || fail "audit: no note for the missing Kubeflow API: $(cat audit.err)"
  log "audit: exactly the violating objects: $(node -e 'console.log(JSON.parse(require("fs").readFileSync("audit.json","utf8")).violations.map(v=>v.resource).sort().join(", "))')"

  log "audit: reading the PolicyReports back"
  [[ "$(api GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-dev/policyreports/tollgate-audit)" == 200 ]] \
    || fail "audit: no PolicyReport in ml-dev: $(cat out.json)"
  node -e '
    const report = JSON.parse(require("fs").readFileSync("out.json", "utf8"));
    const fails = report.results.filter((r) => r.result === "fail").map((r) => `${r.resources[0].kind}/${r.resources[0].name} ${r.policy}`).sort();
    const expected = ["CronJob/nightly-a100 TG-GPU-002", "Deployment/web-a100 TG-GPU-002", "Pod/audit-a100 TG-GPU-002"];
    if (JSON.stringify(fails) !== JSON.stringify(expected) || report.summary.fail !== 3) {
      console.error(`ml-dev report: fail ${report.summary.fail}, ${JSON.stringify(fails)}`);
      process.exit(1);
    }
    if (report.metadata.labels["app.kubernetes.io/managed-by"] !== "tollgate") process.exit(1);
  ' || fail "audit: the ml-dev PolicyReport does not hold the three failures"
  [[ "$(api GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-prod/policyreports/tollgate-audit)" == 200 ]] \
    || fail "audit: no PolicyReport in ml-prod: $(cat out.json)"
  [[ "$(json_field out.json summary.fail)" == 0 ]] || fail "audit: the ml-prod PolicyReport has failures: $(cat out.json)"
  [[ "$(api GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/opted-out/policyreports/tollgate-audit)" == 404 ]] \
    || fail "audit: the stale PolicyReport in opted-out was not deleted"
  [[ "$(api GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-dev/policyreports/other-engine)" == 200 ]] \
    || fail "audit: another tool's PolicyReport was touched"
  [[ "$(api GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/kube-system/policyreports/tollgate-audit)" == 404 ]] \
    || fail "audit: a PolicyReport was written in kube-system"
  log "audit: PolicyReports read back (ml-dev: 3 failures, ml-prod: none), the stale one deleted, others untouched"

  log "audit: a second run updates the reports in place"
  node "$ROOT/bin/tollgate.js" audit --kubeconfig audit.kubeconfig --config "$ROOT/fixtures/k8s/tollgate.yaml" \
    --policy-reports --format json --fail-on never > audit2.json 2> audit2.err || fail "audit: second run failed: $(cat audit2.err)"
  cmp -s <(node -e 'const a=JSON.parse(require("fs").readFileSync("audit.json","utf8"));console.log(JSON.stringify(a.violations))') \
    <(node -e 'const a=JSON.parse(require("fs").readFileSync("audit2.json","utf8"));console.log(JSON.stringify(a.violations))') \
    || fail "audit: the second run found something else"

  log "audit: an account without the audit's RBAC: one line naming the cluster and the list, exit 2, nothing written"
  printf '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"no-rights","namespace":"tollgate-system"}}' > sa.json
  create /api/v1/namespaces/tollgate-system/serviceaccounts sa.json
  create /api/v1/namespaces/tollgate-system/serviceaccounts/no-rights/token token-request.json
  kubeconfig "$(json_field out.json status.token)" no-rights > forbidden.kubeconfig
  set +e
  node "$ROOT/bin/tollgate.js" audit --kubeconfig forbidden.kubeconfig --config "$ROOT/fixtures/k8s/tollgate.yaml" \
    --policy-reports --format json > forbidden.json 2> forbidden.err
  status=$?
  set -e
  [[ "$status" == 2 ]] || fail "audit: expected exit 2 without RBAC, got $status: $(cat forbidden.err)"
  [[ "$(wc -l < forbidden.err)" == 1 ]] || fail "audit: expected one stderr line, got: $(cat forbidden.err)"
  grep -q "cluster context no-rights ($API): cannot list Namespaces: forbidden (403" forbidden.err \
    || fail "audit: the error does not name the cluster and the list: $(cat forbidden.err)"
  [[ ! -s forbidden.json ]] || fail "audit: output written despite the failure"
  log "audit: refused as expected: $(cat forbidden.err)"

  log "audit: registering the webhook again"
  create /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations webhook.json
  log "PASSED: tollgate audit found exactly the 3 violating objects among $(node -e 'console.log(JSON.parse(require("fs").readFileSync("audit.json","utf8")).summary.resources)') judged, wrote and read back PolicyReports, ran under the least RBAC"
}
audit_e2e
