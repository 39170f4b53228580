-- AlterTable
ALTER TABLE "Rendition" ADD COLUMN     "stream" JSONB;
