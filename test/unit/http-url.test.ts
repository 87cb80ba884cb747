import { describe, expect, it } from 'vitest';
import { checkHttpUrl } from '../../electron/base/http-url.js';

describe('checkHttpUrl', () => {
  it('accepts http and https addresses, with a query unless it is a base', () => {
    expect(checkHttpUrl('https://example.com/api').url?.href).toBe('https://example.com/api');
    expect(checkHttpUrl('http://127.0.0.1:8080').url?.port).toBe('8080');
    expect(checkHttpUrl('https://bucket.example/key?X-Amz-Signature=1').url).toBeDefined();
  });

  it('names what is wrong', () => {
    expect(checkHttpUrl('example.com').problem).toBe('not-a-url');
    expect(checkHttpUrl('ftp://example.com').problem).toBe('not-http');
    expect(checkHttpUrl('https://user:pw@example.com').problem).toBe('has-credentials');
    expect(checkHttpUrl('https://example.com/?token=1', { base: true }).problem).toBe('has-query');
    expect(checkHttpUrl('https://example.com/#x', { base: true }).problem).toBe('has-query');
  });
});
