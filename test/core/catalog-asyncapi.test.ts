import type { EventEntry, LogEntry } from '#core'
import { EventCatalog, exportAsyncApi } from '#core'
import { describe, expect, it } from 'vitest'
import { parseAsyncApi } from '../../src/shared/asyncapi'

let nextId = 1
function ev(name: string, args: unknown[], direction: 'in' | 'out' = 'in'): EventEntry {
  return Object.freeze({ kind: 'event', id: nextId++, sessionId: 's1', time: 1_700_000_000_000 + nextId, mono: nextId, direction, name, args, bytes: 64 }) as EventEntry
}
const ORIGIN = 'http://localhost:3000'
const root = { url: `${ORIGIN}/`, namespace: '/' }
const ns1 = { url: ORIGIN, namespace: '/namespace1' }

const DOC_30 = `
asyncapi: 3.0.0
info: { title: Chat, version: 2.1.0 }
channels:
  root:
    address: /
    messages:
      chatMessage:
        name: chat message
        summary: A chat line
        payload:
          type: array
          prefixItems:
            - type: object
              properties: { text: { type: string }, at: { type: string, format: date-time } }
              required: [text]
          minItems: 1
          maxItems: 1
        examples:
          - payload: [{ text: hi }]
      join:
        name: join
        payload:
          type: array
          items: [{ type: string }]
        x-ack:
          payload: { type: array, items: [{ type: object, properties: { ok: { type: boolean } }, required: [ok] }] }
  ns1:
    address: /namespace1
    messages:
      tick:
        payload: { type: array, items: [{ type: integer }] }
operations:
  sendChat:
    action: send
    channel: { $ref: '#/channels/root' }
    messages: [{ $ref: '#/channels/root/messages/chatMessage' }]
  receiveChat:
    action: receive
    channel: { $ref: '#/channels/root' }
    messages: [{ $ref: '#/channels/root/messages/chatMessage' }]
  receiveJoin:
    action: receive
    channel: { $ref: '#/channels/root' }
    messages: [{ $ref: '#/channels/root/messages/join' }]
  sendTick:
    action: send
    channel: { $ref: '#/channels/ns1' }
`

const DOC_26 = {
  asyncapi: '2.6.0',
  info: { title: 'Old', version: '1.0.0' },
  channels: {
    '/': {
      subscribe: { message: { name: 'news', payload: { type: 'array', items: [{ type: 'string' }] } } },
      publish: { message: { oneOf: [{ name: 'hello', payload: { type: 'array', items: [{ type: 'integer' }] } }, { name: 'bye', payload: { type: 'object' } }] } },
    },
  },
}

async function parsed(input: string | object): Promise<Record<string, unknown>> {
  const r = await parseAsyncApi(input)
  if (!r.ok)
    throw new Error(`refused: ${JSON.stringify(r.diagnostics)}`)
  return r.document
}

