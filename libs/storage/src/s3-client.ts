import { createHash } from 'node:crypto';
import { S3Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { S3Config } from '@fjord/config';
import type { FinalizeRequestMiddleware, HttpRequest } from '@smithy/types';

/**
 * An S3 client that talks to the configured endpoint and nothing else, and reads nothing from the
 * environment or ~/.aws on its own:
 * - credentials are passed explicitly, so the SDK's provider chain (env, profiles, SSO, ECS, EC2
 *   instance metadata at 169.254.169.254) never runs;
 * - `defaultsMode: 'legacy'` — the SDK's `auto` mode would ask instance metadata for the region;
 * - `ignoreConfiguredEndpointUrls` — an AWS_ENDPOINT_URL in the environment cannot redirect requests;
 * - no FIPS/dual-stack/ARN-region/S3 Express endpoint rewriting;
 * - checksums only where the API requires them: the SDK's default CRC32 headers are refused by several
 *   S3-compatible servers, and DeleteObjects gets the Content-MD5 they expect (see withContentMd5).
 * The SDK has no telemetry of its own; its User-Agent header goes only to the endpoint.
 */
export function createS3Client(config: S3Config): S3Client {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    defaultsMode: 'legacy',
    ignoreConfiguredEndpointUrls: true,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    useArnRegion: false,
    disableS3ExpressSessionAuth: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 10_000 },
  });
  withContentMd5(client);
  return client;
}

/**
 * DeleteObjects must carry a checksum. Since SDK 3.729 that is a CRC32 header, which MinIO (older
 * releases), Ceph RGW and others refuse with MissingContentMD5: send the classic Content-MD5 instead.
 * Runs after the SDK's checksum middleware and before signing, so the signature covers it.
 */
function withContentMd5(client: S3Client): void {
  const middleware: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => async (args) => {
      const request = args.request as Partial<HttpRequest>;
      if (context.commandName !== 'DeleteObjectsCommand' || !request.headers) return next(args);
      for (const name of Object.keys(request.headers)) {
        const lower = name.toLowerCase();
        if (lower.startsWith('x-amz-checksum-') || lower.startsWith('x-amz-sdk-checksum-')) {
          delete request.headers[name];
        }
      }
      if (typeof request.body === 'string' || request.body instanceof Uint8Array) {
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    };
  client.middlewareStack.addRelativeTo(middleware, {
    name: 'fjordDeleteObjectsContentMd5',
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
  });
}
