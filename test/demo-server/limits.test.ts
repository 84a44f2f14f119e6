/**
 * Issue 12.6 and 12.8: what well-formed requests may cost. Room names are short, acks and listings are
 * capped (with `total` and `truncated` when cut), listings are rate-limited per socket, and every stream
 * draws on one server-wide budget of ticks per second.
 */
import type { StartOptions } from '../../demo-server/src/start'
import type { StreamRate } from '../../src/shared/demo-events'
import type { ClientSocket } from './helpers'
import { afterEach, describe, expect, it } from 'vitest'
import { LIST_CAPS, LIST_RATE_LIMIT, MAX_ACK_ROOMS, MAX_ROOM_NAME_LENGTH, STREAM_MIN_RATE, STREAM_RATE_BUDGET } from '../../src/shared/demo-events'
import { collect, TestBed, waitFor } from './helpers'

let bed: TestBed
async function start(options: StartOptions = {}): Promise<void> {
  bed = new TestBed()
  await bed.start(options)
}
afterEach(() => bed.cleanup())

function emitAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<any> {
  return (socket as any).timeout(5000).emitWithAck(event, ...args)
}

describe('room names', () => {
  const longest = 'r'.repeat(MAX_ROOM_NAME_LENGTH)
  const tooLong = 'r'.repeat(MAX_ROOM_NAME_LENGTH + 1)

  it('are at most 128 characters in enter, leave, list:room and chat:room, with an error that says so', async () => {
    await start()
    const a = await bed.connect()
    expect(MAX_ROOM_NAME_LENGTH).toBe(128)
    expect(await emitAck(a, 'enter', longest)).toEqual({ ok: true, rooms: [longest] })
    const message = `roomId is too long: ${MAX_ROOM_NAME_LENGTH + 1} characters, at most ${MAX_ROOM_NAME_LENGTH}`
    for (const [event, args] of [['enter', [tooLong]], ['leave', [tooLong]], ['list:room', [tooLong]], ['chat:room', [tooLong, 'hi']]] as const)
      expect(await emitAck(a, event, ...args)).toEqual({ ok: false, event, error: message, message })
    expect(await emitAck(a, 'chat:direct', tooLong, 'hi')).toMatchObject({ ok: false, error: expect.stringContaining('socketId is too long') })
    expect(await emitAck(a, 'list:rooms')).toEqual({ ok: true, namespace: '/', rooms: { [longest]: [a.id] } })
  })
})

describe('room acks', () => {
  it(`list at most ${MAX_ACK_ROOMS} of the socket's rooms, with total and truncated past that`, async () => {
    await start({ maxRoomsPerSocket: 150 })
    const a = await bed.connect()
    const names = Array.from({ length: 120 }, (_, i) => `room-${String(i).padStart(3, '0')}`)
    const acks = []
    for (const name of names)
      acks.push(await emitAck(a, 'enter', name))
    expect(acks[MAX_ACK_ROOMS - 1]).toEqual({ ok: true, rooms: names.slice(0, MAX_ACK_ROOMS) })
    expect(acks[MAX_ACK_ROOMS]).toEqual({ ok: true, rooms: names.slice(0, MAX_ACK_ROOMS), total: MAX_ACK_ROOMS + 1, truncated: true })
    expect(acks.at(-1)).toEqual({ ok: true, rooms: names.slice(0, MAX_ACK_ROOMS), total: 120, truncated: true })
    expect(await emitAck(a, 'leave', names[0])).toEqual({ ok: true, rooms: names.slice(1, MAX_ACK_ROOMS + 1), total: 119, truncated: true })
    expect(await emitAck(a, 'leaveAll')).toEqual({ ok: true, rooms: [] })
  })
})

