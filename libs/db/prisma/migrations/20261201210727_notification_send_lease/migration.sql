-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "claimedUntil" TIMESTAMP(3);
