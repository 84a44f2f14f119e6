// @vitest-environment happy-dom
/**
 * Issue 17, the page's catalog store: it learns from a real socket.io server's traffic through the log's
 * batches, checks log entries and composer arguments against an imported document (cached per entry),
 * exports AsyncAPI 3.0, and says why import is unavailable without the inspector server. Plus the
 * composer's schema completions (pure text functions).
 */
import type { JsonSchema, LogEntry } from '#core'
import { createServer } from 'node:http'
import { catalogOrigin } from '#core'
import { createPinia, setActivePinia } from 'pinia'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cursorContext, schemaCompletions, skeleton } from '../../inspector-ui/src/components/catalog/schema-complete'
import { resetRuntimeConfig } from '../../inspector-ui/src/config'
import { catalogExportFilename, resetCatalog, useCatalogStore } from '../../inspector-ui/src/stores/catalog'
import { getInspector, resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

let SERVER = ''
let closeReal: () => Promise<void> = async () => {}
beforeAll(async () => {
  const http = createServer((_req, res) => res.writeHead(404).end())
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: true } })
  io.on('connection', (socket) => {
    socket.emit('welcome', { id: socket.id, at: new Date().toISOString() })
    socket.on('chat', (text: unknown, ack?: (r: unknown) => void) => {
      socket.emit('chat', { text, from: socket.id })
      ack?.({ ok: true })
    })
  })
  io.of('/other').on('connection', socket => socket.emit('hello', 1))
  SERVER = `http://127.0.0.1:${await listen(http)}`
  closeReal = async () => {
    io.close()
    await closeServer(http, sockets)
  }
})
beforeEach(() => {
  localStorage.clear()
  document.head.innerHTML = ''
  resetRuntimeConfig()
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
  resetCatalog()
})
afterAll(() => closeReal())

/** An AsyncAPI 3.0 document as @asyncapi/parser's `document.json()` gives it (references resolved). */
function documentFor(): unknown {
  const chat = { name: 'chat', payload: { type: 'array', items: [{ type: 'object', properties: { text: { type: 'string' }, from: { type: 'string' } }, required: ['text', 'from'] }], minItems: 1, maxItems: 1 } }
  const welcome = { name: 'welcome', payload: { type: 'array', items: [{ type: 'object', properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } }, required: ['id'] }] } }
  const send = { name: 'chat', payload: { type: 'array', items: [{ type: 'string', enum: ['hi', 'bye'] }] } }
  // Dereferenced: operations hold the very channel and message objects (as `document.json()` does).
  const root = { address: '/', messages: { chatIn: chat, welcome, chatOut: send } }
  return {
    asyncapi: '3.0.0',
    info: { title: 'test server', version: '1.0.0' },
    channels: { root },
    operations: {
      onChat: { action: 'send', channel: root, messages: [chat] },
      onWelcome: { action: 'send', channel: root, messages: [welcome] },
      doChat: { action: 'receive', channel: root, messages: [send] },
    },
  }
}

async function connectedSession(path = '/'): Promise<string> {
  const sessions = useSessionsStore()
  const id = sessions.openSession({ url: `${SERVER}${path}`, reconnection: false })
  await expect.poll(() => sessions.snapshotOf(id)?.status, { timeout: 5000 }).toBe('connected')
  return id
}

function entriesOf(sessionId: string, name: string): LogEntry[] {
  return [...getInspector().log].filter(e => e.sessionId === sessionId && e.kind === 'event' && e.name === name)
}