describe('import', () => {
  it('reads a 3.0 document: channels → namespaces, messages → events, send = in, receive = out, prefixItems, x-ack', async () => {
    const c = new EventCatalog()
    const r = c.importAsyncApi(await parsed(DOC_30), { origin: ORIGIN })
    expect(r.ok).toBe(true)
    if (!r.ok)
      return
    expect(r.info).toMatchObject({ origin: ORIGIN, title: 'Chat', version: '2.1.0', asyncapi: '3.0.0', events: 4 })
    expect([...r.info.namespaces].sort()).toEqual(['/', '/namespace1'])
    expect(c.events().map(e => [e.namespace, e.name, e.direction, e.source])).toEqual([
      ['/', 'chat message', 'in', 'imported'],
      ['/', 'chat message', 'out', 'imported'],
      ['/', 'join', 'out', 'imported'],
      ['/namespace1', 'tick', 'in', 'imported'],
    ])
    const chat = c.get({ origin: ORIGIN, namespace: '/', name: 'chat message', direction: 'in' })!
    // prefixItems read as the draft-07 tuple; the parser's own annotations left out.
    expect(chat.schema).toEqual({
      type: 'array',
      items: [{ type: 'object', properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' } }, required: ['text'] }],
      minItems: 1,
      maxItems: 1,
    })
    expect(chat.imported).toMatchObject({ summary: 'A chat line', examples: [[{ text: 'hi' }]], messageId: 'chatMessage' })
    expect(chat.example).toEqual([{ text: 'hi' }])
    expect(c.get({ origin: ORIGIN, namespace: '/', name: 'join', direction: 'out' })!.imported!.ack).toMatchObject({ items: [{ required: ['ok'] }] })
    // A message without `name`: its key.
    expect(c.get({ origin: `${ORIGIN}/`, namespace: 'namespace1', name: 'tick', direction: 'in' })).toBeDefined()
  })

  it('reads a 2.6 document: subscribe = in, publish = out, oneOf messages, a non-array payload as the only argument', async () => {
    const c = new EventCatalog()
    const r = c.importAsyncApi(await parsed(DOC_26), { origin: ORIGIN })
    expect(r.ok).toBe(true)
    expect(c.events().map(e => [e.namespace, e.name, e.direction])).toEqual([
      ['/', 'bye', 'out'],
      ['/', 'hello', 'out'],
      ['/', 'news', 'in'],
    ])
    expect(r.ok && r.warnings.some(w => w.includes('read as the only argument'))).toBe(true)
    expect(c.get({ origin: ORIGIN, namespace: '/', name: 'bye', direction: 'out' })!.schema).toEqual({ type: 'array', items: [{ type: 'object' }], minItems: 1, maxItems: 1 })
  })

  it('shows learned and imported apart, and both when both', async () => {
    const c = new EventCatalog()
    c.observe(ev('chat message', [{ text: 'x' }]), root)
    c.observe(ev('typing', [true]), root)
    c.importAsyncApi(await parsed(DOC_30), { origin: ORIGIN })
    const by = Object.fromEntries(c.events({ namespace: '/' }).map(e => [`${e.name}/${e.direction}`, e.source]))
    expect(by).toMatchObject({ 'chat message/in': 'both', 'chat message/out': 'imported', 'typing/in': 'learned' })
    // The imported schema is the one to validate and complete with.
    expect(c.get({ origin: ORIGIN, namespace: '/', name: 'chat message', direction: 'in' })!.schema).toMatchObject({ items: [{ required: ['text'] }] })
    expect(c.removeImport(ORIGIN)).toBe(true)
    expect(c.events().map(e => [e.name, e.source])).toEqual([['chat message', 'learned'], ['typing', 'learned']])
  })

  it('refuses what it cannot read, without throwing', () => {
    const c = new EventCatalog()
    expect(c.importAsyncApi('nope', { origin: ORIGIN })).toEqual({ ok: false, error: 'not an AsyncAPI document (expected an object)' })
    expect(c.importAsyncApi({ asyncapi: '1.2.0' }, { origin: ORIGIN })).toMatchObject({ ok: false, error: expect.stringContaining('unsupported AsyncAPI version 1.2.0') })
    expect(c.importAsyncApi({ info: {} }, { origin: ORIGIN })).toMatchObject({ ok: false })
  })
})

describe('parseAsyncApi (Node)', () => {
  it('refuses an invalid document with the parser\'s diagnostics', async () => {
    const r = await parseAsyncApi('asyncapi: 3.0.0\ninfo: { title: x }\nchannels: 3\n')
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.diagnostics.length).toBeGreaterThan(0)
      expect(r.diagnostics.every(d => d.severity === 'error')).toBe(true)
      expect(r.diagnostics.map(d => d.path)).toContain('info')
    }
  })

  it('never throws on garbage and never follows external references', async () => {
    expect(await parseAsyncApi('{not json: [')).toMatchObject({ ok: false })
    expect(await parseAsyncApi('')).toEqual({ ok: false, diagnostics: [{ message: 'the document is empty', path: '', severity: 'error' }] })
    expect(await parseAsyncApi('x'.repeat(100), { maxBytes: 10 })).toMatchObject({ ok: false, diagnostics: [{ message: expect.stringContaining('too large') }] })
    const external = DOC_30.replace(`payload: { type: array, items: [{ type: integer }] }`, `payload: { $ref: 'http://127.0.0.1:9/schema.json' }`)
    const r = await parseAsyncApi(external)
    expect(r).toMatchObject({ ok: false, diagnostics: [{ message: expect.stringContaining('external reference http://127.0.0.1:9/schema.json is not followed') }] })
  })
})

