import { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { S3PutUrlSigner } from '../../electron/server/storage/s3-url-signer.js';

// Signing is offline: no request leaves the process, so no S3 is needed to compare the two signers.
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2026-11-23T05:00:00Z');
const md5Base64 = 'XUFAKrxLKna5cZ2REBfFkg==';

const KEYS = [
  'alloy/0123456789abcdef01234567_notes.txt',
  'alloy/0123456789abcdef01234567_docs∕2024∕report final.pdf',
  "composio/gmail/send_email/a+b=c&d'(x)*!~;:@$,.txt",
  'owui/0123/ünïcödé 名前 %20 #hash ?query.md',
  'alloy/trailing/slash/',
] as const;

const CLIENTS = [
  {
    name: 'a custom endpoint, path style (s3rver, MinIO)',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    region: 'us-east-1',
    bucket: 'bench',
  },
  { name: 'AWS, virtual-hosted', forcePathStyle: false, region: 'eu-west-1', bucket: 'hoist-data' },
  { name: 'AWS, a bucket name with dots', forcePathStyle: false, region: 'us-west-2', bucket: 'hoist.data' },
  {
    name: 'a custom endpoint with a path and a port',
    endpoint: 'https://storage.example.com:8443/s3',
    forcePathStyle: true,
    region: 'auto',
    bucket: 'b1',
  },
] as const;

describe('S3PutUrlSigner: the same presigned PUT URLs as getSignedUrl, cheaper', () => {
  const clients: S3Client[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  for (const config of CLIENTS) {
    it(`matches getSignedUrl byte for byte: ${config.name}`, async () => {
      const client = new S3Client({
        region: config.region,
        forcePathStyle: config.forcePathStyle,
        ...('endpoint' in config ? { endpoint: config.endpoint } : {}),
        credentials,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      clients.push(client);
      const signer = new S3PutUrlSigner(client, config.bucket);
      for (const key of KEYS) {
        for (const contentType of [
          'text/plain',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        ]) {
          const expected = await getSignedUrl(
            client,
            new PutObjectCommand({
              Bucket: config.bucket,
              Key: key,
              ContentMD5: md5Base64,
              ContentType: contentType,
            }),
            { expiresIn: 3600, signableHeaders: new Set(['content-md5', 'content-type']), signingDate },
          );
          const actual = await signer.presignPut(key, md5Base64, contentType, 3600, signingDate);
          expect(actual, key).toBe(expected);
        }
      }
      // The URL signs Content-MD5 and Content-Type: another MD5 gives another signature.
      const one = await signer.presignPut(KEYS[0], md5Base64, 'text/plain', 3600, signingDate);
      const other = await signer.presignPut(
        KEYS[0],
        'AAAAAAAAAAAAAAAAAAAAAA==',
        'text/plain',
        3600,
        signingDate,
      );
      expect(new URL(one).searchParams.get('X-Amz-SignedHeaders')).toBe('content-md5;content-type;host');
      expect(new URL(other).searchParams.get('X-Amz-Signature')).not.toBe(
        new URL(one).searchParams.get('X-Amz-Signature'),
      );
    });
  }
});

describe('S3PutUrlSigner.presignPart: the same presigned UploadPart URLs as getSignedUrl', () => {
  it('matches byte for byte, Content-MD5 signed, for each client shape', async () => {
    for (const config of CLIENTS) {
      const client = new S3Client({
        region: config.region,
        forcePathStyle: config.forcePathStyle,
        ...('endpoint' in config ? { endpoint: config.endpoint } : {}),
        credentials,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      try {
        const signer = new S3PutUrlSigner(client, config.bucket);
        for (const key of KEYS) {
          const uploadId = 'VXBsb2FkIElEIGZvciA2aWWZ+bXlfbW92aWUubTJ0cyB1cGxvYWQ-';
          const expected = await getSignedUrl(
            client,
            new UploadPartCommand({
              Bucket: config.bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: 17,
              ContentMD5: md5Base64,
            }),
            { expiresIn: 3600, signableHeaders: new Set(['content-md5']), signingDate },
          );
          const actual = await signer.presignPart(key, uploadId, 17, md5Base64, 3600, signingDate);
          expect(actual, `${config.name}: ${key}`).toBe(expected);
          expect(new URL(actual).searchParams.get('X-Amz-SignedHeaders')).toBe('content-md5;host');
        }
      } finally {
        client.destroy();
      }
    }
  });
});
