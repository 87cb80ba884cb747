import { MAX_TICKET_BATCH, TICKET_BATCH_HEADER, TICKET_BATCH_PATH } from '../../base/ticket-batch.js';
// Types only: zod and the schemas load with the first answer to check (alloy-schemas.ts says why).
import type { TicketAnswer } from './alloy-schemas.js';
import type { HttpClient, HttpResponse } from './http-client.js';
import { headerText } from './http-types.js';
import { hexToBase64 } from './presigned-upload.js';
import { mimeTypeOf, SMALL_ANSWER } from './provider-helpers.js';
import type { TicketBatches, UploadCandidate, UploadTicket } from './remote-provider.js';
import { expectShape } from './response-shape.js';

/** A checked ticket answer as the engine takes it; a `new` one without a URL is a broken answer. */
export function uploadTicketOf(
  http: HttpClient,
  answer: TicketAnswer,
  file: UploadCandidate,
  action: string,
): UploadTicket {
  if (answer.type === 'existing') return { kind: 'existing', key: answer.s3Key };
  if (!answer.presignedUrl) throw http.unexpectedShape({ action }, 'presignedUrl.presignedUrl is missing');
  return {
    kind: 'send',
    key: answer.s3Key,
    ...(answer.replaces !== undefined ? { replaces: answer.replaces } : {}),
    target: {
      url: answer.presignedUrl,
      md5Base64: answer.md5 || hexToBase64(file.md5Hex),
      mimeType: mimeTypeOf(file),
    },
  };
}

/** An upload request's JSON fields (API.md §1), the same alone and in a batch. */
export function ticketRequestFields(file: UploadCandidate): Record<string, string> {
  return { filename: file.remoteName, mimeType: mimeTypeOf(file), md5: file.md5Hex.toLowerCase() };
}

/**
 * The reference remote's batch of tickets (docs/reference-remote.md §2) for the Alloy dialect. It
 * is used only once an answer of this remote carried the batch header (`learnFrom`): real Alloy
 * never sends it, so a client pointed there never calls a route Alloy does not have.
 */
export class AlloyTicketBatches implements TicketBatches {
  private largest = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  get maxFiles(): number {
    return this.largest;
  }

  /** Reads the remote's offer of batches from the headers of any of its answers. */
  learnFrom(response: Pick<HttpResponse, 'headers'>): void {
    const offered = Number.parseInt(headerText(response.headers[TICKET_BATCH_HEADER]), 10);
    this.largest = Number.isSafeInteger(offered) && offered > 1 ? Math.min(offered, MAX_TICKET_BATCH) : 0;
  }

  async prepare(
    files: readonly UploadCandidate[],
    signal?: AbortSignal,
  ): Promise<Array<UploadTicket | null>> {
    if (files.length === 0) return [];
    const action = `prepare the uploads of ${files.length} files`;
    const request = {
      method: 'POST' as const,
      url: `${this.base}/connectors/files${TICKET_BATCH_PATH}`,
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ files: files.map(ticketRequestFields) }),
      action,
      ...SMALL_ANSWER,
      ...(signal ? { signal } : {}),
    };
    const response = await this.http.request(request);
    const answer = this.http.parseJson(response, request);
    const { ticketBatchSchema } = await import('./alloy-schemas.js');
    const { tickets } = expectShape(this.http, ticketBatchSchema, answer, action);
    if (tickets.length !== files.length) {
      throw this.http.unexpectedShape(request, `${tickets.length} tickets for ${files.length} files`);
    }
    return tickets.map((item, index) => {
      const file = files[index] as UploadCandidate;
      // A refused file is asked alone, where the refusal is reported as it always is.
      if (!('presignedUrl' in item)) return null;
      return uploadTicketOf(this.http, item.presignedUrl, file, action);
    });
  }
}
