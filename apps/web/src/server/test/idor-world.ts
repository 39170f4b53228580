import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { mediaFileUrl } from '@fjord/api';
import {
  API_KEY_SCOPES,
  createApiKey,
  createSession,
  signFilePath,
  signImagePath,
  signStreamToken,
} from '@fjord/auth';
import { createTestRendition, createTestUser } from '@fjord/testing';
import { createWebhookService } from '@fjord/webhooks';
import { BASE, bearer, callRoute, cookieOf, type Auth } from './route-client';
import { TINY_PNG, type createWebHarness } from '@fjord/http/testing';

/** What the IDOR matrix attacks: an owner's objects of every kind, and the people who must not reach them. */
export type IdorWorld = {
  owner: {
    id: string;
    session: Auth;
    key: Auth;
    keyId: string;
    readOnlyKey: Auth;
    webhooksOnlyKey: Auth;
    mediaOnlyKey: Auth;
  };
  stranger: { id: string; session: Auth; key: Auth; adminKey: Auth };
  mediaId: string;
  otherMediaId: string;
  webhookId: string;
  deliveryId: string;
  uploadId: string;
  uploadOffset: number;
  finishedUploadId: string;
  signed: (mediaId: string, name: string, expiresAt?: Date) => string;
  /** `/img/<sig>/<options>/<mediaId>` signed with the server's key; `options` must carry its `exp:`. */
  signedImage: (mediaId: string, options: string) => string;
  /** A /stream token (docs/adr/0016-cmaf-ladder.md) for one media's presentation. */
  streamToken: (mediaId: string) => string;
};

/** Creates the owner's media, webhook, delivery, keys and tus uploads, and the stranger's credentials. */
export async function createIdorWorld(h: Awaited<ReturnType<typeof createWebHarness>>): Promise<IdorWorld> {
  const w = {} as IdorWorld;
  const owner = await createTestUser(h.db);
  const stranger = await createTestUser(h.db);
  const strangerAdmin = await createTestUser(h.db, { role: 'ADMIN' });
  const key = (userId: string, scopes?: string[]) => createApiKey({ db: h.db, userId, name: 'idor', scopes });
  const ownerKey = await key(owner.id);
  w.owner = {
    id: owner.id,
    session: cookieOf((await createSession(h.db, { userId: owner.id })).token),
    key: bearer(ownerKey.key),
    keyId: ownerKey.apiKey.id,
    readOnlyKey: bearer((await key(owner.id, ['media:read'])).key),
    webhooksOnlyKey: bearer((await key(owner.id, ['webhooks:manage'])).key),
    mediaOnlyKey: bearer((await key(owner.id, ['media:read', 'media:write'])).key),
  };
  w.stranger = {
    id: stranger.id,
    session: cookieOf((await createSession(h.db, { userId: stranger.id })).token),
    key: bearer((await key(stranger.id, [...API_KEY_SCOPES])).key),
    adminKey: bearer((await key(strangerAdmin.id, [...API_KEY_SCOPES])).key),
  };

  // The owner's finished media with a rendition, and a second one (for signatures of another id).
  const ready = async () => {
    const { id } = await h.services.ingest.ingestUpload({
      ownerId: owner.id,
      filename: 'dot.png',
      body: TINY_PNG,
    });
    await h.db.media.update({ where: { id }, data: { status: 'READY', finishedAt: new Date() } });
    const { storageKey } = await createTestRendition(h.db, { mediaId: id });
    await h.services.storage.put(storageKey, Buffer.from('RIFFxxxxWEBP'));
    return id;
  };
  w.mediaId = await ready();
  // A caption track on it (written directly: captions take videos, this media is a tiny image).
  await h.services.storage.put(`media/${w.mediaId}/captions/en.x.vtt`, Buffer.from('WEBVTT\n'));
  await h.db.caption.create({
    data: {
      mediaId: w.mediaId,
      lang: 'en',
      label: 'English',
      bytes: 7,
      storageKey: `media/${w.mediaId}/captions/en.x.vtt`,
    },
  });
  w.otherMediaId = await ready();
  w.streamToken = (mediaId) =>
    signStreamToken({
      secret: h.services.urlSigningSecret,
      mediaId,
      expiresAt: new Date(Date.now() + 60_000),
    }).token;
  w.signed = (mediaId, name, expiresAt = new Date(Date.now() + 60_000)) => {
    const filePath = mediaFileUrl(mediaId, name);
    return `${BASE}${filePath}?${signFilePath({ secret: h.services.urlSigningSecret, filePath, expiresAt }).query}`;
  };

  w.signedImage = (mediaId, options) =>
    signImagePath({ secret: h.services.urlSigningSecret, options, mediaId });

  const webhooks = createWebhookService(h.services);
  w.webhookId = (
    await webhooks.createEndpoint({
      userId: owner.id,
      url: 'http://127.0.0.1:9/hook',
      events: ['media.ready'],
    })
  ).endpoint.id;
  w.deliveryId = (
    await h.db.webhookDelivery.create({
      data: {
        endpointId: w.webhookId,
        eventId: `media.${w.mediaId}.ready`,
        event: 'media.ready',
        payload: {},
      },
    })
  ).id;

  // The owner's resumable upload, part-way through.
  const tusHeaders = { 'tus-resumable': '1.0.0', ...w.owner.key };
  const created = await callRoute('/api/tus/[[...path]]', 'POST', '/api/tus', {
    headers: {
      ...tusHeaders,
      'upload-length': String(64 * 1024),
      'upload-metadata': `filename ${Buffer.from('trip.mp4').toString('base64')}`,
    },
  });
  expect(created.status).toBe(201);
  w.uploadId = new URL(created.headers.get('location')!, BASE).pathname.split('/').pop()!;
  const patched = await callRoute('/api/tus/[[...path]]', 'PATCH', `/api/tus/${w.uploadId}`, {
    headers: { ...tusHeaders, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    body: new Uint8Array(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(1012)]),
    ),
  });
  expect(patched.status).toBe(204);
  w.uploadOffset = Number(patched.headers.get('upload-offset'));
  expect(w.uploadOffset).toBe(1024);

  // And one the owner finished: it became a media.
  const done = await callRoute('/api/tus/[[...path]]', 'POST', '/api/tus', {
    headers: {
      ...tusHeaders,
      'upload-length': '1024',
      'upload-metadata': `filename ${Buffer.from('done.mp4').toString('base64')}`,
    },
  });
  w.finishedUploadId = new URL(done.headers.get('location')!, BASE).pathname.split('/').pop()!;
  const finished = await callRoute('/api/tus/[[...path]]', 'PATCH', `/api/tus/${w.finishedUploadId}`, {
    headers: { ...tusHeaders, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    body: new Uint8Array(
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(1012)]),
    ),
  });
  expect(finished.headers.get('upload-media-id')).toMatch(/^[0-9a-f-]{36}$/);
  return w;
}
