# worker-transcode: image (sharp) and video (ffmpeg) renditions.
# Build from the repository root: docker build -f docker/worker-transcode.Dockerfile -t fjord/worker-transcode .
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
RUN node scripts/build-node-app.mjs apps/worker-transcode

# Production dependencies of this app only (its workspace libs are bundled into dist/main.js; every
# other package stays external, e.g. sharp's native binaries and Prisma's runtime).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests ./
COPY docker/hoist-workspace-deps.mjs /usr/local/lib/fjord/
RUN npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm install --omit=dev --workspace=@fjord/worker-transcode --no-audit --no-fund --ignore-scripts \
 && node /usr/local/lib/fjord/hoist-workspace-deps.mjs /app \
 && rm -rf node_modules/@fjord

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# ffmpeg for video renditions, posters and animated GIFs' MP4.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
# heif-convert decodes phones' HEIC (HEVC) photos and djxl JPEG XL, which the prebuilt sharp cannot
# (docs/adr/0023).
RUN apt-get update && apt-get install -y --no-install-recommends libheif-examples libjxl-tools \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production FJORD_DATA_DIR=/data HEALTH_PORT=9100
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=builder /src/apps/worker-transcode/package.json ./apps/worker-transcode/
COPY --from=builder /src/apps/worker-transcode/dist ./apps/worker-transcode/dist
COPY docker/healthcheck.mjs /usr/local/lib/fjord/healthcheck.mjs
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 9100
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/fjord/healthcheck.mjs "http://127.0.0.1:${HEALTH_PORT}/health/ready"
# tini is PID 1: it forwards SIGTERM to node (which drains its jobs) and reaps children.
ENTRYPOINT ["tini", "--"]
CMD ["node", "apps/worker-transcode/dist/main.js"]
