-- CreateTable
CREATE TABLE "Caption" (
    "id" UUID NOT NULL,
    "mediaId" UUID NOT NULL,
    "lang" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Caption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Caption_mediaId_lang_key" ON "Caption"("mediaId", "lang");

-- AddForeignKey
ALTER TABLE "Caption" ADD CONSTRAINT "Caption_mediaId_fkey" FOREIGN KEY ("mediaId") REFERENCES "Media"("id") ON DELETE CASCADE ON UPDATE CASCADE;
