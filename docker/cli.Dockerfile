# cli: the one-shot "migrate" service (`fjord db migrate`) and operator commands, e.g.
#   docker-compose run --rm migrate node apps/cli/dist/main.js api-key create --email … --name …
# Build from the repository root: docker build -f docker/cli.Dockerfile -t fjord/cli .
# The first two stages are identical in every docker/*.Dockerfile, so Docker builds them once.

# Package manifests only: the install layer below is reused until a package.json or the lockfile changes.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json .npmrc /manifests/ \
 && for f in apps/*/package.json libs/*/package.json e2e/package.json; do \
      mkdir -p "/manifests/$(dirname "$f")" && cp "$f" "/manifests/$f"; done

# Full workspace install + build.
FROM node:20-bookworm-slim AS builder
ENV CI=true NX_NO_CLOUD=true NX_DAEMON=false NEXT_TELEMETRY_DISABLED=1
WORKDIR /src
COPY --from=manifests /manifests ./
RUN npm install --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/prisma-generate.mjs
RUN node scripts/build-node-app.mjs apps/cli

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests ./
COPY docker/hoist-workspace-deps.mjs /usr/local/lib/fjord/
RUN npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm install --omit=dev --workspace=@fjord/cli --no-audit --no-fund --ignore-scripts \
 && node /usr/local/lib/fjord/hoist-workspace-deps.mjs /app \
 && rm -rf node_modules/@fjord

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=builder /src/apps/cli/package.json ./apps/cli/
COPY --from=builder /src/apps/cli/dist ./apps/cli/dist
COPY --from=builder /src/libs/db/prisma/migrations ./migrations
USER node
ENTRYPOINT ["tini", "--"]
CMD ["node", "apps/cli/dist/main.js", "db", "migrate", "--dir", "/app/migrations"]
