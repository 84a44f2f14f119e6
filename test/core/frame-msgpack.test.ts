import type { FrameEntry } from '#core'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { decodeAnyFrame, decodeFrame, decodeMsgpackPacket, msgpackPacketType } from '#core'
import { Server } from 'socket.io'
import { io as connect } from 'socket.io-client'
import { Encoder } from 'socket.io-msgpack-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { frame } from './fixtures/entries'

/** The bytes socket.io-msgpack-parser's own Encoder writes for `packet` (what a msgpack server sends). */
function encoded(packet: Record<string, unknown>): Uint8Array {
  const [bytes] = new Encoder().encode(packet) as unknown as [Uint8Array]
  return new Uint8Array(bytes)
}

describe('decodeFrame with the msgpack parser', () => {
  it.each([
    ['CONNECT', { type: 0, nsp: '/' }, { packetType: 'CONNECT', nsp: '/' }],
    ['CONNECT reply with state recovery', { type: 0, nsp: '/', data: { sid: 'a', pid: 'b' } }, { packetType: 'CONNECT', data: { sid: 'a', pid: 'b' }, pid: 'b' }],
    ['DISCONNECT', { type: 1, nsp: '/chat' }, { packetType: 'DISCONNECT', nsp: '/chat' }],
    ['EVENT with ack id', { type: 2, nsp: '/chat', data: ['hello', 1, { a: true }], id: 4 }, { packetType: 'EVENT', nsp: '/chat', id: 4, eventName: 'hello', args: [1, { a: true }] }],
    ['ACK', { type: 3, nsp: '/', data: [{ ok: true }], id: 4 }, { packetType: 'ACK', id: 4, args: [{ ok: true }] }],
    ['CONNECT_ERROR', { type: 4, nsp: '/x', data: { message: 'Invalid namespace' } }, { packetType: 'CONNECT_ERROR', nsp: '/x', data: { message: 'Invalid namespace' } }],
  ])('decodes a binary %s frame into the packet, with the hex of its bytes', (_label, packet, expected) => {
    const bytes = encoded(packet)
    const d = decodeFrame(frame(bytes), { parser: 'msgpack' })
    expect(d).toMatchObject({ kind: 'socket', encoding: 'msgpack', byteLength: bytes.byteLength, ...expected })
    const hex = [...bytes.subarray(0, 3)].map(b => b.toString(16).padStart(2, '0')).join(' ')
    expect((d as { raw: string }).raw.startsWith(hex)).toBe(true)
  })

  it('keeps binary inside the arguments as bytes', () => {
    const d = decodeFrame(frame(encoded({ type: 2, nsp: '/', data: ['file', Buffer.from([1, 2, 3])] })), { parser: 'msgpack' })
    expect(d.kind).toBe('socket')
    const arg = (d as { args: unknown[] }).args[0] as Uint8Array
    expect([...arg]).toEqual([1, 2, 3])
  })

  it('decodes a plain Uint8Array (not a Buffer), as a frame read back from a capture holds it', () => {
    const bytes = encoded({ type: 2, nsp: '/', data: ['x'] })
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    expect(decodeAnyFrame(frame(copy), { parser: 'msgpack' })).toMatchObject({ kind: 'socket', eventName: 'x' })
  })

  it('still decodes the text Engine.IO packets of a msgpack session (open, ping)', () => {
    expect(decodeFrame(frame('', 'in', 'ping'), { parser: 'msgpack' })).toMatchObject({ kind: 'engine', engineType: 'ping', raw: '2' })
    expect(decodeFrame(frame('{"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1}', 'in', 'open'), { parser: 'msgpack' }))
      .toMatchObject({ kind: 'engine', handshake: { sid: 'a' } })
  })

  it('shows the same bytes as an attachment without the msgpack parser', () => {
    const bytes = encoded({ type: 2, nsp: '/', data: ['x'] })
    expect(decodeFrame(frame(bytes))).toEqual({ kind: 'attachment', byteLength: bytes.byteLength })
  })

  it.each([
    ['empty bytes', new Uint8Array(0), /empty binary message/],
    ['bytes that are not msgpack', new Uint8Array([0xC1]), /not valid msgpack/],
    ['cut msgpack', encoded({ type: 2, nsp: '/', data: ['hello'] }).subarray(0, 8), /not valid msgpack/],
    ['trailing bytes', new Uint8Array([...encoded({ type: 2, nsp: '/', data: ['x'] }), 0x01]), /not valid msgpack.*trailing/],
    ['a value that is not a packet', new Uint8Array([0x01]), /not a Socket\.IO packet.*invalid/],
    ['an unknown type', encoded({ type: 5, nsp: '/', data: ['x'] }), /invalid packet type/],
    ['a namespace that is not a string', encoded({ type: 2, nsp: 3, data: ['x'] }), /invalid namespace/],
    ['an event payload that is not a list', encoded({ type: 2, nsp: '/', data: 'x' }), /invalid payload/],
    ['an event without a name', encoded({ type: 2, nsp: '/', data: [1] }), /not an event name/],
    ['a non-integer ack id', encoded({ type: 3, nsp: '/', data: [], id: 1.5 }), /invalid packet id/],
  ])('gives %s a clear reason instead of throwing', (_label, bytes, message) => {
    const d = decodeFrame(frame(bytes), { parser: 'msgpack' })
    expect(d.kind).toBe('error')
    expect((d as { message: string }).message).toMatch(message)
  })

  it('never throws on deeply nested msgpack', () => {
    // 100 000 nested one-element arrays (0x91), then a 1: deeper than the decoder's stack.
    const bytes = new Uint8Array(100_001).fill(0x91)
    bytes[100_000] = 0x01
    expect(decodeMsgpackPacket(bytes).kind).toBe('error')
  })

  it('labels a msgpack message row with its packet type', () => {
    expect(msgpackPacketType(frame(encoded({ type: 3, nsp: '/', data: [], id: 1 })))).toBe('ACK')
    expect(msgpackPacketType(frame(new Uint8Array([0xC1])))).toBeUndefined()
    expect(msgpackPacketType(frame('2["x"]'))).toBeUndefined()
  })
})

