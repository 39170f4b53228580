-- AlterTable
ALTER TABLE "Media" ADD COLUMN     "traceparent" TEXT,
ADD COLUMN     "tracestate" TEXT;
