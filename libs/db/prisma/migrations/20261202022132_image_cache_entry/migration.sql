-- CreateTable
CREATE TABLE "ImageCacheEntry" (
    "key" TEXT NOT NULL,
    "mediaId" UUID NOT NULL,
    "storageKey" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAccessAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImageCacheEntry_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ImageCacheEntry_lastAccessAt_idx" ON "ImageCacheEntry"("lastAccessAt");

-- CreateIndex
CREATE INDEX "ImageCacheEntry_mediaId_idx" ON "ImageCacheEntry"("mediaId");

-- AddForeignKey
ALTER TABLE "ImageCacheEntry" ADD CONSTRAINT "ImageCacheEntry_mediaId_fkey" FOREIGN KEY ("mediaId") REFERENCES "Media"("id") ON DELETE CASCADE ON UPDATE CASCADE;
