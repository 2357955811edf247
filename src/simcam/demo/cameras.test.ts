// Many simulated cameras: the serial behind SYS_INFO dev_id, demoCameraOptions(n), and the scene's look.
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode, createLinkPair, decodeSysInfo } from '../../protocol';
import {
  createSimCam,
  demoCameraOptions,
  embeddedDemoOptions,
  serialOfDevId,
  type SimCam,
  type SimCamOptions,
} from '..';
import { RawHost } from '../testkit';
import { DEMO_BOARDS } from './cameras';
import { GLYPH_HEIGHT, GLYPH_WIDTH, drawable, ink } from './glyphs';
import { Scene, borderWidth, labelLayout } from './scene';

let cams: SimCam[] = [];
afterEach(() => {
  for (const c of cams) c.close();
  cams = [];
});

async function devIdOf(opts: SimCamOptions): Promise<[number, number, number]> {
  const cam = createSimCam({ demo: false, ...opts });
  cams.push(cam);
  const [h, d] = createLinkPair();
  cam.attach(d);
  const host = new RawHost(h);
  await host.sync();
  return decodeSysInfo((await host.request(Opcode.SYS_INFO)).body).devId;
}

describe('serial → SYS_INFO dev_id', () => {
  it('by default dev_id is the one derived from board and USB id, as before (same every run)', async () => {
    // The words the simulator has always reported for the default board.
    expect(await devIdOf({})).toEqual([0x7198bc93, 0x66459ab1, 0x00360035]);
    expect(createSimCam({ demo: false }).options.serial).toBe('7198bc9366459ab100360035');
    expect(await devIdOf({ board: 'Other' })).not.toEqual([0x7198bc93, 0x66459ab1, 0x00360035]);
  });

  it('a given serial is what a host reads back from dev_id, dev_id[0] first', async () => {
    const devId = await devIdOf({ serial: '0123456789ABCDEF00C0FFEE' });
    expect(devId).toEqual([0x01234567, 0x89abcdef, 0x00c0ffee]);
    expect(serialOfDevId(devId)).toBe('0123456789abcdef00c0ffee');
    // Short serials are left-padded; the resolved serial is what dev_id spells.
    const cam = createSimCam({ demo: false, serial: 'C0FFEE' });
    cams.push(cam);
    expect(cam.options.serial).toBe('000000000000000000c0ffee');
    expect(await devIdOf({ serial: 'C0FFEE' })).toEqual([0, 0, 0xc0ffee]);
  });

  it.each(['', 'xyz', '0', '0000', '1'.repeat(25), '12 34'])('refuses the serial %j', (serial) => {
    expect(() => createSimCam({ demo: false, serial })).toThrow(/serial must be 1 to 24 hex digits/);
  });
});

describe('demoCameraOptions', () => {
  it('camera 1 is exactly the default camera, its serial spelled out', () => {
    const one = demoCameraOptions(1);
    expect(one).toEqual({
      board: 'OpenMV Cam H7 Plus',
      usbVid: 0x37c5,
      usbPid: 0x124a,
      serial: '7198bc9366459ab100360035',
    });
    const a = createSimCam({ demo: false, ...one });
    const b = createSimCam({ demo: false });
    cams.push(a, b);
    expect(a.options).toEqual(b.options);
    expect(a.options.look).toEqual({});
  });

  it('cameras 2… are other OpenMV boards with their USB ids, their own serial, label and hue', () => {
    const n = 12;
    const all = Array.from({ length: n }, (_, i) => demoCameraOptions(i + 1));
    expect(all.slice(1, 5).map((o) => [o.board, o.usbPid])).toEqual([
      ['OpenMV Cam H7', 0x1204],
      ['OpenMV RT1060', 0x1060],
      ['OpenMV N6', 0x1206],
      ['OpenMV AE3', 0x16e3],
    ]);
    // the boards cycle, the identities never repeat
    expect(all[DEMO_BOARDS.length]!.board).toBe(all[0]!.board);
    expect(new Set(all.map((o) => o.serial)).size).toBe(n);
    // the last digits (what a camera's label shows) differ too
    expect(new Set(all.map((o) => o.serial!.slice(-4))).size).toBe(n);
    expect(all.slice(1).map((o) => o.label)).toEqual(all.slice(1).map((_, i) => String(i + 2)));
    const hues = all.slice(1).map((o) => o.hue!);
    for (let i = 1; i < hues.length; i++) {
      const d = Math.abs(hues[i]! - hues[i - 1]!) % 360;
      expect(Math.min(d, 360 - d)).toBeGreaterThan(60);
    }
    for (const o of all) expect(() => createSimCam({ demo: false, ...o }).close()).not.toThrow();
  });

  it('is the same every call (a host sees the same cameras every run)', () => {
    expect(demoCameraOptions(3)).toEqual(demoCameraOptions(3));
  });

  it.each([0, -1, 1.5, NaN])('refuses camera number %s', (n) => {
    expect(() => demoCameraOptions(n)).toThrow(/numbered from 1/);
  });
});

