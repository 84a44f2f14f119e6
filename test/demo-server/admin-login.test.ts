/**
 * Issue 12.3: admin-ui's basic auth runs a bcrypt compare for every CONNECT to `/admin`, before any login
 * and with no limit. The demo server's own guard runs first: a wrong password is refused by a fast keyed
 * hash and never reaches bcrypt, an address that keeps failing waits longer and longer, and one connection
 * or one address has at most one login in progress.
 *
 * bcrypt is counted where admin-ui calls it: its own copy of bcryptjs (a CommonJS module, shared through
 * Node's require cache), wrapped to count calls and the compares in flight. Nothing is replaced.
 */
import type { StartOptions } from '../../demo-server/src/start'
import { createRequire } from 'node:module'
import { io } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sleep, TestBed, waitFor } from './helpers'
import { RawClient } from './raw'

interface Bcrypt { compare: (...args: unknown[]) => Promise<boolean> }
const adminUiRequire = createRequire(createRequire(import.meta.url).resolve('@socket.io/admin-ui'))
const bcrypt = adminUiRequire('bcryptjs') as Bcrypt
const originalCompare = bcrypt.compare
const compares = { calls: 0, inFlight: 0, maxInFlight: 0 }

beforeAll(() => {
  bcrypt.compare = function (this: unknown, ...args: unknown[]) {
    compares.calls++
    compares.inFlight++
    compares.maxInFlight = Math.max(compares.maxInFlight, compares.inFlight)
    return originalCompare.apply(this, args).finally(() => compares.inFlight--)
  }
})
afterAll(() => {
  bcrypt.compare = originalCompare
})

const PASSWORD = 'right-password'
let bed: TestBed
const raws: RawClient[] = []

async function start(options: StartOptions = {}): Promise<void> {
  bed = new TestBed()
  await bed.start({ adminPassword: PASSWORD, ...options })
  Object.assign(compares, { calls: 0, inFlight: 0, maxInFlight: 0 })
}
afterEach(async () => {
  for (const r of raws.splice(0))
    r.close()
  await bed.cleanup()
})

function raw(): RawClient {
  const client = new RawClient(bed.server.url)
  raws.push(client)
  return client
}

const connectFrame = (auth: unknown): string => `40/admin,${JSON.stringify(auth)}`

/** The `/admin` answers (CONNECT or CONNECT_ERROR) a raw client got so far, in order. */
function adminAnswers(client: RawClient): Array<{ ok: true } | { ok: false, message: string }> {
  return client.received
    .filter(f => f.startsWith('40/admin,') || f.startsWith('44/admin,'))
    .map(f => f.startsWith('40') ? { ok: true as const } : { ok: false as const, message: JSON.parse(f.slice('44/admin,'.length)).message as string })
}

async function untilAnswers(clients: RawClient[], n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (clients.reduce((sum, c) => sum + adminAnswers(c).length, 0) < n) {
    if (Date.now() > deadline)
      throw new Error(`expected ${n} /admin answers, got ${clients.map(c => adminAnswers(c).length).join(' + ')}`)
    await sleep(10)
  }
}