describe('listings', () => {
  it(`answer list:rooms with at most ${LIST_CAPS.items} rooms by default, with total and truncated`, async () => {
    await start({ maxRoomsPerSocket: LIST_CAPS.items + 10 })
    const a = await bed.connect()
    const n = LIST_CAPS.items + 1
    const results = await Promise.all(Array.from({ length: n }, (_, i) => emitAck(a, 'enter', `r${String(i).padStart(4, '0')}`)))
    expect(results.every(r => r.ok)).toBe(true)
    const listed = await emitAck(a, 'list:rooms')
    expect(Object.keys(listed.rooms)).toHaveLength(LIST_CAPS.items)
    // Sorted by name: the last one is the one left out.
    expect(listed.rooms[`r${String(n - 1).padStart(4, '0')}`]).toBeUndefined()
    expect(listed).toMatchObject({ ok: true, namespace: '/', total: n, truncated: true })
    expect(listed.sizes).toBeUndefined()
  })

  it('cap the ids of list:room, list:namespace and list:server, and the members of each room in list:rooms', async () => {
    await start({ listCaps: { items: 3, membersPerRoom: 2 } })
    const sockets = await bed.connectMany(5)
    for (const s of sockets)
      await emitAck(s, 'enter', 'crowd')
    await emitAck(sockets[0], 'enter', 'quiet')
    const [a] = sockets

    const room = await emitAck(a, 'list:room', 'crowd')
    expect(room).toMatchObject({ ok: true, room: 'crowd', total: 5, truncated: true })
    expect(room.sockets).toHaveLength(3)
    const ns = await emitAck(a, 'list:namespace')
    expect(ns).toMatchObject({ ok: true, namespace: '/', total: 5, truncated: true })
    expect(ns.sockets).toHaveLength(3)
    const server = await emitAck(a, 'list:server')
    expect(server).toMatchObject({ ok: true, totals: { '/': 5, '/namespace1': 0, '/namespace2': 0 }, truncated: true })
    expect(server.namespaces['/']).toHaveLength(3)
    const rooms = await emitAck(a, 'list:rooms')
    expect(rooms).toEqual({ ok: true, namespace: '/', rooms: { crowd: expect.any(Array), quiet: [a.id] }, sizes: { crowd: 5 }, total: 2, truncated: true })
    expect(rooms.rooms.crowd).toHaveLength(2)
    // Under the caps, an answer is what it always was.
    expect(await emitAck(a, 'list:room', 'quiet')).toEqual({ ok: true, room: 'quiet', sockets: [a.id] })
  })

  it('are rate-limited per socket, all list:* together, with an error that says so', async () => {
    await start()
    const [flooder, other] = await bed.connectMany(2)
    const events = ['list:namespace', 'list:rooms', 'list:server']
    const results = await Promise.all(Array.from({ length: LIST_RATE_LIMIT.points + 5 }, (_, i) => emitAck(flooder, events[i % 3])))
    expect(results.filter(r => r.ok)).toHaveLength(LIST_RATE_LIMIT.points)
    const refused = results.filter(r => !r.ok)
    expect(refused).toHaveLength(5)
    for (const r of refused)
      expect(r.error).toBe(`rate limited: at most ${LIST_RATE_LIMIT.points} list requests every ${LIST_RATE_LIMIT.perMs} ms; this one was refused`)
    // Without an ack, through the error event.
    const error = waitFor(flooder, 'error')
    ;(flooder as any).emit('list:namespace')
    expect(await error).toMatchObject({ event: 'list:namespace', message: expect.stringContaining('rate limited') })
    // Another socket has its own allowance.
    expect(await emitAck(other, 'list:namespace')).toMatchObject({ ok: true })
  })
})