describe('the scene look', () => {
  const W = 160;
  const H = 120;
  const lum = (px: Uint8Array, x: number, y: number): number => {
    const o = (y * W + x) * 3;
    return (px[o]! + px[o + 1]! + px[o + 2]!) / 3;
  };
  const frame = (look?: ConstructorParameters<typeof Scene>[2]): Uint8Array => {
    const px = new Uint8Array(W * H * 3);
    new Scene(W, H, look).render(1, px);
    return px;
  };

  it('draws the label large: ink white, the card around it in the hue', () => {
    const px = frame({ label: '7', hue: 0 });
    const l = labelLayout(W, H, '7');
    expect(l.height).toBeGreaterThanOrEqual(H * 0.25);
    let inkSeen = 0;
    let cardSeen = 0;
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        const x = l.x + gx * l.scale + (l.scale >> 1);
        const y = l.y + gy * l.scale + (l.scale >> 1);
        const o = (y * W + x) * 3;
        if (ink('7', gx, gy)) {
          expect(lum(px, x, y)).toBeGreaterThan(200);
          inkSeen++;
        } else {
          // red card: red well above green and blue (noise aside)
          expect(px[o]! - Math.max(px[o + 1]!, px[o + 2]!)).toBeGreaterThan(80);
          cardSeen++;
        }
      }
    }
    expect(inkSeen).toBeGreaterThan(8);
    expect(cardSeen).toBeGreaterThan(8);
  });

  it('a hue puts a border of that colour round the picture; no look leaves today`s scene', () => {
    const t = borderWidth(W, H);
    const green = frame({ hue: 120 });
    const o = ((H - 1 - (t >> 1)) * W + W / 2) * 3;
    expect(green[o + 1]! - Math.max(green[o]!, green[o + 2]!)).toBeGreaterThan(80);
    const plain = frame();
    expect(frame({})).toEqual(plain);
    expect(green).not.toEqual(plain);
    // two labels give two pictures
    expect(frame({ label: '2' })).not.toEqual(frame({ label: '3' }));
  });

  it('the font draws every character a label may have', () => {
    expect(drawable('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -#.:')).toBe(true);
    expect(drawable('a')).toBe(false);
  });

  it('label and hue are checked', () => {
    expect(createSimCam({ demo: false, label: 'cam 2', hue: -30 }).options.look).toEqual({
      label: 'CAM 2',
      hue: 330,
    });
    expect(() => createSimCam({ demo: false, label: 'é' })).toThrow(/label must be/);
    expect(() => createSimCam({ demo: false, label: 'X'.repeat(13) })).toThrow(/label must be/);
    expect(() => createSimCam({ demo: false, hue: Infinity })).toThrow(/hue must be/);
  });
});

describe('the embedded demo cameras', () => {
  it('are the simcam demo cameras with serials of their own (different cameras), same last digits', () => {
    for (const n of [1, 2, 5]) {
      const simcam = demoCameraOptions(n);
      const embedded = embeddedDemoOptions(n);
      expect(embedded.serial).not.toBe(simcam.serial);
      expect(embedded.serial!.slice(-4)).toBe(simcam.serial!.slice(-4));
      expect({ ...embedded, serial: '' }).toEqual({ ...simcam, serial: '' });
    }
  });
});
