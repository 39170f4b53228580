// Runs s3rver as its own process for tests (see s3-test-server.ts): argv = directory, bucket.
// Node must run with --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with
// DES, which OpenSSL 3 only offers through its legacy provider (without it, page 2 of a listing is a 500).
// stdout: one JSON line {"port":…} when listening, then one {"method","url","headers"} per request.
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
server.httpServer.prependListener('request', (req) => {
  process.stdout.write(`${JSON.stringify({ method: req.method, url: req.url, headers: req.headers })}\n`);
});
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  server.httpServer.closeAllConnections();
  server.close().then(() => process.exit(0));
});
// Never outlive the test process that started it (a crashed or killed vitest worker).
setInterval(() => {
  try {
    process.kill(process.ppid, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
