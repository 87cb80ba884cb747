import {
  AZURE_BLOB_ROOT,
  EXPIRES_PARAM,
  MD5_PARAM,
  MULTIPART_PART_ROOT,
  SIGNATURE_PARAM,
  objectPath,
  partObjectKey,
  type UrlSigner,
} from './url-signer.js';

// The storage service version an Azure SAS names; the reference server only echoes it.
const AZURE_SAS_VERSION = '2022-11-02';

/** The presigned URLs this server answers itself (fs backend, and Azure-style URLs on any backend). */
export class UploadUrls {
  constructor(
    private readonly signer: UrlSigner,
    private readonly publicUrl: () => string,
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * An S3-style `/objects/…` URL. `md5InUrl` (hex): the MD5 rides in the URL instead of being signed
   * as the Content-MD5 header, so the PUT may leave the header out and is still checked against it.
   */
  object(
    method: 'PUT' | 'GET',
    objectKey: string,
    md5Base64: string,
    contentType: string,
    md5InUrl?: string,
  ): string {
    const expires = this.expires();
    const signature = this.signer.sign({
      method,
      objectKey,
      md5Base64,
      contentType,
      expires,
      ...(md5InUrl !== undefined ? { kind: 'md5-in-url' as const } : {}),
    });
    const url = new URL(objectPath(objectKey), this.publicUrl());
    url.searchParams.set(EXPIRES_PARAM, String(expires));
    if (md5InUrl !== undefined) url.searchParams.set(MD5_PARAM, md5InUrl);
    url.searchParams.set(SIGNATURE_PARAM, signature);
    return url.toString();
  }

  /**
   * An Azure-style blob URL: a SAS-like query (`sv`, `sr=b`, `sp=cw`, `se` as an ISO time, `sig`) that,
   * like a SAS, binds neither Content-Type nor Content-MD5; the requested MD5 rides along so the PUT is
   * still verified against it.
   */
  azureBlob(objectKey: string, md5Hex: string): string {
    const expires = this.expires();
    const signature = this.signer.sign({
      method: 'PUT',
      objectKey,
      md5Base64: Buffer.from(md5Hex, 'hex').toString('base64'),
      contentType: '',
      expires,
      kind: 'azure-blob',
    });
    const url = new URL(objectPath(objectKey, AZURE_BLOB_ROOT), this.publicUrl());
    url.searchParams.set('sv', AZURE_SAS_VERSION);
    url.searchParams.set('sr', 'b');
    url.searchParams.set('sp', 'cw');
    url.searchParams.set('se', new Date(expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    url.searchParams.set(MD5_PARAM, md5Hex);
    url.searchParams.set('sig', signature);
    return url.toString();
  }

  /**
   * A URL for one part of a multipart upload (fs backend), signed with the part's Content-MD5, which
   * the PUT must send, like S3's presigned UploadPart. Content-Type is not bound: parts have none.
   */
  part(uploadId: string, partNumber: number, md5Base64: string): { url: string; expires: number } {
    const expires = this.expires();
    const signature = this.signer.sign({
      method: 'PUT',
      objectKey: partObjectKey(uploadId, partNumber),
      md5Base64,
      contentType: '',
      expires,
      kind: 'multipart-part',
    });
    const url = new URL(`${MULTIPART_PART_ROOT}/${uploadId}/${partNumber}`, this.publicUrl());
    url.searchParams.set(EXPIRES_PARAM, String(expires));
    url.searchParams.set(SIGNATURE_PARAM, signature);
    return { url: url.toString(), expires };
  }

  private expires(): number {
    return Math.floor(this.now() / 1000) + this.ttlSeconds;
  }
}
