-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "error" TEXT,
ADD COLUMN     "failedAt" TIMESTAMP(3);
