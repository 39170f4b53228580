-- Webhook signing secrets are stored sealed (AES-256-GCM, docs/adr/0008-secrets-at-rest.md).
-- Renamed rather than dropped: existing rows keep their plaintext secret here until the first boot of
-- web or worker-webhook seals it (sealWebhookSecrets in @fjord/webhooks); nothing reads it unsealed.
ALTER TABLE "WebhookEndpoint" RENAME COLUMN "secret" TO "secretCiphertext";
