-- AlterTable
ALTER TABLE "User" ADD COLUMN     "quotaStorageBytes" BIGINT,
ADD COLUMN     "quotaUploadsPerDay" INTEGER,
ADD COLUMN     "quotaVideoMinutesPerDay" INTEGER,
ADD COLUMN     "storageBytesUsed" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "uploadsDay" DATE,
ADD COLUMN     "uploadsToday" INTEGER NOT NULL DEFAULT 0;

-- Backfill: what each user already stores counts against their quota from the start.
UPDATE "User" u SET "storageBytesUsed" = s.total
FROM (SELECT "ownerId", SUM("sizeBytes") AS total FROM "Media" GROUP BY "ownerId") s
WHERE s."ownerId" = u."id";

-- CreateIndex
CREATE INDEX "Media_ownerId_status_idx" ON "Media"("ownerId", "status");
