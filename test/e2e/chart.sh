# Sourced by test/e2e/run.sh while its kube-apiserver is up (uses its api, log, fail, $WORK, $ROOT, $TOOLS).
# Sends every manifest of deploy/ (the rendered chart) to the real API server as a server-side dry run with
# strict field validation: the API server's own OpenAPI schema and admission decide whether each object is
# valid, as `kubectl apply --dry-run=server --validate=strict` would. With helm in .tools/bin, the chart is also
# rendered with the audit CronJob and its RBAC, the uninstall hook (pre-delete Job and its RBAC), and with a
# provided certificate, and those are sent too.
# cert-manager and Prometheus Operator kinds are reported and skipped: this API server has no CRDs for them.

chart_e2e() {
  local dir="$WORK/chart" helm="" files=() kind path code
  mkdir -p "$dir"
  files=("$ROOT"/deploy/{namespace,configmap,certificate,deployment,webhook}.yaml)
  if [[ -x "$TOOLS/helm" ]]; then helm="$TOOLS/helm"; elif command -v helm >/dev/null; then helm="$(command -v helm)"; fi
  if [[ -n "$helm" ]]; then
    "$helm" template tollgate "$ROOT/charts/tollgate" --namespace tollgate-system --kube-version "${K8S_VERSION#v}" \
      -f "$ROOT/charts/tollgate/ci/deploy-values.yaml" --set audit.enabled=true --set uninstallHook.enabled=true --set certificates.mode=provided \
      --set certificates.caBundle="$(base64 -w0 < "$WORK/ca.crt")" > "$dir/variant.yaml" || fail "helm template of the chart variant failed"
    files+=("$dir/variant.yaml")
  else
    log "helm is not installed: only deploy/ is sent (bash scripts/install-tools.sh helm renders the other variants)"
  fi
  # One JSON file per object, and a line "<kind> <api path> <file>" per object (objects of unknown kinds: path "-").
  (cd "$ROOT" && node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import { parseAllDocuments } from "yaml";
    const plural = { Namespace: "namespaces", ServiceAccount: "serviceaccounts", ConfigMap: "configmaps", Service: "services",
      Deployment: "deployments", PodDisruptionBudget: "poddisruptionbudgets", NetworkPolicy: "networkpolicies",
      ValidatingWebhookConfiguration: "validatingwebhookconfigurations", ClusterRole: "clusterroles",
      ClusterRoleBinding: "clusterrolebindings", CronJob: "cronjobs", Job: "jobs" };
    const [out, ...files] = process.argv.slice(1);
    let n = 0;
    for (const file of files) for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const object = doc.toJS();
      if (object === null) continue;
      // A dry run of a create conflicts with an object of the same name (run.sh registered a webhook "tollgate").
      if (object.kind !== "Namespace") object.metadata.name = `${object.metadata.name}-dry-run`;
      const name = `${out}/${String(n++).padStart(3, "0")}.json`;
      writeFileSync(name, JSON.stringify(object));
      const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
      const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
      const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : "";
      console.log(`${object.kind} ${plural[object.kind] ? `${base}${ns}/${plural[object.kind]}` : "-"} ${name}`);
    }' "$dir" "${files[@]}") > "$dir/objects.txt" || fail "reading the chart manifests failed"

  local sent=0 skipped=0
  while read -r kind path file; do
    if [[ "$path" == - ]]; then
      skipped=$((skipped + 1)); continue
    fi
    if [[ "$kind" == Namespace ]]; then
      # Created for real (once): the namespaced dry runs need their namespace to exist.
      code="$(api POST "$path" "$file")"
      [[ "$code" == 201 || "$code" == 409 ]] || fail "creating $(basename "$file") ($kind): $code $(cat out.json)"
      continue
    fi
    code="$(api POST "$path?dryRun=All&fieldValidation=Strict" "$file")"
    [[ "$code" == 201 ]] || fail "the API server refused $kind from $(basename "$file") (dry run, strict): $code $(cat out.json)"
    sent=$((sent + 1))
  done < "$dir/objects.txt"
  (( sent >= 6 )) || fail "only $sent chart objects were sent to the API server"

  # The check is live: a field the schema does not have is refused under strict validation.
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); d.spec.replica=2; console.log(JSON.stringify(d))' \
    "$(awk '$1 == "Deployment" {print $3; exit}' "$dir/objects.txt")" > "$dir/typo.json"
  code="$(api POST "/apis/apps/v1/namespaces/tollgate-system/deployments?dryRun=All&fieldValidation=Strict" "$dir/typo.json")"
  [[ "$code" == 400 || "$code" == 422 ]] || fail "a Deployment with an unknown field was not refused (got $code)"
  grep -q 'strict decoding error: unknown field .*spec\.replica' out.json || fail "strict validation did not name the unknown field: $(cat out.json)"
  log "chart: $sent objects accepted by the API server (server dry run, strict fields), $skipped of CRD kinds skipped; an unknown field is refused"
}

chart_e2e
