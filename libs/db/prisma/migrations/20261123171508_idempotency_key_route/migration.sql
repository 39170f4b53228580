-- DropIndex
DROP INDEX "IdempotencyKey_apiKeyId_key_key";

-- AlterTable
-- Rows from before this migration were all written by POST /api/v1/media (the only keyed route then).
ALTER TABLE "IdempotencyKey" ADD COLUMN     "route" TEXT NOT NULL DEFAULT 'POST /api/v1/media';
ALTER TABLE "IdempotencyKey" ALTER COLUMN "route" DROP DEFAULT;

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyKey_apiKeyId_route_key_key" ON "IdempotencyKey"("apiKeyId", "route", "key");
