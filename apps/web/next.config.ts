import type { NextConfig } from 'next';

// Pages get a per-response nonce policy from src/proxy.ts; what is never a page gets a fixed one here.
// Kept inline: `next start` compiles this file at run time, where the images carry no src/.
// JSON APIs and health: nothing may load, nothing may frame them.
const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
// User files: never rendered as a page of this origin, whatever their bytes claim to be.
const USER_FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  transpilePackages: [
    '@fjord/api',
    '@fjord/auth',
    '@fjord/config',
    '@fjord/db',
    '@fjord/errors',
    '@fjord/http',
    '@fjord/ingest',
    '@fjord/observability',
    '@fjord/queue',
    '@fjord/storage',
  ],
  serverExternalPackages: [
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    'bullmq',
    'ioredis',
    'pino',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    '@aws-sdk/s3-request-presigner',
    // One copy of the tracing SDK at run time (its API keeps the provider on globalThis anyway).
    '@opentelemetry/api',
    '@opentelemetry/context-async-hooks',
    '@opentelemetry/core',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace',
  ],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
      {
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: NON_PAGE_CONTENT_SECURITY_POLICY }],
      },
      {
        source: '/files/:path*',
        headers: [{ key: 'Content-Security-Policy', value: USER_FILE_CONTENT_SECURITY_POLICY }],
      },
    ];
  },
};

export default nextConfig;
