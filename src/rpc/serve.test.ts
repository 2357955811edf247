// The error-size cap of the core: whatever a refused request quoted, the reply stays small.
import { describe, expect, it } from 'vitest';
import type { ContractProvider } from '../shared/contract';
import type { ServiceMessage, ServicePort } from './messages';
import { MAX_ERROR_TEXT, capText, serveContract } from './serve';

function loopPort() {
  const sent: ServiceMessage[] = [];
  let listener: (m: unknown) => void = () => undefined;
  const port: ServicePort = {
    send: (m) => void sent.push(m),
    onMessage: (l) => {
      listener = l;
      return () => undefined;
    },
    onClose: () => () => undefined,
  };
  return { port, sent, deliver: (m: unknown) => listener(m) };
}

const huge = 'x'.repeat(1024 * 1024);
const none = () => () => undefined;
const provider = {
  openCamera: async () => {
    throw Object.assign(new Error(`cannot open ${huge}`), { code: `code-${huge}`, hint: `try ${huge}` });
  },
  writeConfig: async () => ({ channel: 'config', values: {}, schema: { properties: {} } }),
  on: none,
  onFrame: none,
} as unknown as ContractProvider;

async function reply(sent: ServiceMessage[], id: number) {
  for (let i = 0; i < 100; i++) {
    const r = sent.find((m) => m.type === 'reply' && m.id === id);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 1));
  }
  throw new Error('no reply');
}

describe('serveContract caps error replies', () => {
  it('cuts what the service and the validation quote, and says how much was cut', async () => {
    const { port, sent, deliver } = loopPort();
    serveContract(provider, port);
    deliver({ type: 'request', id: 1, name: 'openCamera', args: ['demo'] });
    deliver({ type: 'request', id: 2, name: 'writeConfig', args: ['cam', { [huge]: null }] });
    deliver({ type: 'undecodable', why: `malformed JSON near ${huge}` });
    const failed = await reply(sent, 1);
    expect(failed).toMatchObject({
      ok: false,
      error: {
        code: expect.stringMatching(/^code-x{59}… \(\d+ more characters\)$/),
        message: expect.stringMatching(/^cannot open x+… \(\d+ more characters\)$/),
        hint: expect.stringMatching(/^try x+… \(\d+ more characters\)$/),
      },
    });
    const refused = await reply(sent, 2);
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    for (const m of sent) expect(JSON.stringify(m).length).toBeLessThan(2000);
    expect(sent.some((m) => m.type === 'event' && m.name === 'error')).toBe(true);
  });

  it('leaves short texts alone and never splits a surrogate pair', () => {
    expect(capText('short')).toBe('short');
    expect(capText('x'.repeat(MAX_ERROR_TEXT))).toHaveLength(MAX_ERROR_TEXT);
    const cut = capText(`${'x'.repeat(MAX_ERROR_TEXT - 1)}😀😀`);
    expect(cut).toBe(`${'x'.repeat(MAX_ERROR_TEXT - 1)}… (4 more characters)`);
  });
});
