/**
 * Bad input of every kind gets a clear error to its sender only, and the server keeps serving everyone.
 */
import type { ClientSocket } from './helpers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_TEXT_LENGTH } from '../../src/shared/demo-events'
import { expectSilence, TestBed, waitFor } from './helpers'

let bed: TestBed
beforeEach(async () => {
  bed = new TestBed()
  await bed.start({ maxRoomsPerSocket: 5, chatRateLimit: { points: 5, perMs: 1000 } })
})
afterEach(() => bed.cleanup())

/** Emits raw args (anything, in any position) and resolves with the ack's first argument. */
function emitAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<any> {
  return (socket as any).timeout(2000).emitWithAck(event, ...args)
}

const tooLong = 'x'.repeat(MAX_TEXT_LENGTH + 1)

describe('wrong arguments', () => {
  it.each([
    ['chat', [42], 'text must be a string, got a number'],
    ['chat', [''], 'text must not be empty'],
    ['chat', [tooLong], `text is too long: ${MAX_TEXT_LENGTH + 1} characters, at most ${MAX_TEXT_LENGTH}`],
    ['chat', [{ text: 'hi' }], 'text must be a string, got an object'],
    ['chat', [], 'text must be a string, got nothing'],
    ['chat:room', ['room', null], 'text must be a string, got null'],
    ['chat:room', [['room'], 'hi'], 'roomId must be a string, got an array'],
    ['chat:direct', ['no-such-id', 'hi'], 'unknown socket id "no-such-id"'],
    ['enter', [tooLong], 'roomId is too long'],
    ['enter', [7], 'roomId must be a string, got a number'],
    ['enter', ['admins'], 'the room "admins" is reserved'],
    ['leave', [false], 'roomId must be a string, got a boolean'],
    ['list:room', [''], 'roomId must not be empty'],
    ['stream:start', ['fast'], 'options must be an object, got a string'],
    ['stream:start', [{ rate: 0, count: 10 }], 'rate must be between 1 and 50000'],
    ['stream:start', [{ rate: 10, count: 100_001 }], 'count must be between 1 and 100000'],
    ['stream:start', [{ rate: 1.5, count: 10 }], 'rate must be an integer'],
    ['stream:stop', [], 'no stream is running'],
  ])('answers %s %j through the ack with a clear error', async (event, args, message) => {
    const [a, b] = await bed.connectMany(2)
    const result = await emitAck(a, event, ...args)
    expect(result).toMatchObject({ ok: false, event })
    expect(result.error).toContain(message)
    expect(result.message).toBe(result.error)
    await expectSilence(b, 'chat', 50)
  })

  it('answers through the error event when there is no ack', async () => {
    const [a, b] = await bed.connectMany(2)
    const error = waitFor(a, 'error')
    ;(a as any).emit('chat', 12345)
    expect(await error).toEqual({ message: 'text must be a string, got a number', event: 'chat' })
    await expectSilence(b, 'chat', 50)
  })

  it('treats a non-function in the ack position as an extra argument and answers with the error event', async () => {
    const a = await bed.connect()
    const error = waitFor(a, 'error')
    ;(a as any).emit('enter', 'room', 'not-a-callback')
    // Extra args are ignored: the enter succeeds, and nothing is acked; a bad first arg is still reported.
    ;(a as any).emit('enter', { room: 1 }, 'not-a-callback')
    expect(await error).toEqual({ message: 'roomId must be a string, got an object', event: 'enter' })
    expect(await emitAck(a, 'list:room', 'room')).toEqual({ ok: true, room: 'room', sockets: [a.id] })
  })

  it('ignores extra arguments after the expected ones', async () => {
    const [a, b] = await bed.connectMany(2)
    const got = waitFor(b, 'chat')
    expect(await emitAck(a, 'chat', 'hi', 'extra', { more: true })).toEqual({ ok: true, delivered: 1 })
    expect((await got).text).toBe('hi')
  })

  it('reports a listing without an ack through the error event', async () => {
    const a = await bed.connect()
    for (const event of ['list:room', 'list:rooms', 'list:namespace', 'list:server']) {
      const error = waitFor(a, 'error')
      ;(a as any).emit(event, 'room')
      expect(await error).toEqual({ message: expect.stringContaining(`${event} needs an acknowledgement callback`), event })
    }
  })

  it('accepts a chat without an ack and delivers it', async () => {
    const [a, b] = await bed.connectMany(2)
    const got = waitFor(b, 'chat')
    a.emit('chat', 'no ack needed')
    expect((await got).text).toBe('no ack needed')
  })

  it('refuses a second stream and a second quiz on the same socket', async () => {
    const a = await bed.connect()
    expect(await emitAck(a, 'stream:start', { rate: 1, count: 100 })).toMatchObject({ ok: true })
    expect(await emitAck(a, 'stream:start', { rate: 1, count: 100 })).toMatchObject({ ok: false, error: expect.stringContaining('already running') })
    expect(await emitAck(a, 'stream:stop')).toMatchObject({ ok: true })
    a.on('quiz', () => {})
    expect(await emitAck(a, 'quiz:start')).toMatchObject({ ok: true })
    expect(await emitAck(a, 'quiz:start')).toMatchObject({ ok: false, error: expect.stringContaining('already waiting') })
  })

  it('refuses to enter a room named after another socket\'s id, which would intercept its direct messages', async () => {
    const [a, b] = await bed.connectMany(2)
    expect(await emitAck(a, 'enter', b.id)).toMatchObject({ ok: false, error: expect.stringContaining('socket id') })
  })
})

