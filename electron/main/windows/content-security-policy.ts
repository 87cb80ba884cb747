/**
 * The Content-Security-Policy of every page in the desktop app, sent as a header by the app:// handler
 * (app-protocol.ts). The renderer's index.html carries a meta tag too (shared with the browser UI, so
 * it allows the web host's WebSocket); a page obeys both. No WebSocket here: in Electron the bridge is IPC.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
