-- AlterTable
ALTER TABLE "User" ADD COLUMN     "videoDay" DATE,
ADD COLUMN     "videoMsToday" BIGINT NOT NULL DEFAULT 0;

-- Backfill: today's probed minutes (what the old sum counted) carry over into the counter.
UPDATE "User" u SET "videoDay" = CURRENT_DATE, "videoMsToday" = s.total
FROM (SELECT "ownerId", SUM("durationMs") AS total FROM "Media"
      WHERE "kind" = 'VIDEO' AND "durationMs" IS NOT NULL
        AND "createdAt" >= date_trunc('day', now() AT TIME ZONE 'UTC')
      GROUP BY "ownerId") s
WHERE s."ownerId" = u."id";
