import type { EnginePacketType, FrameEntry, SessionParser, SocketPacketTypeName } from '../types'
import { Decoder } from 'socket.io-parser'
import { decodeMsgpackFrame } from './frame-msgpack'

/** Engine.IO `open` handshake (the JSON of the first packet). */
export interface EngineHandshake {
  sid?: string
  upgrades?: string[]
  pingInterval?: number
  pingTimeout?: number
  maxPayload?: number
}

/** A non-message Engine.IO packet: open (with its handshake), close, ping, pong, upgrade, noop. */
export interface DecodedEngineFrame {
  kind: 'engine'
  engineType: EnginePacketType
  /** The packet as text, type digit included (`2`, `3probe`, `0{"sid":…}`). */
  raw: string
  size: number
  handshake?: EngineHandshake
  /** The upgrade probe (`2probe`/`3probe` over the transport being probed, `frame.probe`). */
  probe?: true
}

/** A Socket.IO packet carried by an Engine.IO `message`. */
export interface DecodedSocketFrame {
  kind: 'socket'
  /**
   * The Engine.IO message text (without the Engine.IO `4`); for a msgpack packet (`encoding: 'msgpack'`),
   * the hex of its first bytes (`84 a4 74 79 …`).
   */
  raw: string
  /** Set for a packet of socket.io-msgpack-parser (one binary frame); absent for socket.io-parser's text. */
  encoding?: 'msgpack'
  /** msgpack packets: the size of the binary frame. */
  byteLength?: number
  /** The type on the wire: BINARY_EVENT/BINARY_ACK stay binary (socket.io-parser rewrites them). */
  packetType: SocketPacketTypeName
  nsp: string
  id?: number
  attachments?: number
  /** The decoded JSON part (`["chat","hi"]`, `{"sid":…}`, …); binary attachments are `{_placeholder, num}`. */
  data: unknown
  /** EVENT / BINARY_EVENT: the event name. */
  eventName?: string
  /** EVENT / ACK: the arguments (event name and recovery offset removed). */
  args?: unknown[]
  /** Connection state recovery: the offset the server appended to an event (not an argument). */
  recoveryOffset?: string
  /** CONNECT reply with connection state recovery: the private session id. */
  pid?: string
}

/** A binary Engine.IO message: an attachment of the preceding BINARY_EVENT / BINARY_ACK. */
export interface DecodedAttachmentFrame {
  kind: 'attachment'
  byteLength: number
}

/** The frame could not be decoded (malformed, reserved event name, too many attachments…). */
export interface DecodedErrorFrame {
  kind: 'error'
  raw: string
  message: string
}

export type DecodedFrame = DecodedEngineFrame | DecodedSocketFrame | DecodedAttachmentFrame | DecodedErrorFrame

export interface DecodeFrameOptions {
  /**
   * The session's server runs with connection state recovery (its CONNECT reply had a `pid`): a trailing
   * string on a server EVENT without ack id is the offset, not an argument.
   */
  recovery?: boolean
  /** Attachment cap, as socket.io-parser's `maxAttachments`. @default 10 */
  maxAttachments?: number
  /**
   * The session's packet encoding (`SessionSnapshot.parser`): with `msgpack`, a binary message is a whole
   * msgpack-encoded packet, not an attachment. @default 'default'
   */
  parser?: SessionParser
}

const ENGINE_DIGIT: Record<EnginePacketType, string> = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
  error: '',
}

const SOCKET_TYPES: readonly SocketPacketTypeName[] = [
  'CONNECT',
  'DISCONNECT',
  'EVENT',
  'ACK',
  'CONNECT_ERROR',
  'BINARY_EVENT',
  'BINARY_ACK',
]

interface ParsedPacket { type: number, nsp: string, id?: number, data?: unknown }

/** A socket.io-parser Decoder, of either major version (4 or 3): what `decodeOnce` needs of it. */
export interface OneShotDecoder {
  on: (event: 'decoded', listener: (packet: any) => void) => unknown
  add: (text: string) => void
  destroy: () => void
}

