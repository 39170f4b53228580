-- AlterTable
ALTER TABLE "Media" ADD COLUMN     "audioCodec" TEXT,
ADD COLUMN     "bitrate" INTEGER,
ADD COLUMN     "rotation" INTEGER,
ADD COLUMN     "videoCodec" TEXT;

-- AlterTable
ALTER TABLE "Rendition" ADD COLUMN     "bitrate" INTEGER,
ADD COLUMN     "durationMs" INTEGER;
