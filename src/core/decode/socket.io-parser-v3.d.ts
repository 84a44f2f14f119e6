/**
 * Local type declaration for `socket.io-parser-v3` (an npm alias of socket.io-parser@3.3.4, the parser of
 * socket.io 2.x). Only what decode/frame-v3.ts uses.
 */
declare module 'socket.io-parser-v3' {
  interface DecoderV3 {
    on(event: 'decoded', listener: (packet: { type: number, nsp: string, id?: number, data?: unknown, attachments?: number }) => void): this
    /** Throws on malformed binary headers and out-of-order data; a bad type becomes an ERROR packet. */
    add(chunk: string | Uint8Array): void
    destroy(): void
  }
  interface ParserV3 {
    protocol: number
    types: string[]
    Decoder: new () => DecoderV3
  }
  const parser: ParserV3
  export default parser
}
