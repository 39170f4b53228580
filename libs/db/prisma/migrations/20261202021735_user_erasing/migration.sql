-- AlterTable
ALTER TABLE "User" ADD COLUMN     "erasingAt" TIMESTAMP(3);
