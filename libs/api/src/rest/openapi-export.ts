import { errorResponse, type JsonObject } from './openapi-parts';

/** `/api/v1/export` as the export handler answers it: the caller's whole account as a streamed tar. */
export function exportPaths(): Record<string, JsonObject> {
  return {
    '/api/v1/export': {
      get: {
        operationId: 'exportAccount',
        summary:
          'Download everything Fjord holds about your account (tar: account.json, originals, renditions)',
        tags: ['account'],
        security: [{ apiKey: [] }, { session: [] }],
        'x-fjord-scope': 'account:export',
        responses: {
          '200': {
            description:
              'A tar archive, streamed: `account.json` (account, media metadata, renditions, webhooks and API keys without secrets, sessions, audit events), then `media/<id>/original.<ext>` and `media/<id>/renditions/<name>.<ext>`.',
            content: {
              'application/x-tar': { schema: { type: 'string', contentMediaType: 'application/x-tar' } },
            },
          },
          '401': errorResponse('No valid session or API key.'),
          '403': errorResponse('The API key lacks the account:export scope.'),
        },
      },
    },
  };
}
