/**
 * Every row of issue 2's table, in each of the three namespaces.
 */
import type { ClientSocket } from './helpers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_NAMESPACES, QUIZ_QUESTION } from '../../src/shared/demo-events'
import { collect, expectSilence, TestBed, waitFor } from './helpers'

const bed = new TestBed()
beforeAll(async () => {
  await bed.start({ quizTimeoutMs: 300 })
})
afterAll(() => bed.cleanup())

describe.each(DEMO_NAMESPACES)('in namespace %s', (nsp) => {
  it('welcomes a new socket with its id and namespace, logs it, and tells the others it joined', async () => {
    const [a] = await bed.connectMany(1, nsp)
    const joined = waitFor(a, 'presence')
    const b = bed.socket(nsp)
    const welcome = waitFor(b, 'welcome')
    b.connect()
    expect(await welcome).toEqual({ id: b.id, namespace: nsp, rooms: [] })
    expect(await joined).toEqual({ id: b.id, action: 'joined' })
    expect(bed.logs).toContain(`connected ${nsp} ${b.id}`)
  })

  it('broadcasts chat to everyone else in the namespace but never back to the sender', async () => {
    const [a, b, c] = await bed.connectMany(3, nsp)
    const atB = waitFor(b, 'chat')
    const atC = waitFor(c, 'chat')
    const result = await a.emitWithAck('chat', 'hello')
    expect(result).toEqual({ ok: true, delivered: expect.any(Number) })
    expect((result as { delivered: number }).delivered).toBeGreaterThanOrEqual(2)
    for (const msg of [await atB, await atC])
      expect(msg).toEqual({ from: a.id, text: 'hello', at: expect.any(Number) })
    await expectSilence(a, 'chat')
  })

  it('sends chat:room to the room members only, sender excluded, and counts the deliveries', async () => {
    const [a, b, outsider] = await bed.connectMany(3, nsp)
    await a.emitWithAck('enter', 'r1')
    await b.emitWithAck('enter', 'r1')
    const atB = waitFor(b, 'chat')
    expect(await a.emitWithAck('chat:room', 'r1', 'to the room')).toEqual({ ok: true, delivered: 1 })
    expect(await atB).toEqual({ from: a.id, text: 'to the room', at: expect.any(Number), room: 'r1' })
    await Promise.all([expectSilence(a, 'chat'), expectSilence(outsider, 'chat')])
  })

  it('sends chat:direct to exactly one socket', async () => {
    const [a, b, c] = await bed.connectMany(3, nsp)
    const atB = waitFor(b, 'chat')
    expect(await a.emitWithAck('chat:direct', b.id!, 'psst')).toEqual({ ok: true, delivered: 1 })
    expect(await atB).toEqual({ from: a.id, text: 'psst', at: expect.any(Number), to: b.id })
    await Promise.all([expectSilence(a, 'chat'), expectSilence(c, 'chat')])
  })

  it('enters and leaves rooms, acks the rooms without the id room, and tells the room members', async () => {
    const [a, b] = await bed.connectMany(2, nsp)
    await b.emitWithAck('enter', 'lobby')
    const entered = waitFor(b, 'presence')
    expect(await a.emitWithAck('enter', 'lobby')).toEqual({ ok: true, rooms: ['lobby'] })
    expect(await entered).toEqual({ id: a.id, action: 'enter', room: 'lobby' })
    expect(await a.emitWithAck('enter', 'other')).toEqual({ ok: true, rooms: ['lobby', 'other'] })

    const left = waitFor(b, 'presence')
    expect(await a.emitWithAck('leave', 'lobby')).toEqual({ ok: true, rooms: ['other'] })
    expect(await left).toEqual({ id: a.id, action: 'leave', room: 'lobby' })
  })

  it('leaveAll leaves every room but the socket\'s own id room, which still receives direct messages', async () => {
    const [a, b] = await bed.connectMany(2, nsp)
    await a.emitWithAck('enter', 'x')
    await a.emitWithAck('enter', 'y')
    await b.emitWithAck('enter', 'x')
    const left = waitFor(b, 'presence')
    expect(await a.emitWithAck('leaveAll')).toEqual({ ok: true, rooms: [] })
    expect(await left).toEqual({ id: a.id, action: 'leave', room: 'x' })
    const direct = waitFor(a, 'chat')
    await b.emitWithAck('chat:direct', a.id!, 'still there?')
    expect((await direct).text).toBe('still there?')
  })

  it('lists a room, the rooms without id rooms, the namespace and the server', async () => {
    const [a, b] = await bed.connectMany(2, nsp)
    const room = `list-${a.id}`
    await a.emitWithAck('enter', room)
    await b.emitWithAck('enter', room)

    expect(await a.emitWithAck('list:room', room)).toEqual({ ok: true, room, sockets: expect.arrayContaining([a.id, b.id]) })
    expect(await a.emitWithAck('list:room', 'nobody-here')).toEqual({ ok: true, room: 'nobody-here', sockets: [] })

    const rooms = await a.emitWithAck('list:rooms') as { ok: true, namespace: string, rooms: Record<string, string[]> }
    expect(rooms.ok).toBe(true)
    expect(rooms.namespace).toBe(nsp)
    expect(rooms.rooms[room]).toEqual(expect.arrayContaining([a.id, b.id]))
    expect(Object.keys(rooms.rooms)).not.toContain(a.id)
    expect(Object.keys(rooms.rooms)).not.toContain(b.id)

    const ns = await a.emitWithAck('list:namespace') as { ok: true, namespace: string, sockets: string[] }
    expect(ns).toEqual({ ok: true, namespace: nsp, sockets: expect.arrayContaining([a.id, b.id]) })

    const server = await a.emitWithAck('list:server') as { ok: true, namespaces: Record<string, string[]> }
    expect(server.ok).toBe(true)
    expect(Object.keys(server.namespaces).sort()).toEqual([...DEMO_NAMESPACES].sort())
    expect(server.namespaces[nsp]).toEqual(expect.arrayContaining([a.id, b.id]))
  })

  it('echoes every argument through the ack, or as an echo event without one', async () => {
    const [a] = await bed.connectMany(1, nsp)
    const acked = new Promise<unknown[]>(resolve => a.emit('echo', 1, 'two', { three: [3] }, null, (...args: unknown[]) => resolve(args)))
    expect(await acked).toEqual([1, 'two', { three: [3] }, null])
    const echoed = waitFor(a, 'echo')
    a.emit('echo', 'a', 2, { b: true })
    expect(await echoed).toEqual(['a', 2, { b: true }])
  })

  it('asks the quiz with an ack and reports a correct answer', async () => {
    const [a] = await bed.connectMany(1, nsp)
    a.once('quiz', (q, answer) => {
      expect(q).toEqual({ question: QUIZ_QUESTION })
      answer(42)
    })
    const result = waitFor(a, 'quiz:result')
    expect(await a.emitWithAck('quiz:start')).toEqual({ ok: true, question: QUIZ_QUESTION })
    expect(await result).toEqual({ answer: 42, correct: true })
  })

  it('reports a wrong quiz answer as incorrect and a missing one as timed out', async () => {
    const [a] = await bed.connectMany(1, nsp)
    a.once('quiz', (_q, answer) => answer('41'))
    a.emit('quiz:start')
    expect(await waitFor(a, 'quiz:result')).toEqual({ answer: '41', correct: false })

    a.once('quiz', () => {}) // never answers
    a.emit('quiz:start')
    expect(await waitFor(a, 'quiz:result', 2000)).toEqual({ timedOut: true })
  })

  it('streams ticks in order at the requested rate and ends with stream:done', async () => {
    const [a] = await bed.connectMany(1, nsp)
    const ticks = collect<{ seq: number, at: number }>(a, 'tick')
    const done = waitFor(a, 'stream:done', 3000)
    const started = Date.now()
    expect(await a.emitWithAck('stream:start', { rate: 200, count: 50 })).toEqual({ ok: true, rate: 200, count: 50 })
    expect(await done).toEqual({ sent: 50 })
    expect(ticks.map(t => t.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    // 50 at 200/s is ~245 ms; drift correction keeps it close to that.
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('stops a stream on stream:stop and reports how many ticks were sent', async () => {
    const [a] = await bed.connectMany(1, nsp)
    const ticks = collect(a, 'tick')
    await a.emitWithAck('stream:start', { rate: 100, count: 100_000 })
    await waitFor(a, 'tick')
    const done = waitFor(a, 'stream:done')
    const stopped = await a.emitWithAck('stream:stop') as { ok: true, sent: number }
    expect(stopped.ok).toBe(true)
    expect(await done).toEqual({ sent: stopped.sent })
    expect(ticks.length).toBe(stopped.sent)
    await expectSilence(a, 'tick', 100)
  })

  it('kicks a socket with a server disconnect, logs it and tells the others it left', async () => {
    const [a, b] = await bed.connectMany(2, nsp)
    await a.emitWithAck('enter', 'kicked-room')
    const id = a.id
    const left = waitFor(b, 'presence')
    const reason = waitFor(a, 'disconnect')
    a.emit('kick')
    expect(await reason).toEqual(['io server disconnect', undefined])
    expect(a.id).toBeUndefined()
    expect(await left).toEqual({ id, action: 'left', reason: expect.any(String) })
    expect(bed.logs.some(l => l.startsWith(`disconnecting ${nsp} ${id}`) && l.includes('kicked-room'))).toBe(true)
    expect(bed.logs.some(l => l.startsWith(`disconnect ${nsp} ${id}`))).toBe(true)
  })

  it('tells the others when a client disconnects, with the reason', async () => {
    const [a, b] = await bed.connectMany(2, nsp)
    const id = a.id
    const left = waitFor(b, 'presence')
    a.disconnect()
    expect(await left).toEqual({ id, action: 'left', reason: 'client namespace disconnect' })
  })
})

describe('namespaces', () => {
  it('keep rooms and broadcasts apart', async () => {
    const [a1, b1] = await bed.connectMany(2, '/namespace1')
    const [a2, b2] = await bed.connectMany(2, '/namespace2')
    for (const s of [a1, b1, a2, b2])
      await s.emitWithAck('enter', 'shared-name')
    const at1 = waitFor(b1, 'chat')
    expect(await a1.emitWithAck('chat:room', 'shared-name', 'only ns1')).toEqual({ ok: true, delivered: 1 })
    expect((await at1).text).toBe('only ns1')
    await Promise.all([expectSilence(a2, 'chat'), expectSilence(b2, 'chat')])
    const listed = await a2.emitWithAck('list:room', 'shared-name') as { sockets: string[] }
    expect(listed.sockets.sort()).toEqual([a2.id, b2.id].sort())
  })

  it('give a socket a different id in each namespace, and direct messages do not cross them', async () => {
    const a1 = await bed.connect('/namespace1')
    const b2 = await bed.connect('/namespace2')
    const result = await a1.emitWithAck('chat:direct', b2.id!, 'hello?')
    expect(result).toMatchObject({ ok: false, event: 'chat:direct' })
  })
})

export type { ClientSocket }
