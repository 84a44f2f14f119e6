/**
 * Decoder for the frames of a session that speaks `socket.io-msgpack-parser` (`SessionSnapshot.parser ===
 * 'msgpack'`). Each Socket.IO packet is one binary Engine.IO message: the msgpack encoding of
 * `{ type, nsp, data, id }` (socket.io-msgpack-parser 3.x; SOCKETIO-NOTES §8). There are no attachments
 * (binary stays inside the msgpack value) and no BINARY_EVENT / BINARY_ACK types (types 0-4 only).
 *
 * Decoded with the parser's own `Decoder`, so what it refuses (`invalid packet type`, `invalid payload`…)
 * is what the server's decoder would refuse too. Engine.IO packets (open, ping, pong…) stay text in such a
 * session and decode as in any other (`decodeFrame`).
 *
 * @example
 * decodeMsgpackFrame(frame) // frame.data: the bytes of msgpack({ type: 2, nsp: '/', data: ['chat', 'hi'], id: 3 })
 * // { kind: 'socket', encoding: 'msgpack', packetType: 'EVENT', nsp: '/', id: 3, eventName: 'chat', args: ['hi'], raw: '84 a4 74 79 …', … }
 */
import type { FrameEntry, SocketPacketTypeName } from '../types'
import type { DecodedFrame, DecodedSocketFrame, OneShotDecoder } from './frame'
import { Decoder } from 'socket.io-msgpack-parser'

/** socket.io-msgpack-parser's packet types: the first five of socket.io-parser's (no BINARY_*). */
const MSGPACK_TYPES: readonly SocketPacketTypeName[] = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR']

/** Bytes shown as hex in `raw` (the Frames view's raw pane shows the frame's own bytes as well). */
const RAW_HEX_BYTES = 256

/**
 * Larger frames are not decoded on demand (the Frames view decodes the selected frame on the main thread):
 * socket.io's default `maxHttpBufferSize` is 1 MB, so a real packet is far below this.
 */
export const MSGPACK_DECODE_MAX_BYTES = 16 * 2 ** 20

interface MsgpackPacket { type: number, nsp: string, data?: unknown, id?: number }

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** `84 a4 74 79 70 65 …` (the first `max` bytes). */
function hexOf(bytes: Uint8Array, max = RAW_HEX_BYTES): string {
  const shown = bytes.subarray(0, max)
  let out = ''
  for (let i = 0; i < shown.length; i++)
    out += (i ? ' ' : '') + shown[i].toString(16).padStart(2, '0')
  return bytes.length > max ? `${out} … (${bytes.length} bytes)` : out
}

/**
 * The bytes as the runtime's msgpack decoder takes them: notepack.io's Node build reads a `Buffer` (its
 * `readUInt8`…), its browser build any `ArrayBufferView`. A view of the same memory, no copy.
 */
function forDecoder(bytes: Uint8Array): Uint8Array {
  const B = (globalThis as { Buffer?: { from: (b: ArrayBufferLike, offset: number, length: number) => Uint8Array, isBuffer: (v: unknown) => boolean } }).Buffer
  if (B && !B.isBuffer(bytes))
    return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return bytes
}

/** One packet through a fresh socket.io-msgpack-parser Decoder (it validates type, nsp, data and id). */
function runMsgpackDecoder(bytes: Uint8Array): MsgpackPacket | undefined {
  let out: MsgpackPacket | undefined
  const decoder = new Decoder() as unknown as OneShotDecoder & { add: (chunk: Uint8Array) => void }
  decoder.on('decoded', (p: MsgpackPacket) => {
    out = p
  })
  try {
    decoder.add(forDecoder(bytes))
  }
  finally {
    decoder.destroy()
  }
  return out
}

/**
 * Decode the bytes of one msgpack-encoded Socket.IO packet. Never throws: bytes that are not msgpack, or
 * not a packet, come back as `{ kind: 'error', message }` naming what is wrong.
 *
 * @example decodeMsgpackPacket(new Uint8Array([0x01])).kind // 'error' ("… not a Socket.IO packet …")
 */
