import { describe, expect, it } from 'vitest';
import { isValidImageSignature, signImagePath } from './signed-image-path.service';
import { signFilePath } from './signed-url.service';

const secret = 'x'.repeat(48);
const mediaId = '5b0f3c5e-8d1a-4c1e-9f5e-2a7d3c9b1e42';

describe('signed image paths', () => {
  it('verifies what it signed and nothing else', () => {
    const options = 'w:800,f:webp,exp:1900000000';
    const [, , signature] = signImagePath({ secret, options, mediaId }).split('/');
    expect(isValidImageSignature({ secret, options, mediaId, signature: signature! })).toBe(true);
    expect(
      isValidImageSignature({
        secret,
        options: 'w:801,f:webp,exp:1900000000',
        mediaId,
        signature: signature!,
      }),
    ).toBe(false);
    expect(
      isValidImageSignature({ secret, options, mediaId: mediaId.replace('5b', '5c'), signature: signature! }),
    ).toBe(false);
    expect(isValidImageSignature({ secret: 'y'.repeat(48), options, mediaId, signature: signature! })).toBe(
      false,
    );
    expect(isValidImageSignature({ secret, options, mediaId, signature: `${signature}A` })).toBe(false);
  });

  it('does not accept a /files signature for the same path', () => {
    const options = 'w:800,exp:1900000000';
    const files = signFilePath({
      secret,
      filePath: `${options}\n${mediaId}`,
      expiresAt: new Date(1_900_000_000_000),
    });
    const sig = new URLSearchParams(files.query).get('sig')!;
    expect(isValidImageSignature({ secret, options, mediaId, signature: sig })).toBe(false);
  });
});
