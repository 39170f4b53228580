'use client';

import type { MediaPlaceholder } from '@fjord/api';
import { useEffect, useRef, useState, type ImgHTMLAttributes } from 'react';
import { thumbHashToDataURL } from 'thumbhash';

/** The ThumbHash (base64) as a PNG data URL (≤ 32 px; the browser scales it up, which blurs it). */
export function thumbhashDataUrl(thumbhash: string): string | null {
  try {
    const bytes = Uint8Array.from(atob(thumbhash), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return null; // a malformed hash shows the colour only
  }
}

/**
 * An <img> that shows the media's placeholder while it loads (docs/adr/0023): the dominant colour from the
 * first paint (server-rendered), then the ThumbHash decoded in the browser (25 bytes in the page, not a
 * 2 KB data URL per thumbnail). Both go once the image has loaded, so a transparent PNG shows as itself.
 */
export function PlaceholderImage({
  placeholder,
  alt,
  style,
  ...img
}: ImgHTMLAttributes<HTMLImageElement> & { placeholder: MediaPlaceholder | null; alt: string }) {
  const ref = useRef<HTMLImageElement>(null);
  const [loaded, setLoaded] = useState(false);
  const [blur, setBlur] = useState<string | null>(null);

  useEffect(() => {
    if (ref.current?.complete && ref.current.naturalWidth > 0) return setLoaded(true); // loaded before hydration
    if (placeholder) setBlur(thumbhashDataUrl(placeholder.thumbhash));
  }, [placeholder]);

  const showing = placeholder && !loaded;
  return (
    // A plain img: private files, served by our own route
    <img
      {...img}
      ref={ref}
      alt={alt}
      data-placeholder={showing ? (blur ? 'thumbhash' : 'color') : undefined}
      onLoad={() => setLoaded(true)}
      style={
        showing
          ? {
              ...style,
              backgroundColor: placeholder.color,
              ...(blur ? { backgroundImage: `url(${blur})`, backgroundSize: '100% 100%' } : {}),
            }
          : style
      }
    />
  );
}
