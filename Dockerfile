# One image with every k8ts app (apiserver, scheduler, controllers, kubelet,
# kube-proxy, dns, echo) and nats-server; docker-compose.yml runs it.
#
#   docker build -t k8ts:latest .
#
# BASE_IMAGE must be Debian bookworm with Node.js 20 and npm. Where no
# registry is reachable, tools/compose-e2e/base-image/build.sh builds one
# locally (localhost/k8ts-base:bookworm-node20) and tools/compose-e2e/run
# passes it with --build-arg BASE_IMAGE=...
ARG BASE_IMAGE=node:20-bookworm-slim

# --- package manifests only, so `npm ci` layers stay cached until a
# package.json or the lockfile changes (mtimes zeroed: content decides).
FROM ${BASE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json /manifests/ \
 && find /manifests -exec touch -h -d @0 {} +

# --- production dependencies for the runtime image (the bundles keep npm
# packages external; @k8ts/* libraries are bundled in).
FROM ${BASE_IMAGE} AS deps
WORKDIR /src
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@k8ts node_modules/.package-lock.json

# --- build: all dependencies, codegen, one esbuild bundle per app.
FROM ${BASE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
# codegen.mjs is what `nx run api-gen:codegen` runs (buf + ts-proto); every
# apps/<name>/src/main.ts becomes dist/apps/<name>/main.js.
RUN node tools/scripts/codegen.mjs \
 && for dir in apps/*/; do \
      app="$(basename "$dir")"; \
      if [ -f "apps/$app/src/main.ts" ]; then node tools/scripts/build-app.mjs "$app" || exit 1; fi; \
    done

# --- runtime: node, nats-server, the bundles, production node_modules.
FROM ${BASE_IMAGE} AS runtime
RUN if ! command -v nats-server >/dev/null; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nats-server \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
ENV NODE_ENV=production \
    K8TS_ECHO_ENTRY=/app/dist/apps/echo/main.js
COPY --from=deps /src/node_modules ./node_modules
# The healthcheck command of every compose service, and the port publisher
# of its network-namespace holder.
COPY tools/compose-e2e/k8ts-healthcheck /usr/local/bin/k8ts-healthcheck
COPY tools/compose-e2e/port-publisher.mjs ./bin/port-publisher.mjs
COPY --from=build /src/dist/apps ./dist/apps
# Each compose service picks its app: node dist/apps/<app>/main.js
CMD ["node", "dist/apps/apiserver/main.js", "--help"]