describe('a storm of wrong admin passwords', () => {
  it('runs no bcrypt compare for 100 CONNECTs on one WebSocket, refuses them naming the limit, and keeps answering echo', async () => {
    await start({ bcryptRounds: 8 })
    const probe = await bed.connect('/')
    const client = raw()
    await client.next('0{')
    for (let i = 0; i < 100; i++)
      client.send(connectFrame({ username: 'admin', password: `guess-${i}` }))
    // Echo acks keep coming while the storm is being answered.
    const echoes = await Promise.all(Array.from({ length: 10 }, (_, i) => probe.timeout(5000).emitWithAck('echo', i)))
    expect(echoes).toEqual(Array.from({ length: 10 }, (_, i) => i))
    await untilAnswers([client], 100)

    expect(compares.calls).toBe(0)
    const answers = adminAnswers(client)
    expect(answers.every(a => !a.ok)).toBe(true)
    const messages = answers.map(a => (a as { message: string }).message)
    // The first few are plain refusals, then the address waits (admin-ui's own wording for the first kind).
    expect(messages.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => 'invalid credentials'))
    expect(messages.slice(5).every(m => /^too many admin login attempts, retry in \d+ s$/.test(m))).toBe(true)
    expect(await probe.emitWithAck('list:namespace')).toMatchObject({ ok: true })
  })

  it('runs no bcrypt compare for parallel connections from one address, and makes even the right password wait out the delay', async () => {
    await start({ adminLoginLimits: { freeFailures: 3, baseDelayMs: 400 } })
    const clients = Array.from({ length: 10 }, () => raw())
    await Promise.all(clients.map(c => c.next('0{')))
    for (const [i, c] of clients.entries())
      c.send(connectFrame({ username: 'admin', password: `guess-${i}` }))
    await untilAnswers(clients, 10)
    expect(compares.calls).toBe(0)
    const messages = clients.flatMap(c => adminAnswers(c)).map(a => (a as { message: string }).message)
    expect(messages.filter(m => m === 'invalid credentials')).toHaveLength(3)
    expect(messages.filter(m => m.startsWith('too many admin login attempts, retry in'))).toHaveLength(7)

    // Within the delay the address is refused whatever it sends, without a compare.
    const early = raw()
    await early.next('0{')
    early.send(connectFrame({ username: 'admin', password: PASSWORD }))
    await untilAnswers([early], 1)
    expect(adminAnswers(early)[0]).toEqual({ ok: false, message: expect.stringMatching(/^too many admin login attempts, retry in 1 s$/) })
    expect(compares.calls).toBe(0)

    // After it, the right password logs in (one compare: admin-ui's own check), and the failures are forgotten.
    await sleep(450)
    const late = raw()
    await late.next('0{')
    late.send(connectFrame({ username: 'admin', password: PASSWORD }))
    await untilAnswers([late], 1)
    expect(adminAnswers(late)).toEqual([{ ok: true }])
    expect(compares.calls).toBe(1)
    const again = raw()
    await again.next('0{')
    again.send(connectFrame({ username: 'admin', password: 'wrong again' }))
    await untilAnswers([again], 1)
    expect(adminAnswers(again)).toEqual([{ ok: false, message: 'invalid credentials' }])
  })

  it('doubles the delay with every further failure, up to the cap', async () => {
    await start({ adminLoginLimits: { freeFailures: 1, baseDelayMs: 1000, maxDelayMs: 2000 } })
    const retryIn: number[] = []
    for (let i = 0; i < 3; i++) {
      const client = raw()
      await client.next('0{')
      client.send(connectFrame({ username: 'admin', password: 'nope' }))
      client.send(connectFrame({ username: 'admin', password: 'nope' }))
      await untilAnswers([client], 2)
      const [first, second] = adminAnswers(client) as Array<{ message: string }>
      if (i === 0)
        expect(first.message).toBe('invalid credentials')
      retryIn.push(Number(/retry in (\d+) s/.exec(second.message)?.[1]))
      // Wait the delay out, so that the next round fails for real and grows it.
      await sleep(retryIn.at(-1)! * 1000 + 50)
    }
    expect(retryIn).toEqual([1, 2, 2])
    expect(compares.calls).toBe(0)
  }, 30_000)

  it('refuses a password that is missing or not a string without crashing the server', async () => {
    // Before the guard, admin-ui handed these to bcryptjs, whose rejection went unhandled and ended the process.
    await start()
    const client = raw()
    await client.next('0{')
    client.send(connectFrame({ username: 'admin', password: 12345 }))
    client.send(connectFrame({ username: 'admin', password: { $gt: '' } }))
    client.send(connectFrame({ username: 'admin' }))
    await untilAnswers([client], 3)
    expect(adminAnswers(client)).toEqual(Array.from({ length: 3 }, () => ({ ok: false, message: 'invalid credentials' })))
    expect(compares.calls).toBe(0)
    const user = await bed.connect('/')
    expect(await user.emitWithAck('echo', 'alive')).toBe('alive')
  })
})

