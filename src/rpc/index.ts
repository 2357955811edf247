// The one RPC core both carriers run: the messages, request validation, the service side (serveContract), the page
// side (contractClient), the WebSocket encoding and the MessagePort adapter. Pure TS: no Node, no DOM.
export * from './messages';
export * from './validate';
export * from './serve';
export * from './client';
export * from './ws-wire';
export * from './message-port';