describe('catalog store', () => {
  it('learns every event of the traffic per server, namespace and direction, and ticks its version', async () => {
    const catalog = useCatalogStore()
    const sessions = useSessionsStore()
    const root = await connectedSession('/')
    const other = await connectedSession('/other')
    const before = catalog.version
    expect(sessions.emit(root, 'chat', ['hi'], { ack: true }).ok).toBe(true)
    await expect.poll(() => catalog.events({ origin: catalogOrigin(SERVER) }).map(e => `${e.namespace} ${e.direction} ${e.name}`).sort(), { timeout: 5000 })
      .toEqual(['/ in chat', '/ in welcome', '/ out chat', '/other in hello'])
    expect(other).toBeTruthy()
    await expect.poll(() => catalog.version).toBeGreaterThan(before)
    const chatIn = catalog.get({ origin: catalogOrigin(SERVER), namespace: '/', name: 'chat', direction: 'in' })
    expect(chatIn?.source).toBe('learned')
    expect(chatIn?.count).toBe(1)
    expect(chatIn?.example).toEqual([{ text: 'hi', from: expect.any(String) }])
    expect(catalog.get({ origin: catalogOrigin(SERVER), namespace: '/', name: 'welcome', direction: 'in' })?.schema)
      .toMatchObject({ type: 'array', items: [{ type: 'object', properties: { at: { type: 'string', format: 'date-time' } } }] })
    expect(catalog.origins()).toEqual([catalogOrigin(SERVER)])
  })

  it('marks entries that break the imported document, and undeclared ones, caching the check by entry id', async () => {
    const catalog = useCatalogStore()
    const sessions = useSessionsStore()
    const id = await connectedSession('/')
    await expect.poll(() => entriesOf(id, 'welcome').length, { timeout: 5000 }).toBe(1)
    const welcome = entriesOf(id, 'welcome')[0]
    expect(catalog.violationOf(welcome)).toBeUndefined() // nothing imported yet

    const outcome = catalog.importParsed(documentFor(), SERVER)
    expect(outcome.ok).toBe(true)
    expect(catalog.imports.map(i => i.origin)).toEqual([catalogOrigin(SERVER)])
    expect(catalog.violationOf(welcome)).toBeUndefined() // it matches

    // The server answers `chat` with `{ text, from }`; `text` is what we sent: a number breaks the schema.
    sessions.emit(id, 'chat', [42])
    await expect.poll(() => entriesOf(id, 'chat').filter(e => e.direction === 'in').length, { timeout: 5000 }).toBe(1)
    const [sent] = entriesOf(id, 'chat').filter(e => e.direction === 'out')
    const [echoed] = entriesOf(id, 'chat').filter(e => e.direction === 'in')
    const violation = catalog.violationOf(echoed)
    expect(violation).toMatchObject({ kind: 'schema' })
    expect(violation?.kind === 'schema' && violation.path).toContain('text')
    expect(catalog.violationOf(echoed)).toBe(violation) // cached: the same answer object
    expect(catalog.violationOf(sent)).toMatchObject({ kind: 'schema' }) // 42 is not 'hi' | 'bye'

    sessions.emit(id, 'nobody-declared-this', [])
    await expect.poll(() => entriesOf(id, 'nobody-declared-this').length, { timeout: 5000 }).toBe(1)
    expect(catalog.violationOf(entriesOf(id, 'nobody-declared-this')[0])).toMatchObject({ kind: 'undeclared' })

    // The composer's check (a warning): the same document, for arguments not sent yet.
    expect(catalog.checkOutgoing(id, 'chat', ['hi'])).toBeUndefined()
    expect(catalog.checkOutgoing(id, 'chat', ['hello'])).toMatchObject({ kind: 'schema' })

    // Removing the document drops the marks (the cache goes with it).
    catalog.removeImport(catalogOrigin(SERVER))
    expect(catalog.violationOf(echoed)).toBeUndefined()
    expect(catalog.get({ origin: catalogOrigin(SERVER), namespace: '/', name: 'chat', direction: 'in' })?.source).toBe('learned')
  })

  it('shows imported definitions apart from learned ones (imported, both)', async () => {
    const catalog = useCatalogStore()
    await connectedSession('/')
    await expect.poll(() => catalog.events().length, { timeout: 5000 }).toBeGreaterThan(0)
    catalog.importParsed(documentFor(), SERVER)
    const origin = catalogOrigin(SERVER)
    expect(catalog.get({ origin, namespace: '/', name: 'welcome', direction: 'in' })?.source).toBe('both')
    expect(catalog.get({ origin, namespace: '/', name: 'chat', direction: 'out' })?.source).toBe('imported')
  })

  it('refuses a document it cannot read with the reason, and keeps the previous state', () => {
    const catalog = useCatalogStore()
    const outcome = catalog.importParsed({ asyncapi: '1.2.0', info: { title: 'x', version: '1' } }, SERVER)
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/version/) })
    expect(catalog.lastImport).toBe(outcome)
    expect(catalog.imports).toEqual([])
  })

  it('exports what it learned as an AsyncAPI 3.0 document, named after the host', async () => {
    const catalog = useCatalogStore()
    const sessions = useSessionsStore()
    const id = await connectedSession('/')
    sessions.emit(id, 'chat', ['hi'])
    await expect.poll(() => catalog.events().length, { timeout: 5000 }).toBe(3)
    const doc = JSON.parse(catalog.exportText(SERVER)) as { asyncapi: string, operations: Record<string, { action: string }> }
    expect(doc.asyncapi).toBe('3.0.0')
    expect(Object.values(doc.operations).map(o => o.action).sort()).toEqual(['receive', 'send', 'send'])
    expect(catalogExportFilename('http://127.0.0.1:3000')).toBe('127.0.0.1_3000-asyncapi.json')
    expect(catalogExportFilename('not a url')).toBe('not_a_url-asyncapi.json')
  })

  it('says why import is not available without the inspector server (npm run dev:ui), and offers nothing', async () => {
    const catalog = useCatalogStore()
    const outcome = await catalog.importText('{}', SERVER, 'doc.json')
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/"doc.json" was not imported: .*Node server/) })
    await connectedSession('/')
    expect(catalog.offers).toEqual([])
  })
})

