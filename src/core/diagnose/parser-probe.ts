/**
 * The probe's CONNECT in either Socket.IO encoding, and its reading of the reply (diagnose.ts `probeSession`).
 *
 * A server and a client with different parsers fail without a word (SOCKETIO-NOTES §8): the Engine.IO
 * handshake is text in both, then the server's decoder cannot read the client's CONNECT and closes the
 * Engine.IO session ("parse error" on the server; the polling answer holds a close packet `1`), and socket.io
 * reconnects in a loop. So the probe sends its CONNECT in the session's encoding and, when the server closes
 * the session over it, tries the other one in a fresh session: a CONNECT (or CONNECT_ERROR) reply in that
 * encoding proves which parser the server speaks. A server that closes for another reason answers neither.
 *
 * Over polling (EIO4), a binary packet travels as `b<base64>` in the text payload; msgpack's CONNECT is
 * `msgpack({ type: 0, nsp })`.
 */
import type { SessionParser } from '../types'
import { Encoder } from 'socket.io-msgpack-parser'
import { decodeMsgpackPacket } from '../decode/frame-msgpack'

/** What the server answered the probe's CONNECT with, in the encoding the CONNECT was sent in. */
export type ConnectReply
  = | { type: 'CONNECT' }
    | { type: 'CONNECT_ERROR', message: string, data: unknown }

/** How each parser is called in a sentence. */
export const PARSER_NAMES: Readonly<Record<SessionParser, string>> = {
  default: 'the default parser (socket.io-parser)',
  msgpack: 'socket.io-msgpack-parser',
}

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++)
    binary += String.fromCharCode(bytes[i])
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text)
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++)
      out[i] = binary.charCodeAt(i)
    return out
  }
  catch {
    return undefined
  }
}

/**
 * The polling body of a CONNECT to `namespace` in `parser`'s encoding.
 * @example connectBody('default', '/chat') // '40/chat,'
 */
export function connectBody(parser: SessionParser, namespace: string): string {
  if (parser === 'msgpack') {
    const [encoded] = new Encoder().encode({ type: 0, nsp: namespace }) as unknown as [ArrayBuffer | Uint8Array]
    const bytes = encoded instanceof Uint8Array ? encoded : new Uint8Array(encoded)
    return `b${base64(bytes)}`
  }
  return `40${namespace === '/' ? '' : `${namespace},`}`
}

/** Whether a polling answer holds an Engine.IO close packet (`1`): the server ended the session. */
export function holdsClose(packets: readonly string[]): boolean {
  return packets.includes('1')
}

/**
 * The reply to a CONNECT to `namespace` among the packets of a polling answer, read in `parser`'s encoding.
 * `undefined` when none is there.
 */
export function connectReplyOf(parser: SessionParser, packets: readonly string[], namespace: string): ConnectReply | undefined {
  for (const packet of packets) {
    if (parser === 'msgpack') {
      if (!packet.startsWith('b'))
        continue
      const bytes = fromBase64(packet.slice(1))
      const d = bytes && decodeMsgpackPacket(bytes)
      if (d?.kind !== 'socket' || d.nsp !== namespace)
        continue
      if (d.packetType === 'CONNECT')
        return { type: 'CONNECT' }
      if (d.packetType === 'CONNECT_ERROR')
        return errorReply(d.data, JSON.stringify(d.data) ?? '')
      continue
    }
    // As before the msgpack probe: the first CONNECT or CONNECT_ERROR of the answer (one namespace asked).
    const nsp = namespace === '/' ? '' : `${namespace},`
    if (packet.startsWith('40'))
      return { type: 'CONNECT' }
    if (packet.startsWith('44')) {
      const json = packet.slice(2 + nsp.length)
      let payload: unknown = json
      try {
        payload = JSON.parse(json)
      }
      catch {}
      return errorReply(payload, json)
    }
  }
  return undefined
}

/** A CONNECT_ERROR's payload: `{ message, data }` (socket.io 4), or a bare string. */
function errorReply(payload: unknown, text: string): ConnectReply {
  if (payload && typeof payload === 'object') {
    const p = payload as { message?: unknown, data?: unknown }
    return { type: 'CONNECT_ERROR', message: String(p.message ?? text), data: p.data }
  }
  return { type: 'CONNECT_ERROR', message: typeof payload === 'string' ? payload : text, data: undefined }
}