describe('the server-wide stream budget', () => {
  // The attack: 30 connections asking 50,000/s each made 1.5 million emits a second and stalled the loop.
  it('gives 30 connections asking 50,000/s each {ok: true, rate} with the rates adding up to the budget at most, and an echo keeps answering', async () => {
    await start()
    const sockets = await bed.connectMany(30)
    for (const s of sockets)
      s.on('tick', () => {})
    // The rate each stream has now: its ack's, then each stream:rate (which comes after the ack on its socket).
    const rates = new Map<ClientSocket, number>()
    for (const s of sockets)
      s.on('stream:rate', (r: StreamRate) => rates.set(s, r.rate))
    const acks = await Promise.all(sockets.map(s => emitAck(s, 'stream:start', { rate: 50_000, count: 100_000 }).then((ack) => {
      if (!rates.has(s))
        rates.set(s, ack.rate)
      return ack
    })))
    for (const ack of acks) {
      expect(ack).toMatchObject({ ok: true, count: 100_000 })
      expect(ack.rate).toBeGreaterThanOrEqual(STREAM_MIN_RATE)
    }
    // Each later stream's ack says it was cut, and why; the rates granted now add up to the budget at most.
    expect(acks.slice(1).every(a => a.requested === 50_000 && a.limited === 'server-wide budget')).toBe(true)
    const echo = await bed.connect()
    expect(await emitAck(echo, 'echo', 'still here')).toBe('still here')
    // 30 fair shares of 50,000/s, in whole ticks: 1,666 or 1,667 each, at most 50,000 in all.
    await expect.poll(() => [...rates.values()].every(r => r === 1666 || r === 1667)).toBe(true)
    expect([...rates.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(STREAM_RATE_BUDGET)
    await Promise.all(sockets.map(s => emitAck(s, 'stream:stop')))
  })

  it('shares the budget fairly: running streams are cut to make room, told by stream:rate, and get it back when streams end', async () => {
    await start({ streamRateBudget: 1000 })
    const [a, b, c, d] = await bed.connectMany(4)
    for (const s of [a, b, c, d])
      s.on('tick', () => {})
    const changes = new Map([a, b, c, d].map(s => [s, collect<StreamRate>(s, 'stream:rate')]))
    expect(await emitAck(a, 'stream:start', { rate: 600, count: 100_000 })).toEqual({ ok: true, rate: 600, count: 100_000 })
    // B asks 600 of the 400 left: both get half.
    const aCut = waitFor<StreamRate>(a, 'stream:rate')
    expect(await emitAck(b, 'stream:start', { rate: 600, count: 100_000 })).toEqual({ ok: true, rate: 500, count: 100_000, requested: 600, limited: 'server-wide budget' })
    expect(await aCut).toEqual({ rate: 500, requested: 600, limited: 'server-wide budget' })
    // C asks less than a third: it gets all it asks, A and B share the rest.
    expect(await emitAck(c, 'stream:start', { rate: 200, count: 100_000 })).toEqual({ ok: true, rate: 200, count: 100_000 })
    await expect.poll(() => changes.get(a)!.at(-1)).toEqual({ rate: 400, requested: 600, limited: 'server-wide budget' })
    await expect.poll(() => changes.get(b)!.at(-1)).toEqual({ rate: 400, requested: 600, limited: 'server-wide budget' })
    expect(changes.get(c)).toEqual([])

    // A stop gives its share back to the streams that were cut.
    const bBack = waitFor<StreamRate>(b, 'stream:rate')
    expect(await emitAck(a, 'stream:stop')).toMatchObject({ ok: true })
    expect(await bBack).toEqual({ rate: 600, requested: 600 })
    // So does a socket that leaves, and a stream that ends by itself.
    expect(await emitAck(d, 'stream:start', { rate: 1000, count: 100_000 })).toMatchObject({ ok: true, rate: 400, requested: 1000 })
    const dGrows = waitFor<StreamRate>(d, 'stream:rate')
    b.disconnect()
    expect(await dGrows).toEqual({ rate: 800, requested: 1000, limited: 'server-wide budget' })
    await emitAck(d, 'stream:stop')
    const done = waitFor(c, 'stream:done')
    await emitAck(c, 'stream:stop')
    await done
    expect(await emitAck(d, 'stream:start', { rate: 1000, count: 100_000 })).toEqual({ ok: true, rate: 1000, count: 100_000 })
  })

  it('keeps a stream whose rate changed on its count: every tick once, in order, then stream:done', async () => {
    await start({ streamRateBudget: 1000 })
    const [a, b] = await bed.connectMany(2)
    const seqs = collect<{ seq: number }>(a, 'tick')
    b.on('tick', () => {})
    const done = waitFor<{ sent: number }>(a, 'stream:done', 10_000)
    expect(await emitAck(a, 'stream:start', { rate: 1000, count: 400 })).toMatchObject({ ok: true, rate: 1000 })
    const cut = waitFor<StreamRate>(a, 'stream:rate')
    const bRates = collect<StreamRate>(b, 'stream:rate')
    expect(await emitAck(b, 'stream:start', { rate: 1000, count: 100_000 })).toMatchObject({ ok: true, rate: 500 })
    expect(await cut).toMatchObject({ rate: 500 })
    expect(await done).toEqual({ sent: 400 })
    expect(seqs.map(t => t.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1))
    // A's end gives B the whole budget.
    await expect.poll(() => bRates.at(-1)).toEqual({ rate: 1000, requested: 1000 })
    expect(await emitAck(b, 'stream:stop')).toMatchObject({ ok: true })
  })

  it('refuses a stream whose fair share would be under 100/s, saying so, and changes nothing', async () => {
    await start({ streamRateBudget: 1000 })
    const sockets = await bed.connectMany(11)
    for (const s of sockets)
      s.on('tick', () => {})
    // Ten streams at 100/s each fill the budget; an eleventh would get 90/s.
    for (const s of sockets.slice(0, 10))
      expect(await emitAck(s, 'stream:start', { rate: 1000, count: 100_000 })).toMatchObject({ ok: true })
    const refused = await emitAck(sockets[10], 'stream:start', { rate: 1000, count: 100_000 })
    expect(refused).toMatchObject({ ok: false, event: 'stream:start' })
    expect(refused.error).toContain('server-wide stream budget exhausted: 10 streams share 1000 ticks/s')
    // A stream that asks for less than the floor still gets what it asks when there is room for it.
    await emitAck(sockets[0], 'stream:stop')
    expect(await emitAck(sockets[10], 'stream:start', { rate: 50, count: 100_000 })).toEqual({ ok: true, rate: 50, count: 100_000 })
  })

  it(`is ${STREAM_RATE_BUDGET.toLocaleString('en-US')} ticks/s by default, shared by every namespace`, async () => {
    await start()
    const a = await bed.connect('/')
    const b = await bed.connect('/namespace1')
    a.on('tick', () => {})
    b.on('tick', () => {})
    const first = await emitAck(a, 'stream:start', { rate: STREAM_RATE_BUDGET, count: 100_000 })
    const cut = waitFor<StreamRate>(a, 'stream:rate')
    const second = await emitAck(b, 'stream:start', { rate: STREAM_RATE_BUDGET, count: 100_000 })
    expect(first).toEqual({ ok: true, rate: STREAM_RATE_BUDGET, count: 100_000 })
    expect(second).toEqual({ ok: true, rate: STREAM_RATE_BUDGET / 2, count: 100_000, requested: STREAM_RATE_BUDGET, limited: 'server-wide budget' })
    expect((await cut).rate).toBe(STREAM_RATE_BUDGET / 2)
    await emitAck(a, 'stream:stop')
    await emitAck(b, 'stream:stop')
  })
})