describe('validation against the imported document', () => {
  async function catalog(): Promise<EventCatalog> {
    const c = new EventCatalog()
    c.importAsyncApi(await parsed(DOC_30), { origin: ORIGIN })
    return c
  }

  it('passes matching events and reports schema violations with a readable reason and path', async () => {
    const c = await catalog()
    expect(c.check(ev('chat message', [{ text: 'hi', at: '2024-01-01T00:00:00Z' }]), root)).toBeUndefined()
    expect(c.check(ev('chat message', [{ text: 3 }]), root)).toEqual({ kind: 'schema', reason: 'argument 1: property `text` must be a string', path: '/0/text' })
    expect(c.check(ev('chat message', [{}]), root)).toEqual({ kind: 'schema', reason: 'argument 1: property `text` is required', path: '/0/text' })
    expect(c.check(ev('chat message', [{ text: 'a', at: 'later' }]), root)).toEqual({ kind: 'schema', reason: 'argument 1: property `at` must be a `date-time` string', path: '/0/at' })
    expect(c.check(ev('chat message', [{ text: 'a' }, 2]), root)).toEqual({ kind: 'schema', reason: 'expects at most 1 argument (got 2)', path: '' })
    expect(c.check(ev('chat message', []), root)).toEqual({ kind: 'schema', reason: 'expects at least 1 argument (got 0)', path: '' })
    expect(c.check(ev('tick', ['x']), ns1)).toEqual({ kind: 'schema', reason: 'argument 1 must be an integer', path: '/0' })
    expect(c.checkArgs({ origin: ORIGIN, namespace: '/', name: 'join', direction: 'out' }, [42])).toMatchObject({ reason: 'argument 1 must be a string' })
  })

  it('marks events the document does not declare, only where it declares the namespace', async () => {
    const c = await catalog()
    expect(c.check(ev('typing', [true]), root)).toEqual({ kind: 'undeclared', reason: '`typing` (server → client) is not declared in namespace / by the imported document “Chat”' })
    // `join` is declared client → server only.
    expect(c.check(ev('join', ['room']), root)).toMatchObject({ kind: 'undeclared' })
    expect(c.check(ev('join', ['room'], 'out'), root)).toBeUndefined()
    // A namespace the document does not describe, and another server: nothing to say.
    expect(c.check(ev('typing', [true]), { url: ORIGIN, namespace: '/other' })).toBeUndefined()
    expect(c.check(ev('typing', [true]), { url: 'http://elsewhere:1', namespace: '/' })).toBeUndefined()
    expect(new EventCatalog().check(ev('typing', [true]), root)).toBeUndefined()
  })

  it('checks acks against x-ack, and binary arguments against format: binary', async () => {
    const c = await catalog()
    const ack = (args: unknown[]): LogEntry => ({ kind: 'ack', id: nextId++, sessionId: 's1', time: 1, mono: 1, direction: 'in', correlationId: 'c', name: 'join', args, latencyMs: 1, timedOut: false, bytes: 8 }) as LogEntry
    expect(c.check(ack([{ ok: true }]), root)).toBeUndefined()
    expect(c.check(ack([{ ok: 'yes' }]), root)).toEqual({ kind: 'schema', reason: 'ack: argument 1: property `ok` must be a boolean', path: '/0/ok' })
    const bin = new EventCatalog()
    const doc = await parsed({ asyncapi: '3.0.0', info: { title: 'b', version: '1' }, channels: { c: { address: '/', messages: { up: { name: 'upload', payload: { type: 'array', items: [{ type: 'string', format: 'binary' }] } } } } }, operations: { r: { action: 'receive', channel: { $ref: '#/channels/c' } } } })
    bin.importAsyncApi(doc, { origin: ORIGIN })
    expect(bin.check(ev('upload', [new Uint8Array([1, 2])], 'out'), root)).toBeUndefined()
    expect(bin.check(ev('upload', [5], 'out'), root)).toMatchObject({ kind: 'schema', reason: 'argument 1 must be a string' })
  })

  it('re-checks after the import changes (cached verdicts are per import)', async () => {
    const c = new EventCatalog()
    const e = ev('typing', [true])
    expect(c.check(e, root)).toBeUndefined()
    c.importAsyncApi(await parsed(DOC_30), { origin: ORIGIN })
    expect(c.check(e, root)).toMatchObject({ kind: 'undeclared' })
    c.removeImport(ORIGIN)
    expect(c.check(e, root)).toBeUndefined()
  })
})

