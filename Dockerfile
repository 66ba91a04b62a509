# syntax=docker/dockerfile:1
#
# The WeCom Relay (Node service). Build:   docker build -t wecom-relay .
# Run:   docker run -p 8686:8686 -v wecom-relay-data:/data \
#          -e WECOM_RELAY_ADMIN_TOKEN=… -e WECOM_RELAY_INGEST_TOKEN=… -e WECOM_RELAY_SECRET_KEY=… wecom-relay
# Provisioning files (YAML) go to /etc/wecom-relay (WECOM_RELAY_PROVISIONING); the SQLite database
# and generated secrets to the /data volume (WECOM_RELAY_DATA_DIR).

ARG NODE_VERSION=22

# ---- build: install all dependencies, bundle the relay, then drop the dev dependencies ----
FROM node:${NODE_VERSION}-bookworm-slim AS build

# Toolchain for better-sqlite3's native addon when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

COPY package.json package-lock.json ./
# Lifecycle scripts are skipped here because the root `prepare` script builds the relay and the
# sources are not copied yet; the one dependency that needs its install script is rebuilt by name.
RUN npm ci --ignore-scripts \
  && npm rebuild better-sqlite3

COPY tsconfig.json ./
COPY .config/tsconfig.json ./.config/tsconfig.json
COPY bin ./bin
COPY src ./src
RUN npm run build:relay \
  && npm prune --omit=dev --ignore-scripts \
  && node -e "require('better-sqlite3')(':memory:').close()"

# ---- runtime: production dependencies and the bundle only, as a non-root user ----
FROM node:${NODE_VERSION}-bookworm-slim

# Set for every command in the container, not only the CMD: `docker compose exec wecom-relay
# wecom-relay send-test --service ops` reads the same data dir and provisioning as `serve`.
ENV NODE_ENV=production \
  WECOM_RELAY_HOST=0.0.0.0 \
  WECOM_RELAY_PORT=8686 \
  WECOM_RELAY_DATA_DIR=/data \
  WECOM_RELAY_PROVISIONING=/etc/wecom-relay

WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist-relay ./dist-relay
COPY LICENSE ./LICENSE

# The image's `node` user (uid 1000) owns the data dir, so a new named volume mounted there is
# writable by it (Docker copies the owner into an empty volume); /etc/wecom-relay is for
# read-only mounts.
RUN mkdir -p /data /etc/wecom-relay \
  && chown node:node /data \
  && chmod 0700 /data \
  && ln -s /app/bin/wecom-relay.cjs /usr/local/bin/wecom-relay
USER node

VOLUME ["/data"]
EXPOSE 8686

# No curl in the slim image: ask /healthz with Node's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WECOM_RELAY_PORT || 8686) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist-relay/cli.cjs", "serve"]
