// Debian's Chromium, as the e2e tests and the browser benchmarks launch it: never a downloaded browser, no GPU
// (the software path every CI machine has), nothing that phones home.
export const CHROMIUM = process.env['CAMDECK_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
