# CI-only stand-in for axllent/mailpit: SMTP on 1025, and the part of Mailpit's HTTP API the docker
# test reads (GET /api/v1/messages) on 8025.
FROM node:20-bookworm-slim
WORKDIR /srv
RUN npm install --no-audit --no-fund smtp-server@3.21.6 mailparser@3.14.2 && chown -R node /srv
COPY mailcatcher.mjs ./
USER node
EXPOSE 1025 8025
CMD ["node", "mailcatcher.mjs"]
