// `camdeck --help` and `camdeck <command> --help`: one summary per command, the camera target named --camera.
import { describe, expect, it } from 'vitest';
import { helpText, main } from './main';
import { EXIT } from './exit';
import { captureConsole } from './test-console.test-util';

const { out, err } = captureConsole();

describe('camdeck help', () => {
  it('lists every command with its summary and names the camera target --camera', () => {
    const text = helpText();
    for (const name of ['ports', 'info', 'read', 'write', 'frames', 'bench', 'simcam', 'serve'])
      expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(text).toMatch(/--camera accepts a serial path/);
    expect(text).not.toMatch(/--port/);
  });

  it("a command's --help is its summary from the same table, then its usage", async () => {
    expect(await main(['info', '--help'])).toBe(EXIT.OK);
    expect(out.join('\n')).toMatch(
      /^print version, system info, caps and channels as JSON\n\nUsage: camdeck info \[--camera T\]/,
    );
    expect(helpText()).toMatch(/^ {2}info +print version, system info, caps and channels as JSON$/m);
  });

  it('an unknown command is exit 2 with a hint', async () => {
    expect(await main(['nope'])).toBe(EXIT.USAGE);
    expect(err.join('\n')).toMatch(/unknown command "nope"\.\n {2}hint: Run `camdeck --help`/);
  });
});
