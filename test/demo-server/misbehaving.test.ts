/**
 * Issue 7: raw WebSocket and HTTP clients misbehave while 50 well-behaved socket.io clients stay
 * connected; each misbehaving client is dropped or refused, and the 50 see every message they should,
 * in order, and none they shouldn't.
 */
import type { ChatMessage } from '../../src/shared/demo-events'
import type { ClientSocket } from './helpers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep, TestBed } from './helpers'
import { RawClient } from './raw'

const CHAT_POINTS = 50
const bed = new TestBed()
let sender: ClientSocket
let receivers: ClientSocket[]
const inbox = new Map<ClientSocket, ChatMessage[]>()
const raws: RawClient[] = []

function raw(options?: { answerPings?: boolean }): RawClient {
  const client = new RawClient(bed.server.url, options)
  raws.push(client)
  return client
}

beforeAll(async () => {
  // Default heartbeats (25 s + 20 s) here: the 10,000-enter flood keeps the event loop busy for about a
  // second, which a short pingTimeout would (rightly) count against the well-behaved clients.
  await bed.start({ chatRateLimit: { points: CHAT_POINTS, perMs: 1000 } })
  const all = await bed.connectMany(50, '/')
  sender = all[0]
  receivers = all.slice(1)
  for (const r of receivers) {
    const messages: ChatMessage[] = []
    inbox.set(r, messages)
    r.on('chat', m => messages.push(m))
  }
})
afterAll(async () => {
  for (const r of raws)
    r.close()
  await bed.cleanup()
})

