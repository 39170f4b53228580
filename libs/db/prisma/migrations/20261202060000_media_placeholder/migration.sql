-- AlterTable
ALTER TABLE "Media" ADD COLUMN     "dominantColor" TEXT,
ADD COLUMN     "thumbhash" TEXT;