describe('logins in progress', () => {
  it('allows one pending admin login per connection: 20 right-password CONNECTs on one WebSocket make one compare', async () => {
    await start({ bcryptRounds: 8 })
    const client = raw()
    await client.next('0{')
    for (let i = 0; i < 20; i++)
      client.send(connectFrame({ username: 'admin', password: PASSWORD }))
    await client.next('40/admin,{', 5000)
    // A CONNECT that comes after the login succeeded makes socket.io itself close the connection (a
    // CONNECT to a namespace the connection is already in): closed or quiet, no more answers come.
    await Promise.race([client.closed, sleep(300)])
    expect(compares.calls).toBe(1)
    const answers = adminAnswers(client)
    expect(answers.filter(a => a.ok)).toHaveLength(1)
    const refused = answers.filter(a => !a.ok)
    expect(refused.length).toBeGreaterThan(0)
    for (const a of refused)
      expect(a).toEqual({ ok: false, message: 'this connection already has an admin login in progress' })
  })

  it('runs one compare at a time per address: right-password logins from several connections wait their turn', async () => {
    await start({ bcryptRounds: 10 })
    const clients = Array.from({ length: 5 }, () => raw())
    await Promise.all(clients.map(c => c.next('0{')))
    for (const c of clients)
      c.send(connectFrame({ username: 'admin', password: PASSWORD }))
    await untilAnswers(clients, 5)
    expect(compares.maxInFlight).toBe(1)
    const answers = clients.flatMap(c => adminAnswers(c))
    expect(answers.filter(a => a.ok)).toHaveLength(5)
    expect(compares.calls).toBe(5)
  })

  it('refuses right-password logins past the per-address queue, with a message naming the limit', async () => {
    await start({ bcryptRounds: 10 })
    const clients = Array.from({ length: 12 }, () => raw())
    await Promise.all(clients.map(c => c.next('0{')))
    for (const c of clients)
      c.send(connectFrame({ username: 'admin', password: PASSWORD }))
    await untilAnswers(clients, 12, 15_000)
    expect(compares.maxInFlight).toBe(1)
    const answers = clients.flatMap(c => adminAnswers(c))
    // One in progress and 8 queued get in; the other 3 are refused at once.
    expect(answers.filter(a => a.ok)).toHaveLength(9)
    const refused = answers.filter(a => !a.ok)
    expect(refused).toHaveLength(3)
    for (const a of refused)
      expect(a).toEqual({ ok: false, message: 'too many admin logins from this address at once; retry when they end' })
  })
})

describe('admin-ui\'s own login still works', () => {
  it('logs in with the password, then again with the session id it got, without a second compare', async () => {
    await start()
    const first = io(`${bed.server.url}/admin`, { auth: { username: 'admin', password: PASSWORD }, transports: ['websocket'], forceNew: true, reconnection: false })
    const session = waitFor<string>(first, 'session', 3000)
    try {
      await waitFor(first, 'connect', 3000)
      const sessionId = await session
      expect(compares.calls).toBe(1)
      first.disconnect()

      const second = io(`${bed.server.url}/admin`, { auth: { sessionId }, transports: ['websocket'], forceNew: true, reconnection: false })
      try {
        const config = waitFor(second, 'config', 3000)
        await waitFor(second, 'connect', 3000)
        expect(await config).toMatchObject({ supportedFeatures: expect.arrayContaining(['EMIT']) })
        expect(compares.calls).toBe(1)
      }
      finally {
        second.disconnect()
      }

      const stale = io(`${bed.server.url}/admin`, { auth: { sessionId: 'not-a-session' }, transports: ['websocket'], forceNew: true, reconnection: false })
      try {
        expect((await waitFor<Error>(stale, 'connect_error', 3000)).message).toBe('invalid credentials')
        expect(compares.calls).toBe(1)
      }
      finally {
        stale.disconnect()
      }
    }
    finally {
      first.disconnect()
    }
  })
})