describe('schema completions (composer)', () => {
  const meta: JsonSchema = { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] }
  const tuple: JsonSchema = {
    type: 'array',
    items: [
      { type: 'object', properties: { room: { type: 'string', enum: ['lobby', 'games'] }, urgent: { type: 'boolean' }, meta }, required: ['room'] },
      { type: 'string', enum: ['a', 'b'] },
    ],
  }

  it('finds the cursor: argument index, keys down, key or value position', () => {
    expect(cursorContext('[{ room: "x", meta: { ', 22)).toMatchObject({ path: [0, 'meta'], at: 'key' })
    expect(cursorContext('[{ room: ', 9)).toMatchObject({ path: [0, 'room'], at: 'value' })
    expect(cursorContext('[{}, ', 5)).toMatchObject({ path: [1], at: 'value' })
    expect(cursorContext('', 0)).toMatchObject({ at: 'top' })
    // Strings and comments do not confuse it.
    expect(cursorContext('[{ "a,b": "[{", // {[\n ', 23)).toMatchObject({ path: [0], at: 'key' })
  })

  it('offers the keys not yet written, with required / optional and the type', () => {
    const text = '[{ room: "lobby", '
    const keys = schemaCompletions(tuple, text, text.length)
    expect(keys.map(k => k.label)).toEqual(['urgent', 'meta'])
    expect(keys[0]).toMatchObject({ kind: 'key', insertText: 'urgent: ', detail: 'optional boolean' })
  })

  it('offers enum values and booleans where a value goes, bare inside a string', () => {
    expect(schemaCompletions(tuple, '[{ room: ', 9).map(s => s.label)).toEqual(['"lobby"', '"games"'])
    expect(schemaCompletions(tuple, '[{ room: "', 10).map(s => s.insertText)).toEqual(['lobby', 'games'])
    expect(schemaCompletions(tuple, '[{ urgent: ', 11).map(s => s.label)).toEqual(['true', 'false'])
    expect(schemaCompletions(tuple, '[{}, ', 5).map(s => s.label)).toEqual(['"a"', '"b"'])
  })

  it('writes a skeleton of the arguments from the schema', () => {
    expect(schemaCompletions(tuple, '', 0)[0].insertText).toBe('[{ room: "lobby" }, "a"]')
    expect(skeleton(meta)).toBe('{ tag: "" }')
  })
})
