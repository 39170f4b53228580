'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/trpc/react';

/** The video's caption tracks: list, upload a WebVTT or SRT file per language, remove. */
export function MediaCaptions({ mediaId }: { mediaId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.captions.list.queryOptions({ id: mediaId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.captions.list.queryKey({ id: mediaId }) });
  const upload = useMutation(trpc.captions.upload.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.captions.remove.mutationOptions({ onSuccess: refresh }));
  const [lang, setLang] = useState('');
  const [label, setLabel] = useState('');
  const [file, setFile] = useState<File | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const format = file.name.toLowerCase().endsWith('.srt') ? 'srt' : 'vtt';
    upload.mutate({ id: mediaId, lang, label, format, text: await file.text() });
  };

  return (
    <section className="media-captions" aria-label="Captions">
      <h2>Captions</h2>
      {list.data && list.data.length > 0 ? (
        <ul>
          {list.data.map((c) => (
            <li key={c.lang}>
              <a href={c.url}>{c.label}</a> ({c.lang}){' '}
              <button
                type="button"
                className="button"
                onClick={() => remove.mutate({ id: mediaId, lang: c.lang })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No captions yet.</p>
      )}
      <form onSubmit={onSubmit} className="form-row">
        <input
          aria-label="Language (e.g. en, pt-BR)"
          placeholder="en"
          value={lang}
          onChange={(e) => setLang(e.target.value)}
          required
        />
        <input
          aria-label="Label"
          placeholder="English"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          required
        />
        <input
          aria-label="WebVTT or SRT file"
          type="file"
          accept=".vtt,.srt,text/vtt"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          required
        />
        <button type="submit" className="button" disabled={upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Add captions'}
        </button>
      </form>
      {(upload.error ?? remove.error) && (
        <p className="alert alert--error" role="alert">
          {(upload.error ?? remove.error)?.message}
        </p>
      )}
    </section>
  );
}
