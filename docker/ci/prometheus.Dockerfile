# CI-only stand-in for prom/prometheus (Debian's prometheus 2.42; used through docker/compose.ci.yml only).
# Same paths as the official image: /bin/prometheus (merged /usr), config in /etc/prometheus, data in
# /prometheus, runs as nobody.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /prometheus /etc/prometheus/rules \
 && chown nobody:nogroup /prometheus
WORKDIR /prometheus
USER nobody
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
