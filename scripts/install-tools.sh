#!/usr/bin/env bash
# Installs the pinned OPA CLI, the Regal linter, actionlint (lints the GitHub Action in npm test), helm (renders
# charts/tollgate into deploy/ in npm test and the end-to-end run) and promlint (lints the metrics expositions)
# into .tools/bin from the Go module proxy, unless a matching version is already on PATH or already installed there.
# Usage: scripts/install-tools.sh [opa|regal|actionlint|helm|promlint|all]   (default: all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tool-versions.env
source "$root/scripts/tool-versions.env"
bin="$root/.tools/bin"
mkdir -p "$bin"
want=${1:-all}

have_version() { # tool, wanted version (vX.Y.Z)
  local path=$1 version=${2#v} printed
  [ -x "$path" ] || return 1
  # Read whole before matching: under pipefail, `tool version | grep -q` fails whenever grep stops reading first
  # and the tool dies of SIGPIPE, which rebuilt a tool that was already there.
  printed=$("$path" version 2>/dev/null) || return 1
  grep -qE "(^|[^0-9.])${version//./\\.}([^0-9.]|$)" <<<"$printed"
}

need_go() {
  command -v go >/dev/null 2>&1 || {
    echo "install-tools: Go is needed to build $1 from the Go module proxy (https://go.dev/dl/), or put $1 $2 on PATH" >&2
    exit 2
  }
}

install_opa() {
  if have_version "$bin/opa" "$OPA_VERSION"; then return; fi
  if command -v opa >/dev/null 2>&1 && have_version "$(command -v opa)" "$OPA_VERSION"; then
    ln -sf "$(command -v opa)" "$bin/opa"; return
  fi
  need_go opa "$OPA_VERSION"
  echo "install-tools: building opa $OPA_VERSION with go install (first time only, a few minutes)" >&2
  GOBIN="$bin" go install "github.com/open-policy-agent/opa@$OPA_VERSION"
}

install_regal() {
  # Regal built from source reports no version of its own, so a stamp file records what was built.
  if [ -x "$bin/regal" ] && [ "$(cat "$bin/.regal-version" 2>/dev/null)" = "$REGAL_VERSION" ]; then return; fi
  need_go regal "$REGAL_VERSION"
  echo "install-tools: building regal $REGAL_VERSION (first time only, a few minutes)" >&2
  # `go install module@version` also asks the proxy for the module's version list to look for a
  # deprecation notice; a throwaway main module asks for exactly one version instead.
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (
    cd "$work"
    go mod init tollgate.local/regal-install >/dev/null 2>&1
    go get "github.com/open-policy-agent/regal@$REGAL_VERSION" >go-get.log 2>&1 || { cat go-get.log >&2; exit 1; }
    GOBIN="$bin" go install github.com/open-policy-agent/regal
  )
  echo "$REGAL_VERSION" >"$bin/.regal-version"
}

actionlint_is() { # path: whether it is the pinned actionlint (it prints its version with -version)
  [ -x "$1" ] && [ "$("$1" -version 2>/dev/null | head -n 1)" = "$ACTIONLINT_VERSION" ]
}

install_actionlint() {
  if actionlint_is "$bin/actionlint"; then return; fi
  if command -v actionlint >/dev/null 2>&1 && actionlint_is "$(command -v actionlint)"; then
    ln -sf "$(command -v actionlint)" "$bin/actionlint"; return
  fi
  need_go actionlint "$ACTIONLINT_VERSION"
  echo "install-tools: building actionlint $ACTIONLINT_VERSION with go install (first time only, about a minute)" >&2
  GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
}

install_helm() {
  # helm built with go install does not carry its release version, so a stamp file records what was built.
  if [ -x "$bin/helm" ] && [ "$(cat "$bin/.helm-version" 2>/dev/null)" = "$HELM_VERSION" ]; then return; fi
  need_go helm "$HELM_VERSION"
  echo "install-tools: building helm $HELM_VERSION with go install (first time only, several minutes)" >&2
  GOBIN="$bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" >"$bin/.helm-version"
}

install_promlint() {
  # The Prometheus project's metrics linter (client_golang's promlint, what `promtool check metrics` runs),
  # pinned by scripts/promlint/go.mod and go.sum; rebuilt when those change.
  local src="$root/scripts/promlint" stamp
  stamp=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
  if [ -x "$bin/promlint" ] && [ "$(cat "$bin/.promlint-version" 2>/dev/null)" = "$stamp" ]; then return; fi
  need_go promlint "(scripts/promlint/go.mod)"
  echo "install-tools: building promlint (first time only, seconds)" >&2
  (cd "$src" && go build -o "$bin/promlint" .)
  echo "$stamp" >"$bin/.promlint-version"
}

case "$want" in
  opa) install_opa ;;
  regal) install_regal ;;
  actionlint) install_actionlint ;;
  helm) install_helm ;;
  promlint) install_promlint ;;
  all) install_opa; install_regal; install_actionlint; install_helm; install_promlint ;;
  *) echo "usage: $0 [opa|regal|actionlint|helm|promlint|all]" >&2; exit 2 ;;
esac
