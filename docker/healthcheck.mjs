// HEALTHCHECK of every Fjord image: exit 0 when the URL answers 2xx within 2.5 s, else 1.
// Usage: node healthcheck.mjs <url>   (no curl in the images; Node's fetch is enough)
const url = process.argv[2];
fetch(url, { signal: AbortSignal.timeout(2500) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
