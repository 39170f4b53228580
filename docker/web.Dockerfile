# web: the Next.js app (pages, tRPC, REST /api/v1, /files).
# Build from the repository root: docker build -f docker/web.Dockerfile -t fjord/web .
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
RUN npm run build --workspace=@fjord/web && rm -rf apps/web/.next/cache

# Production dependencies of the web app only (Next loads them from node_modules at run time).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests ./
COPY docker/hoist-workspace-deps.mjs /usr/local/lib/fjord/
RUN npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm install --omit=dev --workspace=@fjord/web --no-audit --no-fund --ignore-scripts \
 && node /usr/local/lib/fjord/hoist-workspace-deps.mjs /app \
 && rm -rf node_modules/@fjord

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# /img transforms of an HEIC or a JPEG XL original decode it through heif-convert or djxl, behind the
# render gate, when the transcode worker's kept decode is not in the cache (ADR 0023).
RUN apt-get update && apt-get install -y --no-install-recommends libheif-examples libjxl-tools \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 FJORD_DATA_DIR=/data PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=builder /src/apps/web/package.json /src/apps/web/next.config.ts ./apps/web/
COPY --from=builder /src/apps/web/.next ./apps/web/.next
COPY docker/healthcheck.mjs /usr/local/lib/fjord/healthcheck.mjs
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /app/apps/web
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/fjord/healthcheck.mjs "http://127.0.0.1:${PORT}/api/health/ready"
# tini is PID 1: it forwards SIGTERM to Next and reaps children. -H: listen beyond loopback.
ENTRYPOINT ["tini", "--"]
CMD ["sh", "-c", "exec node /app/node_modules/next/dist/bin/next start -H 0.0.0.0 -p \"$PORT\""]
