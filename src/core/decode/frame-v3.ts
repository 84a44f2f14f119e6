/// <reference path="./socket.io-parser-v3.d.ts" />
/**
 * Decoding of protocol-3 frames (socket.io-client 2.x: Engine.IO 3, Socket.IO protocol 4 written by
 * socket.io-parser 3.x), on demand, into the same `DecodedFrame` shape as `decodeFrame` for v4.
 *
 * Differences from v4 that matter here:
 * - Engine.IO 3 packets have the same type digits (the client sends `ping`, the server answers `pong`);
 *   the non-message packets are decoded exactly as v4's, so they go through `decodeFrame`.
 * - Socket.IO type 4 is `ERROR` in parser 3.x (sent only to refuse a namespace connection, as v4's
 *   CONNECT_ERROR); it is reported under the v4 name `CONNECT_ERROR`.
 * - A CONNECT may carry the namespace's query (`0/nsp?token=1,`): the namespace is shown without it.
 * - No connection state recovery, no `pid`, no offsets.
 *
 * Dispatch on the frame's protocol: `frame.protocol === 3 ? decodeFrameV3(frame) : decodeFrame(frame, opts)`.
 *
 * @example
 * decodeFrameV3(frame) // frame.data === '2/namespace1,0["quiz",{"question":"?"}]', protocol 3
 * // { kind: 'socket', packetType: 'EVENT', nsp: '/namespace1', id: 0, eventName: 'quiz', args: [{ question: '?' }], … }
 */
import type { FrameEntry, SocketPacketTypeName } from '../types'
import type { DecodedFrame, DecodedSocketFrame, OneShotDecoder } from './frame'
import parserV3 from 'socket.io-parser-v3'
import { decodeFrame, decodeOnce } from './frame'

const SOCKET_TYPES_V3: readonly SocketPacketTypeName[] = [
  'CONNECT',
  'DISCONNECT',
  'EVENT',
  'ACK',
  'CONNECT_ERROR', // `ERROR` in socket.io-parser 3.x
  'BINARY_EVENT',
  'BINARY_ACK',
]

interface ParsedPacketV3 { type: number, nsp: string, id?: number, data?: unknown, attachments?: number }

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** One text through a fresh parser-3.x Decoder; the packet (its own `ERROR` packet for a bad type). */
function runDecoderV3(text: string): ParsedPacketV3 | undefined {
  return decodeOnce<ParsedPacketV3>(new parserV3.Decoder() as OneShotDecoder, text)
}

function decodeSocketPacketV3(raw: string): DecodedFrame {
  // 1. type: the first digit, read here because the binary header changes what the parser reports.
  const packetType = SOCKET_TYPES_V3[raw.charCodeAt(0) - 48]
  if (raw.length === 0 || packetType === undefined)
    return { kind: 'error', raw, message: `unknown packet type ${JSON.stringify(raw.charAt(0))}` }
  try {
    let text = raw
    let attachments: number | undefined
    if (packetType === 'BINARY_EVENT' || packetType === 'BINARY_ACK') {
      // 2. attachments: parser 3.x validates the header (`Illegal attachments`); then decode the JSON part
      // as the plain type, so the packet comes back at once with its placeholders.
      runDecoderV3(raw)
      const dash = raw.indexOf('-')
      attachments = Number(raw.slice(1, dash))
      text = (packetType === 'BINARY_EVENT' ? '2' : '3') + raw.slice(dash + 1)
    }
    // 3-5. namespace, ack id, JSON data.
    const p = runDecoderV3(text)
    if (!p)
      return { kind: 'error', raw, message: 'the parser produced no packet' }
    // parser 3.x reports a bad type as its own ERROR packet with `parser error…` instead of throwing.
    if (p.type === 4 && packetType !== 'CONNECT_ERROR')
      return { kind: 'error', raw, message: typeof p.data === 'string' ? p.data : 'parser error' }
    const query = p.nsp.indexOf('?')
    const out: DecodedSocketFrame = {
      kind: 'socket',
      raw,
      packetType,
      nsp: query >= 0 ? p.nsp.slice(0, query) : p.nsp,
      data: p.data,
    }
    if (p.id !== undefined)
      out.id = p.id
    if (attachments !== undefined)
      out.attachments = attachments
    if (packetType === 'EVENT' || packetType === 'BINARY_EVENT') {
      const arr = (p.data as unknown[]).slice()
      out.eventName = String(arr.shift())
      out.args = arr
    }
    else if (packetType === 'ACK' || packetType === 'BINARY_ACK') {
      out.args = (p.data as unknown[]).slice()
    }
    return out
  }
  catch (err) {
    return { kind: 'error', raw, message: errorText(err) }
  }
}

/**
 * Decode one recorded protocol-3 frame (from a v2 session). Never throws: malformed input comes back as
 * `{ kind: 'error', message }` with socket.io-parser 3.x's own message.
 */
export function decodeFrameV3(frame: FrameEntry): DecodedFrame {
  try {
    const data = frame.data
    if (data instanceof Uint8Array)
      return { kind: 'attachment', byteLength: data.byteLength }
    if (frame.engineType !== 'message')
      return decodeFrame(frame)
    if (typeof data !== 'string')
      return { kind: 'error', raw: '', message: 'empty message packet' }
    return decodeSocketPacketV3(data)
  }
  catch (err) {
    return { kind: 'error', raw: typeof frame?.data === 'string' ? frame.data : '', message: errorText(err) }
  }
}
