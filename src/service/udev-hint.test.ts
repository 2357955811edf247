import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEM_RULES, udevHint } from './udev-hint';

describe('udevHint', () => {
  it('names the rules inside a packaged app when the system has none', () => {
    const hint = udevHint({
      platform: 'linux',
      resourcesPath: '/opt/camdeck/resources',
      cwd: '/home/op',
      exists: (f) => f === '/opt/camdeck/resources/linux/99-openmv.rules',
    });
    expect(hint).toContain(
      'sudo cp /opt/camdeck/resources/linux/99-openmv.rules /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger',
    );
    expect(hint).toContain('dialout');
  });
  it('names the checkout copy in a source tree, quoted when the path has spaces', () => {
    const hint = udevHint({
      platform: 'linux',
      cwd: '/home/op/my code/camdeck',
      exists: (f) => f.startsWith('/home/op/my code'),
    });
    expect(hint).toContain(
      "sudo cp '/home/op/my code/camdeck/resources/linux/99-openmv.rules' /etc/udev/rules.d/",
    );
  });
  it('says the rules are installed when the deb put them in place', () => {
    const hint = udevHint({ platform: 'linux', exists: (f) => f === SYSTEM_RULES });
    expect(hint).toContain('are installed');
    expect(hint).not.toContain('sudo cp');
  });
  it('still says what to do when no rules file is found', () => {
    const hint = udevHint({ platform: 'linux', cwd: '/nowhere', exists: () => false });
    expect(hint).toContain('/etc/udev/rules.d/');
    expect(hint).toContain('udevadm control --reload-rules');
  });
  it('is not about udev off Linux', () => {
    expect(udevHint({ platform: 'win32', exists: () => true })).not.toContain('udev');
    expect(udevHint({ platform: 'darwin', exists: () => true })).toContain('other program');
  });
  it('this checkout: the printed command copies a file that exists', () => {
    const hint = udevHint({ platform: 'linux', exists: (f) => f !== SYSTEM_RULES && existsSync(f) });
    expect(hint).toMatch(/sudo cp \S+resources\/linux\/99-openmv\.rules/);
  });
});
