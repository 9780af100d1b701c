# syntax=docker/dockerfile:1
# Tollgate's image: the CLI with the built-in policy bundle, for `tollgate serve` (the admission webhook, see
# charts/tollgate) and for CI jobs that would rather pull an image than `npm install` (`tollgate check ...`).
#
#   docker build -t ghcr.io/tollgate-dev/tollgate:0.1.0 .
#   docker run --rm -v "$PWD:/work" -w /work ghcr.io/tollgate-dev/tollgate:0.1.0 check --plan plan.json
#
# Base: node:20-bookworm-slim pinned by digest, so a rebuild gets the same base until the digest is moved on
# purpose (check it with `docker buildx imagetools inspect node:20-bookworm-slim` when updating).
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

# ── build: compile TypeScript, then keep only the production dependencies ────────────────────────────
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY src src
COPY scripts/bundle-cli.ts scripts/bundle-cli.ts
# npm ci runs the package's prepare script, which compiles src/ into dist/ and bundles the CLI (dist/tollgate.js).
RUN npm ci --no-audit --no-fund && test -f dist/cli/main.js && test -f dist/tollgate.js && npm prune --omit=dev --no-audit --no-fund

# ── runtime: node, the compiled CLI and the compiled bundle; no compiler, no dev dependencies ─────────
FROM ${NODE_IMAGE} AS runtime
# The root filesystem is mounted read-only in the chart: the only writable place is /tmp (an emptyDir there).
# HOME and TMPDIR point at it, so nothing that looks for a home or a temporary directory (compiling --policy
# with opa, anything that caches) writes elsewhere. Nothing runs npm at run time.
ENV NODE_ENV=production HOME=/tmp TMPDIR=/tmp
WORKDIR /app
# Owned by root and not writable by the user the process runs as; the root filesystem can be mounted read-only.
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/bin bin
COPY --from=build /src/dist dist
# The built-in bundle (policies/tollgate.tar.gz, committed and rebuilt by `npm run build:policies`), the
# capabilities and the Rego sources that custom policies compile against.
COPY policies policies
COPY schemas schemas
COPY scripts/tool-versions.env scripts/tool-versions.env
# Not root: the numeric user the chart's securityContext also names (runAsNonRoot needs a number to check).
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["node", "/app/bin/tollgate.js"]
CMD ["--help"]