describe('while 50 well-behaved clients are connected', () => {
  it('drops or refuses every misbehaving client and delivers every message, in order, to the others', async () => {
    // The well-behaved sender: 40 messages over ~1 s, under the rate limit.
    const sending = (async () => {
      for (let i = 1; i <= 40; i++) {
        sender.emit('chat', `msg ${i}`)
        await sleep(25)
      }
    })()

    const garbage = raw()
    await garbage.next('0{')
    garbage.send('hello, this is not engine.io')

    const malformed = raw()
    await malformed.open('/')
    malformed.send('42["chat","unterminated')

    const binaryFirst = raw()
    await binaryFirst.next('0{')
    binaryFirst.send(Buffer.from([0xDE, 0xAD, 0xBE, 0xEF]))

    const tooManyAttachments = raw()
    await tooManyAttachments.open('/')
    tooManyAttachments.send('451000-["chat",{"_placeholder":true,"num":0}]')

    const oversized = raw()
    await oversized.open('/')
    oversized.send(`42["chat","${'x'.repeat(1_100_000)}"]`)

    const results = await Promise.all([garbage, malformed, binaryFirst, tooManyAttachments, oversized].map(c =>
      Promise.race([c.closed, sleep(3000).then(() => 'still open')])))
    for (const result of results)
      expect(result).not.toBe('still open')

    await sending
    await sleep(200)
    const sent = Array.from({ length: 40 }, (_, i) => `msg ${i + 1}`)
    for (const r of receivers) {
      const fromSender = inbox.get(r)!.filter(m => m.from === sender.id).map(m => m.text)
      expect(fromSender).toEqual(sent)
      expect(inbox.get(r)!.every(m => m.from === sender.id)).toBe(true)
    }
    expect(inbox.has(sender)).toBe(false)
  })

  it('refuses CONNECTs to 1,000 unknown namespaces and keeps serving', async () => {
    const client = raw()
    await client.next('0{')
    for (let i = 0; i < 1000; i++)
      client.send(`40/ns${i},`)
    await client.next('44/ns999,{"message":"Invalid namespace"}', 5000)
    expect(client.received.filter(f => f.startsWith('40')).length).toBe(0)
    expect(await sender.emitWithAck('list:namespace')).toMatchObject({ ok: true, sockets: expect.arrayContaining([sender.id]) })
  })

  it('makes one socket, not a thousand, from a burst of CONNECTs to one namespace', async () => {
    const before = (await sender.emitWithAck('list:namespace') as { sockets: string[] }).sockets.length
    const client = raw()
    await client.next('0{')
    for (let i = 0; i < 1000; i++)
      client.send('40')
    await Promise.race([client.closed, sleep(1000)])
    const after = (await sender.emitWithAck('list:namespace') as { sockets: string[] }).sockets.length
    expect(after - before).toBeLessThanOrEqual(1)
  })

  it('bounds 10,000 enters to distinct rooms from one socket at the room cap', async () => {
    const client = raw()
    await client.open('/')
    const id = JSON.parse((await client.next('40{')).slice(2)).sid as string
    for (let i = 0; i < 10_000; i++)
      client.send(`42["enter","flood-${i}"]`)
    await client.next('42["error",{"message":"room limit reached', 5000)
    await sleep(300)
    const rooms = await sender.emitWithAck('list:rooms') as { rooms: Record<string, string[]> }
    const mine = Object.entries(rooms.rooms).filter(([, ids]) => ids.includes(id))
    expect(mine.length).toBe(100)
  })

  it('rate-limits a chat flood with an error that says so, and the others see at most the allowance', async () => {
    const client = raw()
    await client.open('/')
    const id = JSON.parse((await client.next('40{')).slice(2)).sid as string
    for (let i = 0; i < 500; i++)
      client.send(`42["chat","spam ${i}"]`)
    expect(await client.next('42["error",{"message":"rate limited', 3000)).toContain('chat')
    await sleep(300)
    for (const r of receivers) {
      const spam = inbox.get(r)!.filter(m => m.from === id)
      expect(spam.length).toBeGreaterThan(0)
      expect(spam.length).toBeLessThanOrEqual(CHAT_POINTS * 2)
    }
  })

  it('refuses a raw CONNECT with a wrong admin token, saying why, and never makes it an admin', async () => {
    const client = raw()
    await client.next('0{')
    client.send('40{"token":"guess"}')
    const refusal = JSON.parse((await client.next('44')).slice(2))
    expect(refusal).toEqual({ message: 'invalid admin token', data: { reason: 'bad-admin-token', hint: expect.any(String) } })
    const rooms = await sender.emitWithAck('list:rooms') as { rooms: Record<string, string[]> }
    expect(rooms.rooms.admins).toBeUndefined()
  })

  it('refuses an HTTP long-polling POST over maxHttpBufferSize', async () => {
    const handshake = await (await fetch(`${bed.server.url}/socket.io/?EIO=4&transport=polling`)).text()
    const sid = JSON.parse(handshake.slice(1)).sid as string
    const response = await fetch(`${bed.server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      body: `4${'x'.repeat(1_100_000)}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    })
    expect(response.status).toBe(413)
  })

  it('is still serving afterwards', async () => {
    const late = await bed.connect('/')
    const got = new Promise<ChatMessage>(resolve => receivers[0].once('chat', resolve))
    // The 50 plus the raw clients of the tests above that were rate-limited or capped, not dropped.
    const result = await late.emitWithAck('chat', 'still here') as { ok: true, delivered: number }
    expect(result.delivered).toBeGreaterThanOrEqual(50)
    expect((await got).text).toBe('still here')
  })
})

describe('heartbeats', () => {
  it('drops a client that never answers pings and keeps the ones that do', async () => {
    const local = new TestBed()
    try {
      await local.start({ serverOptions: { pingInterval: 200, pingTimeout: 200 } })
      const good = await local.connect('/')
      const silent = new RawClient(local.server.url, { answerPings: false })
      raws.push(silent)
      await silent.open('/')
      const closed = await Promise.race([silent.closed, sleep(3000).then(() => 'still open' as const)])
      expect(closed).not.toBe('still open')
      expect(local.logs.some(l => l.includes('ping timeout'))).toBe(true)
      expect(good.connected).toBe(true)
      expect(await good.emitWithAck('list:namespace')).toEqual({ ok: true, namespace: '/', sockets: [good.id] })
    }
    finally {
      await local.cleanup()
    }
  })
})
