import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const S3_ENV = {
  STORAGE_DRIVER: 's3',
  S3_BUCKET: 'fjord-media',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  S3_SECRET_ACCESS_KEY: 'example-secret',
};

describe('storage configuration', () => {
  it('defaults to the local driver with no S3 settings', () => {
    const config = parseConfig({ FJORD_DATA_DIR: '/srv/fjord' });
    expect(config.STORAGE_DRIVER).toBe('local');
    expect(config.storageDir).toBe('/srv/fjord/blobs');
    expect(config.s3).toBeUndefined();
  });

  it('refuses STORAGE_DRIVER=s3 without a bucket and credentials, naming each missing variable', () => {
    expect(() => parseConfig({ STORAGE_DRIVER: 's3' })).toThrow(
      [
        'Invalid Fjord configuration:',
        '  S3_BUCKET: required when STORAGE_DRIVER=s3',
        '  S3_ACCESS_KEY_ID: required when STORAGE_DRIVER=s3',
        '  S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3',
      ].join('\n'),
    );
    expect(() => parseConfig({ ...S3_ENV, S3_SECRET_ACCESS_KEY: '' })).toThrow(
      /S3_SECRET_ACCESS_KEY: required when STORAGE_DRIVER=s3/,
    );
  });

  it('refuses an unknown driver, a bad bucket name and a prefix that would escape', () => {
    expect(() => parseConfig({ STORAGE_DRIVER: 'ftp' })).toThrow(/STORAGE_DRIVER/);
    expect(() => parseConfig({ ...S3_ENV, S3_BUCKET: 'Has_Upper' })).toThrow(/S3_BUCKET: not a valid bucket/);
    for (const prefix of ['../x', '/abs', 'a//b', 'a b']) {
      expect(() => parseConfig({ ...S3_ENV, S3_PREFIX: prefix })).toThrow(/S3_PREFIX/);
    }
  });

  it('AWS: virtual-hosted style, us-east-1 by default', () => {
    expect(parseConfig(S3_ENV).s3).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'fjord-media',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'example-secret',
      forcePathStyle: false,
      prefix: '',
    });
  });

  it('an endpoint turns path style on unless told otherwise; the prefix loses its trailing slash', () => {
    const minio = parseConfig({ ...S3_ENV, S3_ENDPOINT: 'http://minio:9000', S3_PREFIX: 'fjord-prod/' });
    expect(minio.s3).toMatchObject({
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      prefix: 'fjord-prod',
    });
    const vhost = parseConfig({
      ...S3_ENV,
      S3_ENDPOINT: 'https://s3.example.com',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(vhost.s3?.forcePathStyle).toBe(false);
  });
});

describe('image presets', () => {
  it('has the default presets and lets IMAGE_PRESETS add or replace one', () => {
    expect(parseConfig({}).imagePresets['card']).toBe('w:480,h:320,fit:cover,g:smart');
    const config = parseConfig({
      IMAGE_PRESETS: '{"card":"w:400,h:300,fit:cover","avatar":"w:96,h:96,fit:cover,g:smart"}',
    });
    expect(config.imagePresets).toMatchObject({
      card: 'w:400,h:300,fit:cover',
      avatar: 'w:96,h:96,fit:cover,g:smart',
      thumb: expect.any(String),
    });
  });

  it('refuses a preset that is not JSON, names a preset inside or carries an expiry', () => {
    expect(() => parseConfig({ IMAGE_PRESETS: 'card=w:400' })).toThrow(
      /IMAGE_PRESETS: must be a JSON object/,
    );
    expect(() => parseConfig({ IMAGE_PRESETS: '{"a":"preset:card"}' })).toThrow(/IMAGE_PRESETS/);
    expect(() => parseConfig({ IMAGE_PRESETS: '{"a":"w:10,exp:99"}' })).toThrow(/IMAGE_PRESETS/);
    expect(() => parseConfig({ IMAGE_PRESETS: '{"Bad Name":"w:10"}' })).toThrow(/IMAGE_PRESETS/);
  });

  it('takes eager presets as a comma list of known presets, none by default', () => {
    expect(parseConfig({}).IMAGE_EAGER_PRESETS).toEqual([]);
    expect(parseConfig({ IMAGE_EAGER_PRESETS: 'thumb, card' }).IMAGE_EAGER_PRESETS).toEqual([
      'thumb',
      'card',
    ]);
    expect(
      parseConfig({ IMAGE_PRESETS: '{"avatar":"w:96,h:96"}', IMAGE_EAGER_PRESETS: 'avatar' })
        .IMAGE_EAGER_PRESETS,
    ).toEqual(['avatar']);
    expect(() => parseConfig({ IMAGE_EAGER_PRESETS: 'card,banner' })).toThrow(
      /IMAGE_EAGER_PRESETS: there is no preset "banner"; presets: thumb, card, hero, full/,
    );
  });
});