describe('export', () => {
  it('writes an AsyncAPI 3.0 document of the learned catalog that @asyncapi/parser accepts', async () => {
    const c = new EventCatalog()
    c.observe(ev('chat message', [{ text: 'hi', at: '2024-01-01T00:00:00Z', tags: ['a'] }]), root)
    c.observe(ev('chat message', [{ text: 'yo', at: '2024-01-01T00:00:01Z', tags: [], extra: null }]), root)
    c.observe(ev('chat message', ['hello', 3], 'out'), root)
    c.observe(ev('blob', [new Uint8Array([1, 2, 3])]), ns1)
    c.observe(ev('weird name/with:chars~', [1.5, [1, 'a', null]], 'out'), ns1)
    c.observe(ev('nothing', [], 'out'), ns1)
    c.observe(ev('echo', ['x'], 'out'), root)
    c.observe({ kind: 'ack', id: nextId++, sessionId: 's1', time: 1, mono: 1, direction: 'in', correlationId: 'c', name: 'echo', args: ['x'], latencyMs: 1, timedOut: false, bytes: 8 } as LogEntry, root)
    c.observe(ev('elsewhere', [1]), { url: 'http://other:1', namespace: '/' })
    const doc = exportAsyncApi(c, { server: 'ws://localhost:3000/socket.io/', title: 'Learned' })
    const r = await parseAsyncApi(JSON.stringify(doc))
    expect(r.ok ? r.warnings.filter(w => w.severity !== 'info') : r.diagnostics).toEqual([])
    expect(doc.servers).toEqual({ server: { host: 'localhost:3000', protocol: 'ws', description: 'Socket.IO server' } })
    expect(Object.values(doc.channels).map(ch => ch.address).sort()).toEqual(['/', '/namespace1'])
    const root0 = Object.values(doc.channels).find(ch => ch.address === '/')!
    const messages = root0.messages as Record<string, { 'name': string, 'examples'?: unknown[], 'x-ack'?: unknown }>
    // The same name both ways with different schemas: two messages.
    expect(Object.values(messages).filter(m => m.name === 'chat message')).toHaveLength(2)
    expect(Object.values(messages).find(m => m.name === 'echo')!['x-ack']).toEqual({ payload: { type: 'array', items: [{ type: 'string' }], minItems: 1, maxItems: 1 } })
    const actions = Object.values(doc.operations).map(o => o.action).sort()
    expect(actions).toEqual(['receive', 'receive', 'receive', 'receive', 'send', 'send'])
    expect(JSON.stringify(doc)).not.toContain('elsewhere')
  })

  it('round trip: import → export → parse → import gives the same definitions', async () => {
    const a = new EventCatalog()
    a.importAsyncApi(await parsed(DOC_30), { origin: ORIGIN })
    a.observe(ev('typing', [true]), root)
    const doc = exportAsyncApi(a, { server: ORIGIN })
    expect(doc.info).toMatchObject({ title: 'Chat', version: '2.1.0' })
    const b = new EventCatalog()
    const r = b.importAsyncApi(await parsed(JSON.stringify(doc)), { origin: ORIGIN })
    expect(r.ok).toBe(true)
    const defs = (c: EventCatalog): unknown[] => c.events().map(e => [e.namespace, e.name, e.direction, e.schema, e.imported?.ack ?? e.learned?.ack])
    expect(defs(b)).toEqual(defs(a))
    expect(b.get({ origin: ORIGIN, namespace: '/', name: 'chat message', direction: 'in' })!.imported!.examples).toEqual([[{ text: 'hi' }]])
  })
})
