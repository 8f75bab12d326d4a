// comlink ships the Node adapter as .mjs with a .d.ts beside it, which TypeScript does not pair up.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import nodeEndpoint from 'comlink/dist/esm/node-adapter';
  export default nodeEndpoint;
}
