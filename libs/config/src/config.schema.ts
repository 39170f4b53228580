import { z } from 'zod';
import { DEFAULT_IMAGE_PRESETS, ImagePresetsSchema } from './image-presets';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every variable any Fjord process reads. Parsed once at boot: bad config crashes at start, not at 3 a.m.
 * Paths are resolved against FJORD_DATA_DIR, which the launcher sets to an absolute path.
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/fjord'),
  /**
   * Postgres itself, for migrations only, when DATABASE_URL points at PgBouncer in transaction mode:
   * the migration runner holds a session-level advisory lock. Defaults to DATABASE_URL.
   */
  DATABASE_DIRECT_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /**
   * Every Redis key Fjord writes starts with this; tests use one per file. On Redis Cluster write it as
   * a hash tag, `{fjord}`: then every key of every queue (a flow spans three) lands in one slot.
   */
  QUEUE_PREFIX: z
    .string()
    .regex(/^(?:\{[a-zA-Z0-9_-]+\}[a-zA-Z0-9_-]*|[a-zA-Z0-9_-]+)$/, {
      message:
        'letters, digits, "_" and "-", optionally starting with one Redis Cluster hash tag: fjord or {fjord}',
    })
    .default('fjord'),

  FJORD_DATA_DIR: z.string().default('.data'),
  /** Where blobs live: `local` (STORAGE_DIR) or `s3` (any S3-compatible service: AWS, MinIO, Ceph, Garage). */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** Defaults to <FJORD_DATA_DIR>/blobs. */
  STORAGE_DIR: z.string().optional(),
  /** S3-compatible endpoint (https://minio.internal:9000); unset = AWS S3 for S3_REGION. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'use a region name such as us-east-1')
    .default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid bucket name (3–63 of a-z 0-9 . -)')
    .optional(),
  /** Never logged. */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  /** Never logged. */
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key): what MinIO and most self-hosted servers want. Default: on when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: bool.optional(),
  /** Key prefix inside the bucket, so one bucket can hold several Fjords (e.g. `fjord-prod`). */
  S3_PREFIX: z
    .string()
    .regex(
      /^[a-zA-Z0-9_-]+(\/[a-zA-Z0-9_-]+)*\/?$/,
      'use letters, digits, _ and - in /-separated parts (e.g. fjord-prod)',
    )
    .optional(),

  /** Release shown next to each worker in the admin console (set by the image build or the deployer). */
  FJORD_VERSION: z
    .string()
    .regex(/^[\w.+-]{1,40}$/)
    .default('0.0.0-dev'),

  PORT: port.default(3000),
  FJORD_PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** Largest accepted image upload, in bytes. */
  UPLOAD_MAX_BYTES: positiveInt.default(50 * 1024 * 1024),
  /** Largest accepted video upload, in bytes (streaming and resumable paths). Default 5 GB. */
  VIDEO_UPLOAD_MAX_BYTES: positiveInt.default(5 * 1024 * 1024 * 1024),
  /** Secure cookies: on by default when the public URL is https. */
  COOKIE_SECURE: bool.optional(),

  FJORD_ADMIN_EMAIL: z.string().email().default('admin@fjord.local'),
  FJORD_ADMIN_PASSWORD: z.string().min(12).optional(),

  /** Transcode jobs per worker process; default = cores + 1 (deriveTranscodeParallelism). */
  TRANSCODE_CONCURRENCY: positiveInt.optional(),
  DB_CONCURRENCY: positiveInt.default(8),
  EMAIL_CONCURRENCY: positiveInt.default(4),
  /** libvips threads per sharp call; default = max(1, ⌊cores ÷ TRANSCODE_CONCURRENCY⌋). */
  SHARP_CONCURRENCY: positiveInt.optional(),
  /** AVIF encoder effort 0–9: the main cost knob of image processing (docs/performance.md). */
  AVIF_EFFORT: z.coerce.number().int().min(0).max(9).default(2),
  /** Threads per ffmpeg run; default = max(1, ⌊cores ÷ TRANSCODE_CONCURRENCY⌋). */
  FFMPEG_THREADS: positiveInt.optional(),
  /**
   * Scratch space of worker-transcode: ffmpeg outputs, and with STORAGE_DRIVER=s3 a private copy of each
   * video original (one per running job). Defaults to the OS temp dir; give it room for both.
   */
  TRANSCODE_TEMP_DIR: z.string().optional(),
  /**
   * An animated GIF with at least this many frames also gets an H.264 MP4 (`anim-mp4`, ADR 0023): below it
   * the WebP alone is small enough (docs/performance.md, "Animated GIF: WebP vs MP4").
   */
  ANIMATED_MP4_MIN_FRAMES: positiveInt.default(24),
  /** Wall-clock limit of one ffmpeg run (one rendition); past it ffmpeg is killed and the media fails. */
  VIDEO_TIMEOUT_MS: positiveInt.default(30 * 60 * 1000),
  /** How long a job lock lives before a silent worker's job is handed to another one. */
  WORKER_LOCK_DURATION_MS: positiveInt.default(30_000),
  /**
   * A job whose lock expired this many times (its worker died or froze under it) is failed by BullMQ: the
   * backstop against a job that kills every worker. Stalls are the machine's fault far more often than the
   * file's, so it is high; the file is judged earlier, by JOB_ISOLATE_AFTER_STALLS (ADR 0025).
   */
  JOB_MAX_STALLS: positiveInt.default(10),
  /** From this many stalls on, an image job renders in a child process of its own (ADR 0025). */
  JOB_ISOLATE_AFTER_STALLS: positiveInt.default(2),
  JOB_ATTEMPTS: positiveInt.default(3),
  JOB_BACKOFF_MS: positiveInt.default(1_000),
  /**
   * An infrastructure fault past JOB_ATTEMPTS re-delays the job, doubling up to this (ADR 0013): also the
   * longest a waiting job lags behind a dependency coming back.
   */
  JOB_INFRA_MAX_DELAY_MS: positiveInt.default(30_000),
  /** After this long since the job was created, each further wait is logged as an error for operators. */
  JOB_INFRA_HORIZON_MS: positiveInt.default(24 * 3600 * 1000),
  /** Health/metrics port of a worker process; 0 turns it off. Each worker has its own default. */
  HEALTH_PORT: port.optional(),
  /**
   * Bearer token for the web app's /api/metrics (Prometheus). Unset: /api/metrics answers 404 (metrics
   * are not public). Worker metrics stay on their own health port, meant for the private network.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** How often workers sample queue depth (one lease holder) and their host's /proc. */
  METRICS_SAMPLE_INTERVAL_MS: positiveInt.default(15_000),
  /**
   * OpenTelemetry traces (OTLP/HTTP, JSON) go to <endpoint>/v1/traces, e.g. http://otel-collector:4318.
   * Unset: no tracer provider, no exporter, no connection: nothing leaves the process (ADR 0022).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Share of new traces kept (0..1), decided once at the upload request; jobs follow their parent. */
  OTEL_TRACES_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Media left QUEUED longer than this without a flow in Redis is re-enqueued by the sweeper. */
  SWEEPER_STALE_AFTER_MS: positiveInt.default(30_000),
  SWEEPER_INTERVAL_MS: positiveInt.default(15_000),
  /**
   * The reconciler lists storage for orphan files (left by crashes) at most this often, and removes only
   * files untouched for ORPHAN_BLOB_GRACE_MS that no media row refers to (ADR 0014).
   */
  ORPHAN_SWEEP_INTERVAL_MS: positiveInt.default(3_600_000),
  ORPHAN_BLOB_GRACE_MS: positiveInt.default(3_600_000),

  /**
   * HMAC key of signed download URLs. Unset: generated once and kept in <FJORD_DATA_DIR>/secrets, so
   * URLs stay valid across restarts. Every web replica must share it. Never logged.
   */
  FJORD_URL_SIGNING_SECRET: z.string().min(32).optional(),
  /**
   * Key that encrypts stored secrets (webhook signing secrets; AES-256-GCM), ≥ 32 characters. Unset:
   * generated once in <FJORD_DATA_DIR>/secrets/secrets.key. Web and worker-webhook must share it.
   */
  FJORD_SECRETS_KEY: z.string().min(32).optional(),
  /** Former FJORD_SECRETS_KEY values (comma-separated), still accepted to decrypt while rotating. */
  FJORD_SECRETS_KEY_PREVIOUS: z.string().optional(),
  /** How long a signed download URL from GET /api/v1/media/:id/renditions works. */
  SIGNED_URL_TTL_SECONDS: positiveInt.default(3600),
  /** On-the-fly image transforms (/img, docs/adr/0020): largest output side, in pixels, DPR included. */
  IMAGE_TRANSFORM_MAX_SIZE: positiveInt.max(8192).default(4096),
  /** Largest output, in pixels (width × height, DPR included). */
  IMAGE_TRANSFORM_MAX_PIXELS: positiveInt.default(16_777_216),
  /** Renders at once per web process; default = the machine's cores. */
  IMAGE_TRANSFORM_CONCURRENCY: positiveInt.optional(),
  /** Renders that may wait for a slot per process; past that a miss gets 503 + Retry-After. */
  IMAGE_TRANSFORM_QUEUE: z.coerce.number().int().min(0).default(16),
  /** How long an image URL from GET /api/v1/media/:id/image-url works (default: SIGNED_URL_TTL_SECONDS). */
  IMAGE_URL_TTL_SECONDS: positiveInt.optional(),
  /** Bytes of rendered transforms kept in storage; past it the least recently used go. Default 1 GiB. */
  IMAGE_CACHE_MAX_BYTES: positiveInt.default(1024 * 1024 * 1024),
  /** Extra or replaced presets, JSON: {"avatar": "w:96,h:96,fit:cover,g:smart"} (see image-presets.ts). */
  IMAGE_PRESETS: ImagePresetsSchema.optional(),
  /**
   * Presets rendered when an image is processed (comma list, e.g. "thumb,card"): the first /img view of
   * them is a cache hit (docs/adr/0027). Each must be a preset of IMAGE_PRESETS or the defaults.
   */
  IMAGE_EAGER_PRESETS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Requests per API key per RATE_LIMIT_WINDOW_SECONDS (token bucket: this is also the burst). */
  RATE_LIMIT_REQUESTS: positiveInt.default(120),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),

  /** Webhook deliveries: tries with exponential backoff (14 × 10 s doubling ≈ 23 h of retries). */
  WEBHOOK_ATTEMPTS: positiveInt.default(14),
  WEBHOOK_BACKOFF_MS: positiveInt.default(10_000),
  /** Per HTTP attempt, connect to last byte. */
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_CONCURRENCY: positiveInt.default(8),
  /** SSRF guard off: let webhooks target loopback/private addresses (tests, a trusted LAN). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),

  /** The CLI's API key for `upload`, `status`, `list` (instead of --key). Never logged. */
  FJORD_API_KEY: z.string().optional(),

  /** smtp://user:pass@host:port; unset = write .eml files to MAIL_OUTBOX_DIR. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Fjord <fjord@localhost>'),
  /** Defaults to <FJORD_DATA_DIR>/mail. */
  MAIL_OUTBOX_DIR: z.string().optional(),
  /**
   * SMTP bounds, so a stalled server fails the send (and the job retries) instead of holding a worker:
   * TCP connect, then the 220 greeting, then inactivity on an open connection (any reply, DATA included).
   */
  SMTP_CONNECTION_TIMEOUT_MS: positiveInt.default(10_000),
  SMTP_GREETING_TIMEOUT_MS: positiveInt.default(10_000),
  SMTP_SOCKET_TIMEOUT_MS: positiveInt.default(30_000),

  /** Who may create an account: anyone (open), holders of an admin-issued invite link (invite), nobody. */
  SIGNUP_MODE: z.enum(['open', 'invite', 'closed']).default('open'),
  /** How long an invite link (`fjord user invite`, admin.createInvite) works. */
  INVITE_TTL_HOURS: positiveInt.default(168),
  /** How long an email verification link works (docs/adr/0024); a new one can be sent at any time. */
  EMAIL_VERIFICATION_TTL_HOURS: positiveInt.default(24),
  /**
   * Web is behind a proxy that appends the client's address to X-Forwarded-For (compose's nginx, an
   * Ingress): the last hop is the client. Off (web faces clients itself): a client's X-Forwarded-For is
   * dropped, so the throttles below key on the socket address and cannot be dodged with a made-up header.
   */
  TRUST_PROXY: bool.default(false),
  /** auth.signIn and auth.signUp attempts per client IP per AUTH_IP_WINDOW_SECONDS (each; token bucket). */
  AUTH_IP_ATTEMPTS: positiveInt.default(20),
  AUTH_IP_WINDOW_SECONDS: positiveInt.default(600),
  /**
   * Failed sign-ins per account from any IP (credential stuffing) within AUTH_ACCOUNT_WINDOW_SECONDS of
   * the first; then the account refuses sign-ins until that window ends, so a lockout always expires.
   */
  AUTH_ACCOUNT_FAILURES: positiveInt.default(10),
  AUTH_ACCOUNT_WINDOW_SECONDS: positiveInt.default(900),

  /** A resumable (tus) upload not finished this long after its creation is removed (default 24 h). */
  TUS_UPLOAD_EXPIRY_MS: positiveInt.default(24 * 3600 * 1000),
  /** How often the web app sweeps <FJORD_DATA_DIR>/tus for expired and orphaned partial uploads. */
  TUS_CLEANUP_INTERVAL_MS: positiveInt.default(15 * 60 * 1000),
  /** Unfinished resumable uploads one user may hold at once (each up to VIDEO_UPLOAD_MAX_BYTES). */
  TUS_MAX_OPEN_UPLOADS_PER_USER: positiveInt.default(10),

  /** Default per-user quotas (docs/adr/0021); an admin overrides them per user. 0 = unlimited. */
  QUOTA_STORAGE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(100 * 1024 ** 3),
  QUOTA_UPLOADS_PER_DAY: z.coerce.number().int().min(0).default(5_000),
  QUOTA_VIDEO_MINUTES_PER_DAY: z.coerce.number().int().min(0).default(1_200),
});

export type Env = z.infer<typeof EnvSchema>;

const S3_REQUIRED = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** Cross-field rules: eager presets must exist; the S3 driver cannot start without a bucket and credentials. */
export const EnvWithRulesSchema = EnvSchema.superRefine((env, ctx) => {
  const presets = { ...DEFAULT_IMAGE_PRESETS, ...env.IMAGE_PRESETS };
  for (const name of env.IMAGE_EAGER_PRESETS) {
    if (!Object.hasOwn(presets, name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['IMAGE_EAGER_PRESETS'],
        message: `there is no preset "${name}"; presets: ${Object.keys(presets).join(', ')}`,
      });
    }
  }
  if (env.STORAGE_DRIVER !== 's3') return;
  for (const name of S3_REQUIRED) {
    if (!env[name]) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'required when STORAGE_DRIVER=s3' });
    }
  }
});
