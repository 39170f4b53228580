-- CreateEnum
CREATE TYPE "AccountEmailKind" AS ENUM ('VERIFY_EMAIL');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailVerifiedAt" TIMESTAMP(3);

-- Accounts made before verification existed keep receiving mail (docs/adr/0024): they were accepted under
-- the rules of their day, and muting every existing user on upgrade would be a silent outage.
UPDATE "User" SET "emailVerifiedAt" = "createdAt";

-- CreateTable
CREATE TABLE "AccountEmail" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" "AccountEmailKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "link" TEXT,
    "sentAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "error" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountEmail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountEmail_messageId_key" ON "AccountEmail"("messageId");

-- CreateIndex
CREATE INDEX "AccountEmail_userId_kind_createdAt_idx" ON "AccountEmail"("userId", "kind", "createdAt");

-- AddForeignKey
ALTER TABLE "AccountEmail" ADD CONSTRAINT "AccountEmail_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
