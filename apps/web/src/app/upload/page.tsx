import type { Metadata } from 'next';
import { Uploader } from '@/components/uploader';
import { requireUser } from '@/server/current-user';
import { getServices } from '@fjord/http';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Upload' };

export default async function UploadPage() {
  await requireUser('/upload');
  return (
    <section>
      <h1>Upload images and videos</h1>
      <p className="muted">
        Each file is stored at once and processed in the background; you can leave this page.
      </p>
      <Uploader
        limits={{
          imageMaxBytes: getServices().config.UPLOAD_MAX_BYTES,
          videoMaxBytes: getServices().config.VIDEO_UPLOAD_MAX_BYTES,
        }}
      />
    </section>
  );
}
