import { MAX_BRIDGE_MESSAGE_BYTES } from './bridge-channel.js';

/** The part of Electron's WebFrameMain the check needs. */
export interface FrameLike {
  url: string;
  parent: FrameLike | null;
}

export type CheckedMessage = { ok: true; message: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Decides whether a message that arrived on the bridge channel may go on to the bridge server, which
 * then validates its contents against the bridge schemas. Accepted: a message from the top frame of one
 * of our own pages, that is a plain JSON object of bounded size. What is passed on is a JSON copy, so
 * nothing the structured clone allows beyond JSON (a Map, a typed array, a Date) reaches the core.
 */
export function checkRendererMessage(
  frame: FrameLike | null,
  args: readonly unknown[],
  isOwnUrl: (url: string) => boolean,
): CheckedMessage {
  if (frame === null) return { ok: false, reason: 'the sending frame is gone' };
  if (frame.parent !== null) return { ok: false, reason: 'sent from a subframe' };
  if (!isOwnUrl(frame.url)) return { ok: false, reason: 'sent from a page that is not Hoist’s' };
  if (args.length !== 1) return { ok: false, reason: `expected one message, got ${args.length}` };
  const [message] = args;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, reason: 'the message is not an object' };
  }
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch {
    return { ok: false, reason: 'the message is not JSON' };
  }
  // UTF-16 length bounds the UTF-8 size within a factor of three; cheap, and the bound is what matters.
  if (json.length > MAX_BRIDGE_MESSAGE_BYTES) return { ok: false, reason: 'the message is too large' };
  const copy = JSON.parse(json) as unknown;
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    return { ok: false, reason: 'the message is not an object' };
  }
  return { ok: true, message: copy as Record<string, unknown> };
}