export function decodeMsgpackPacket(bytes: Uint8Array): DecodedFrame {
  const raw = hexOf(bytes)
  if (bytes.byteLength === 0)
    return { kind: 'error', raw, message: 'empty binary message (a msgpack packet has at least a type and a namespace)' }
  if (bytes.byteLength > MSGPACK_DECODE_MAX_BYTES)
    return { kind: 'error', raw, message: `the packet is ${bytes.byteLength} bytes, above the ${MSGPACK_DECODE_MAX_BYTES} bytes decoded on demand` }
  let p: MsgpackPacket | undefined
  try {
    p = runMsgpackDecoder(bytes)
  }
  catch (err) {
    const why = errorText(err)
    // notepack.io's own errors (`Could not parse`, `… trailing bytes`, a RangeError past the end) say the
    // bytes are not one msgpack value; the parser's (`invalid packet type`…) that the value is not a packet.
    const parserError = /^invalid (?:packet type|namespace|payload|packet id)$/.test(why)
    return {
      kind: 'error',
      raw,
      message: parserError
        ? `not a Socket.IO packet of socket.io-msgpack-parser: ${why}`
        : `not valid msgpack (socket.io-msgpack-parser could not read it): ${why}`,
    }
  }
  if (!p)
    return { kind: 'error', raw, message: 'the parser produced no packet' }
  const packetType = MSGPACK_TYPES[p.type]
  if (packetType === undefined)
    return { kind: 'error', raw, message: `not a Socket.IO packet of socket.io-msgpack-parser: unknown packet type ${String(p.type)}` }
  const out: DecodedSocketFrame = { kind: 'socket', encoding: 'msgpack', raw, byteLength: bytes.byteLength, packetType, nsp: p.nsp, data: p.data }
  if (p.id !== undefined && p.id !== null)
    out.id = p.id
  if (packetType === 'EVENT') {
    const arr = (p.data as unknown[]).slice()
    if (arr.length === 0 || typeof arr[0] !== 'string')
      return { kind: 'error', raw, message: 'not a Socket.IO event: the first element of the data is not an event name' }
    out.eventName = arr.shift() as string
    out.args = arr
  }
  else if (packetType === 'ACK') {
    out.args = (p.data as unknown[]).slice()
  }
  else if (packetType === 'CONNECT' && p.data && typeof (p.data as { pid?: unknown }).pid === 'string') {
    out.pid = (p.data as { pid: string }).pid
  }
  return out
}

/**
 * Decode one recorded frame of a msgpack session. Binary messages are msgpack packets; text frames (the
 * Engine.IO handshake, ping, pong, and a text message a server with the default parser would send) decode
 * as in any session. Never throws.
 */
export function decodeMsgpackFrame(frame: FrameEntry, decodeText: (frame: FrameEntry) => DecodedFrame): DecodedFrame {
  try {
    if (frame.engineType === 'message' && frame.data instanceof Uint8Array)
      return decodeMsgpackPacket(frame.data)
    return decodeText(frame)
  }
  catch (err) {
    return { kind: 'error', raw: typeof frame?.data === 'string' ? frame.data : '', message: errorText(err) }
  }
}

/**
 * The Socket.IO packet type of a msgpack message frame (the Frames view's row label), or `undefined` when
 * it is not one. Decodes the packet: only for frames up to `maxBytes`.
 * @example msgpackPacketType(eventFrame) // 'EVENT'
 */
export function msgpackPacketType(frame: FrameEntry, maxBytes = 4096): SocketPacketTypeName | undefined {
  if (frame.engineType !== 'message' || !(frame.data instanceof Uint8Array) || frame.data.byteLength > maxBytes)
    return undefined
  const d = decodeMsgpackPacket(frame.data)
  return d.kind === 'socket' ? d.packetType : undefined
}
