// The page's Content-Security-Policy, one string for both ways the UI is served (the Electron window's
// app:// scheme and the browser-host server): scripts and styles only from us, images from us or blob:
// (decoded frames), sockets to us, workers only our own script (the frame decoder), nothing framed, no plugins,
// no forms.
export const CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