describe('frames of a real msgpack connection', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    for (const c of cleanups.splice(0)) c()
  })

  it('decode into the packets the server and the client exchanged', async () => {
    const msgpackParser = await import('socket.io-msgpack-parser')
    const http = createServer()
    const server = new Server(http, { parser: msgpackParser })
    server.on('connection', (socket) => {
      socket.on('echo', (text: string, bytes: Buffer, ack: (...a: unknown[]) => void) => ack({ text, size: bytes.length }))
    })
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => {
      void server.close()
    })
    const { port } = http.address() as AddressInfo
    const client = connect(`http://127.0.0.1:${port}/`, { parser: msgpackParser, transports: ['websocket'], forceNew: true, autoConnect: false })
    cleanups.push(() => client.close())
    const frames: FrameEntry[] = []
    const record = (direction: 'in' | 'out') => (p: { type: string, data?: unknown }) => {
      if (p.type === 'message' && typeof p.data !== 'string')
        frames.push({ ...frame(new Uint8Array(p.data as ArrayBuffer)), direction })
    }
    // The engine exists as soon as the connection starts: attach at once, to see the client's CONNECT too.
    client.connect()
    client.io.engine.on('packet', record('in'))
    client.io.engine.on('packetCreate', record('out'))
    await new Promise<void>(resolve => client.once('connect', () => resolve()))
    const answer = await client.emitWithAck('echo', 'hi', Buffer.from([9, 8, 7]))
    expect(answer).toEqual({ text: 'hi', size: 3 })

    const decoded = frames.map(f => decodeFrame(f, { parser: 'msgpack' }))
    expect(decoded.map(d => d.kind === 'socket' ? `${d.packetType}` : d.kind)).toEqual(['CONNECT', 'CONNECT', 'EVENT', 'ACK'])
    expect(decoded[1]).toMatchObject({ packetType: 'CONNECT', data: { sid: client.id } })
    expect(decoded[2]).toMatchObject({ packetType: 'EVENT', eventName: 'echo', id: 0 })
    expect([...((decoded[2] as { args: unknown[] }).args[1] as Uint8Array)]).toEqual([9, 8, 7])
    expect(decoded[3]).toMatchObject({ packetType: 'ACK', id: 0, args: [{ text: 'hi', size: 3 }] })
  })
})