describe('connections', () => {
  it('refuses an unknown namespace with socket.io\'s own "Invalid namespace"', async () => {
    const s = bed.socket('/random')
    const error = waitFor<Error>(s, 'connect_error')
    s.connect()
    expect((await error).message).toBe('Invalid namespace')
    // The server keeps serving.
    const a = await bed.connect('/namespace1')
    expect(a.connected).toBe(true)
  })
})

describe('admins', () => {
  it('get a warning for every chat message that fails validation, through the room admins', async () => {
    const admin = await bed.connect('/namespace2', { auth: { token: bed.server.adminToken } })
    const user = await bed.connect('/namespace1')
    const warning = waitFor(admin, 'warning')
    ;(user as any).emit('chat:room', 'room', 42)
    expect(await warning).toEqual({ message: 'text must be a string, got a number', from: user.id, event: 'chat:room', namespace: '/namespace1' })
  })

  it('get no warning for valid chat, and normal users never get warnings', async () => {
    const admin = await bed.connect('/', { auth: { token: bed.server.adminToken } })
    const [user, other] = await bed.connectMany(2)
    const warning = waitFor(admin, 'warning')
    user.emit('chat', 'fine')
    ;(other as any).emit('chat', '')
    expect(await warning).toMatchObject({ from: other.id, event: 'chat' })
    await expectSilence(user, 'warning', 100)
    await expectSilence(admin, 'warning', 100)
  })
})

describe('limits', () => {
  it('caps the rooms per socket with a clear error, and leaving one makes room again', async () => {
    const a = await bed.connect()
    for (let i = 0; i < 5; i++)
      expect(await emitAck(a, 'enter', `r${i}`)).toMatchObject({ ok: true })
    expect(await emitAck(a, 'enter', 'r5')).toMatchObject({ ok: false, error: expect.stringContaining('at most 5 rooms') })
    // Entering a room the socket is already in is not a new room.
    expect(await emitAck(a, 'enter', 'r0')).toMatchObject({ ok: true })
    await emitAck(a, 'leave', 'r0')
    expect(await emitAck(a, 'enter', 'r5')).toMatchObject({ ok: true })
  })

  it('caps rooms even when many enters arrive at once', async () => {
    const a = await bed.connect()
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => emitAck(a, 'enter', `burst-${i}`)))
    expect(results.filter(r => r.ok)).toHaveLength(5)
    const rooms = await emitAck(a, 'list:rooms')
    expect(Object.keys(rooms.rooms)).toHaveLength(5)
  })

  it('rate-limits chat per socket with an error that says so, without silencing other sockets', async () => {
    const [flooder, quiet, listener] = await bed.connectMany(3)
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => emitAck(flooder, 'chat', `flood ${i}`)))
    expect(results.filter(r => r.ok)).toHaveLength(5)
    expect(results.find(r => !r.ok)).toMatchObject({ ok: false, event: 'chat', error: expect.stringContaining('rate limited') })
    const got = waitFor(listener, 'chat')
    expect(await emitAck(quiet, 'chat', 'my turn')).toMatchObject({ ok: true })
    expect((await got).text).toBe('my turn')
  })

  it('rate-limits without an ack through the error event', async () => {
    const a = await bed.connect()
    const error = waitFor(a, 'error')
    for (let i = 0; i < 6; i++)
      a.emit('chat', `m${i}`)
    expect(await error).toMatchObject({ event: 'chat', message: expect.stringContaining('rate limited') })
  })
})
