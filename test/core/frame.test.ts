import { decodeFrame, socketPacketType } from '#core'
import { describe, expect, it } from 'vitest'
import { frame } from './fixtures/entries'

describe('decodeFrame', () => {
  it('parses the handshake of the open packet', () => {
    const d = decodeFrame(frame('{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}', 'in', 'open'))
    expect(d).toMatchObject({
      kind: 'engine',
      engineType: 'open',
      handshake: { sid: 'abc', upgrades: ['websocket'], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1_000_000 },
    })
    expect((d as { raw: string }).raw.startsWith('0{')).toBe(true)
  })

  it('shows engine-level packets with their type digit', () => {
    expect(decodeFrame(frame('', 'in', 'ping'))).toMatchObject({ kind: 'engine', engineType: 'ping', raw: '2' })
    expect(decodeFrame(frame('probe', 'out', 'pong'))).toMatchObject({ kind: 'engine', engineType: 'pong', raw: '3probe' })
  })

  it.each([
    ['CONNECT with auth', '0{"token":"123"}', { packetType: 'CONNECT', nsp: '/', data: { token: '123' } }],
    ['CONNECT to a namespace', '0/namespace1,', { packetType: 'CONNECT', nsp: '/namespace1', data: undefined }],
    ['DISCONNECT', '1/namespace1,', { packetType: 'DISCONNECT', nsp: '/namespace1' }],
    ['EVENT', '2["chat","hello"]', { packetType: 'EVENT', nsp: '/', eventName: 'chat', args: ['hello'] }],
    ['EVENT with ack id in a namespace', '2/namespace1,0["enter","room1"]', { packetType: 'EVENT', nsp: '/namespace1', id: 0, eventName: 'enter', args: ['room1'] }],
    ['ACK', '3/namespace1,12[{"ok":true}]', { packetType: 'ACK', nsp: '/namespace1', id: 12, args: [{ ok: true }] }],
    ['CONNECT_ERROR', '4/random,{"message":"Invalid namespace"}', { packetType: 'CONNECT_ERROR', nsp: '/random', data: { message: 'Invalid namespace' } }],
    ['BINARY_EVENT', '51-0["bin",{"_placeholder":true,"num":0}]', { packetType: 'BINARY_EVENT', attachments: 1, id: 0, eventName: 'bin', args: [{ _placeholder: true, num: 0 }] }],
    ['BINARY_ACK', '62-/chat,7[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', { packetType: 'BINARY_ACK', nsp: '/chat', attachments: 2, id: 7 }],
  ])('decodes %s', (_label, text, expected) => {
    const d = decodeFrame(frame(text))
    expect(d).toMatchObject({ kind: 'socket', raw: text, ...expected })
  })

  it('labels the connection-state-recovery offset instead of showing it as an argument', () => {
    const f = frame('2["chat",{"text":"hi"},"Q8K384g"]')
    expect(decodeFrame(f, { recovery: true })).toMatchObject({ eventName: 'chat', args: [{ text: 'hi' }], recoveryOffset: 'Q8K384g' })
    expect(decodeFrame(f)).toMatchObject({ args: [{ text: 'hi' }, 'Q8K384g'] })
    expect(decodeFrame(f)).not.toHaveProperty('recoveryOffset')
    // An event with an ack id carries no offset; nor do our own emits.
    expect(decodeFrame(frame('2,3["q","last"]'), { recovery: true })).not.toHaveProperty('recoveryOffset')
    expect(decodeFrame(frame('2["x","last"]', 'out'), { recovery: true })).not.toHaveProperty('recoveryOffset')
  })

  it('reports the pid of a recovering CONNECT reply', () => {
    expect(decodeFrame(frame('0{"sid":"a","pid":"b"}'))).toMatchObject({ packetType: 'CONNECT', pid: 'b' })
  })

  it('shows a binary frame as an attachment with its size', () => {
    expect(decodeFrame(frame(new Uint8Array([1, 2, 3])))).toEqual({ kind: 'attachment', byteLength: 3 })
  })

  it.each([
    ['an unknown packet type', '9["x"]', /unknown packet type/],
    ['malformed JSON', '2["chat",', /invalid payload/],
    ['a reserved event name', '2["connect"]', /invalid payload/],
    ['too many attachments', '511-["bin"]', /too many attachments/],
    ['an illegal attachment count', '5x-["bin"]', /Illegal attachments/],
    ['an empty message', '', /unknown packet type/],
  ])('returns the decoder error for %s, never throwing', (_label, text, message) => {
    const d = decodeFrame(frame(text))
    expect(d).toMatchObject({ kind: 'error', raw: text, message: expect.stringMatching(message) })
  })

  it('survives an entry that is not even a frame', () => {
    expect(() => decodeFrame({} as never)).not.toThrow()
    expect(decodeFrame({ engineType: 'message', data: 42 } as never).kind).toBe('error')
  })

  it('reads the wire type without decoding', () => {
    expect(socketPacketType(frame('51-["a",{"_placeholder":true,"num":0}]'))).toBe('BINARY_EVENT')
    expect(socketPacketType(frame('', 'in', 'ping'))).toBeUndefined()
  })
})