/**
 * Run one text through a fresh Decoder; returns the packet, or throws the decoder's error. The decoder is
 * destroyed after: a BINARY_* header leaves a reconstructor waiting for attachments.
 */
export function decodeOnce<P>(decoder: OneShotDecoder, text: string): P | undefined {
  let out: P | undefined
  decoder.on('decoded', (p: P) => {
    out = p
  })
  try {
    decoder.add(text)
  }
  finally {
    decoder.destroy()
  }
  return out
}

function runDecoder(text: string, maxAttachments: number): ParsedPacket | undefined {
  return decodeOnce<ParsedPacket>(new Decoder({ maxAttachments }), text)
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function decodeSocketPacket(raw: string, opts: DecodeFrameOptions, direction: 'in' | 'out'): DecodedFrame {
  const maxAttachments = opts.maxAttachments ?? 10
  // 1. type: the first digit, read here because the parser rewrites BINARY_* into EVENT/ACK.
  const typeDigit = raw.charCodeAt(0) - 48
  const packetType = SOCKET_TYPES[typeDigit]
  if (packetType === undefined || raw.length === 0)
    return { kind: 'error', raw, message: `unknown packet type ${JSON.stringify(raw.charAt(0))}` }
  let attachments: number | undefined
  let text = raw
  try {
    if (packetType === 'BINARY_EVENT' || packetType === 'BINARY_ACK') {
      // 2. attachments: let the parser validate the header (count, cap); it then waits for the binary
      // frames, so decode the JSON part once more as the plain type to see it with its placeholders.
      runDecoder(raw, maxAttachments)
      const dash = raw.indexOf('-')
      attachments = Number(raw.slice(1, dash))
      text = (packetType === 'BINARY_EVENT' ? '2' : '3') + raw.slice(dash + 1)
    }
    // 3-5. namespace, ack id, JSON data: socket.io-parser (validates the payload for the type).
    const p = runDecoder(text, maxAttachments)
    if (!p)
      return { kind: 'error', raw, message: 'the parser produced no packet' }
    const out: DecodedSocketFrame = { kind: 'socket', raw, packetType, nsp: p.nsp, data: p.data }
    if (p.id !== undefined)
      out.id = p.id
    if (attachments !== undefined)
      out.attachments = attachments
    if (packetType === 'EVENT' || packetType === 'BINARY_EVENT') {
      const arr = (p.data as unknown[]).slice()
      out.eventName = String(arr.shift())
      if (opts.recovery && direction === 'in' && p.id === undefined && arr.length > 0 && typeof arr[arr.length - 1] === 'string')
        out.recoveryOffset = arr.pop() as string
      out.args = arr
    }
    else if (packetType === 'ACK' || packetType === 'BINARY_ACK') {
      out.args = (p.data as unknown[]).slice()
    }
    else if (packetType === 'CONNECT' && p.data && typeof (p.data as { pid?: unknown }).pid === 'string') {
      out.pid = (p.data as { pid: string }).pid
    }
    return out
  }
  catch (err) {
    return { kind: 'error', raw, message: errorText(err) }
  }
}

/**
 * Decode one recorded Engine.IO frame, on demand (never on arrival). Never throws: malformed input comes
 * back as `{ kind: 'error', message }` with socket.io-parser's own message.
 *
 * @example
 * decodeFrame(frame) // frame.data === '2/chat,3["hello",1]'
 * // { kind: 'socket', packetType: 'EVENT', nsp: '/chat', id: 3, eventName: 'hello', args: [1], … }
 * decodeFrame(frame, { recovery: true }) // frame.data === '2["tick",{"n":1},"Q8K384g"]'
 * // { …, eventName: 'tick', args: [{ n: 1 }], recoveryOffset: 'Q8K384g' }
 * decodeFrame(binaryFrame, { parser: 'msgpack' }) // a msgpack session's binary message
 * // { kind: 'socket', encoding: 'msgpack', packetType: 'EVENT', eventName: 'chat', raw: '84 a4 …', … }
 */
export function decodeFrame(frame: FrameEntry, opts: DecodeFrameOptions = {}): DecodedFrame {
  if (opts.parser === 'msgpack')
    return decodeMsgpackFrame(frame, f => decodeFrame(f, { ...opts, parser: 'default' }))
  try {
    const data = frame.data
    if (data instanceof Uint8Array)
      return { kind: 'attachment', byteLength: data.byteLength }
    if (frame.engineType !== 'message') {
      const text = typeof data === 'string' ? data : ''
      const out: DecodedEngineFrame = {
        kind: 'engine',
        engineType: frame.engineType,
        raw: ENGINE_DIGIT[frame.engineType] + text,
        size: frame.size,
      }
      if (frame.probe === true)
        out.probe = true
      if (frame.engineType === 'open' && text) {
        try {
          const h = JSON.parse(text) as Record<string, unknown>
          out.handshake = {
            sid: typeof h.sid === 'string' ? h.sid : undefined,
            upgrades: Array.isArray(h.upgrades) ? h.upgrades.map(String) : undefined,
            pingInterval: typeof h.pingInterval === 'number' ? h.pingInterval : undefined,
            pingTimeout: typeof h.pingTimeout === 'number' ? h.pingTimeout : undefined,
            maxPayload: typeof h.maxPayload === 'number' ? h.maxPayload : undefined,
          }
        }
        catch (err) {
          return { kind: 'error', raw: `0${text}`, message: `invalid open packet: ${errorText(err)}` }
        }
      }
      return out
    }
    if (typeof data !== 'string')
      return { kind: 'error', raw: '', message: 'empty message packet' }
    return decodeSocketPacket(data, opts, frame.direction)
  }
  catch (err) {
    return { kind: 'error', raw: typeof frame?.data === 'string' ? frame.data : '', message: errorText(err) }
  }
}

/**
 * A text frame as it went over the wire: the Engine.IO type digit, then the data (`2probe`, `3`, `5`, `6`,
 * `42["chat","hi"]`); `undefined` for binary frames. Same digits for EIO3 and EIO4.
 * @example frameWireText(probeFrame) // '2probe'
 */
export function frameWireText(frame: FrameEntry): string | undefined {
  const { data } = frame
  if (data !== undefined && typeof data !== 'string')
    return undefined
  return (ENGINE_DIGIT[frame.engineType] ?? '') + (data ?? '')
}

/**
 * What an Engine.IO packet that carries no Socket.IO packet is for, in a few words (the frames view's
 * summary line). `undefined` for messages.
 * @example describeEngineFrame(noopFrame) // 'noop: ends the pending poll while the connection upgrades'
 */
export function describeEngineFrame(frame: FrameEntry): string | undefined {
  const over = frame.transport ? ` over ${frame.transport}` : ''
  switch (frame.engineType) {
    case 'open': return `open: the handshake${over}`
    case 'close': return 'close: the transport closes'
    case 'ping': return frame.probe ? `ping "probe": the upgrade probe${over}` : 'ping: heartbeat'
    case 'pong': return frame.probe ? `pong "probe": the server answers the upgrade probe${over}` : 'pong: heartbeat answer'
    case 'upgrade': return `upgrade: the connection switches${over ? ` to ${frame.transport}` : ''}`
    case 'noop': return 'noop: ends the pending poll while the connection upgrades'
    case 'error': return 'error'
    case 'message': return undefined
  }
}

/** The Socket.IO packet type of a message frame, read from its first digit (no JSON parsing). */
export function socketPacketType(frame: FrameEntry): SocketPacketTypeName | undefined {
  if (frame.engineType !== 'message' || typeof frame.data !== 'string')
    return undefined
  return SOCKET_TYPES[frame.data.charCodeAt(0) - 48]
}
