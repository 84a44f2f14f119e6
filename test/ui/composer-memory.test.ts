// @vitest-environment happy-dom
/**
 * Issue 16 item 4 in the composer store, against a real socket.io 4.8 server (basic-crud's `todo:create`,
 * whose handler always calls its callback) and real inspector sessions: per-event memory, the draft across
 * a reload, `{{variables}}` resolved at send, repeat sending, and binary from a file received as the exact
 * bytes.
 */
import type { Socket } from 'socket.io'
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { createPinia, setActivePinia } from 'pinia'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { loadLanguage } from '../../inspector-ui/src/i18n'
import { binaryArgText, insertNextArgument, MAX_BINARY_FILE_BYTES, readBinaryArg } from '../../inspector-ui/src/lib/composer-binary'
import { startRepeat, validateRepeat } from '../../inspector-ui/src/lib/composer-repeat'
import { MAX_EVENT_MEMORY, remember, validateEventMemory } from '../../inspector-ui/src/lib/event-memory'
import { storageProblems } from '../../inspector-ui/src/lib/storage'
import { useComposerStore } from '../../inspector-ui/src/stores/composer'
import { useEnvironmentsStore } from '../../inspector-ui/src/stores/environments'
import { getInspector, resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { setLang } from '../../inspector-ui/src/tutorial/lang'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const POLL = { timeout: 8000, interval: 10 }

interface Received { name: string, args: unknown[] }
let SERVER = ''
const received: Received[] = []
const serverSockets: Socket[] = []
let closeReal: () => Promise<void> = async () => {}

beforeAll(async () => {
  const http = createServer((_req, res) => res.writeHead(404).end())
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: true } })
  io.on('connection', (socket) => {
    serverSockets.push(socket)
    socket.onAny((name: string, ...args: unknown[]) => {
      const callback = typeof args.at(-1) === 'function' ? args.pop() as (...a: unknown[]) => void : undefined
      // Only this test's sockets: a closed tab's last emit may reach the server after the next test began.
      if (serverSockets.includes(socket))
        received.push({ name, args })
      if (name === 'todo:create') {
        // basic-crud: the handler always calls its callback; without an ack it would throw "callback is not a function".
        if (!callback)
          throw new TypeError('callback is not a function')
        callback({ data: `id-${received.length}` })
      }
      else if (name === 'bin') {
        const value = args[0]
        callback?.({
          isBuffer: Buffer.isBuffer(value),
          length: Buffer.isBuffer(value) ? value.length : -1,
          sha256: Buffer.isBuffer(value) ? createHash('sha256').update(value).digest('hex') : '',
        })
      }
      else {
        callback?.('ok')
      }
    })
  })
  SERVER = `http://127.0.0.1:${await listen(http)}/`
  closeReal = async () => {
    io.close()
    await closeServer(http, sockets)
  }
})
beforeEach(() => {
  localStorage.clear()
  received.length = 0
  serverSockets.length = 0
  setActivePinia(createPinia())
})
afterEach(() => {
  // Disposed, not only left behind: a store's repeat timer or draft timer must not reach the next test
  // (whose first session is `s1` again).
  useComposerStore().$dispose()
  resetInspector()
})
afterAll(() => closeReal())

async function connectedSession(): Promise<string> {
  const sessions = useSessionsStore()
  const id = sessions.openSession({ url: SERVER, reconnection: false })
  await expect.poll(() => sessions.snapshotOf(id)?.status, POLL).toBe('connected')
  return id
}

function ackEntries(sessionId: string): unknown[][] {
  return [...getInspector().log].flatMap(e => e.sessionId === sessionId && e.kind === 'ack' ? [[...e.args]] : [])
}

/** A new page: the stores start again from localStorage. */
function reload(): void {
  useComposerStore().flushDraft()
  setActivePinia(createPinia())
}

// Korean is a chunk of its own in the app (loaded on the first switch); here it is loaded up front.
beforeAll(() => loadLanguage('ko'))

describe('per-event memory', () => {
  it('restores ack, timeout and arguments of the last emit of a name when that name is typed again', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'todo:create'
    composer.args = '[{title: "milk", completed: false}]'
    composer.ack = true
    composer.ackTimeoutMs = 4000
    expect(composer.send(id).ok).toBe(true)
    await expect.poll(() => ackEntries(id).length, POLL).toBe(1)
    expect(received).toEqual([{ name: 'todo:create', args: [{ title: 'milk', completed: false }] }])

    // Another event, its own options.
    composer.event = 'chat'
    composer.args = '["hello"]'
    composer.ack = false
    expect(composer.send(id).ok).toBe(true)
    expect(composer.restored).toBeUndefined()

    // Typed again letter by letter: nothing happens on the way, everything is back at the end.
    composer.event = ''
    for (const letter of 'todo:create') composer.event += letter
    expect(composer.ack).toBe(true)
    expect(composer.ackTimeoutMs).toBe(4000)
    expect(composer.args).toBe('[{title: "milk", completed: false}]')
    expect(composer.restored).toEqual({ from: 'memory', event: 'todo:create', keptArgs: false })

    // The server's handler gets its callback this time too.
    expect(composer.send(id).ok).toBe(true)
    await expect.poll(() => ackEntries(id).length, POLL).toBe(2)

    // And `chat` comes back without an ack.
    composer.event = 'chat'
    expect(composer.ack).toBe(false)
    expect(composer.args).toBe('["hello"]')
  })

  it('survives a reload, bounded to the most recent names, and sets unreadable entries aside', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'todo:create'
    composer.args = '[{title: "a"}]'
    composer.ack = true
    composer.send(id)
    reload()
    const again = useComposerStore()
    again.event = 'x'
    again.ack = false
    again.event = 'todo:create'
    expect(again.ack).toBe(true)
    expect(again.args).toBe('[{title: "a"}]')

    let list = remember([], { event: 'first', ack: true, ackTimeoutMs: 1000, args: '[]', volatile: false, sentAt: 0 })
    for (let i = 0; i < MAX_EVENT_MEMORY + 20; i++)
      list = remember(list, { event: `e${i}`, ack: false, ackTimeoutMs: 1000, args: `[${i}]`, volatile: false, sentAt: i })
    expect(list).toHaveLength(MAX_EVENT_MEMORY)
    expect(list[0]!.event).toBe(`e${MAX_EVENT_MEMORY + 19}`)
    expect(list.some(m => m.event === 'first')).toBe(false)

    const before = storageProblems.value.length
    const kept = validateEventMemory([{ event: 'ok', ack: true, ackTimeoutMs: 5, args: '[]' }, { event: 3 }, 'nope'])
    expect(kept.map(m => m.event)).toEqual(['ok'])
    expect(storageProblems.value.length).toBe(before + 1)
    expect(storageProblems.value.at(-1)!.message).toMatch(/2 unreadable entries/)
    expect(() => validateEventMemory({})).toThrow(/expected a list/)
  })

  it('does not replace arguments the user is typing for that same name', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'todo:create'
    composer.args = '[{title: "old"}]'
    composer.ack = true
    composer.send(id)

    // Editing the arguments of `todo:create`, then a slip in the name and back: the edit stays.
    composer.args = '[{title: "new, being typed"}]'
    composer.event = 'todo:creat'
    composer.event = 'todo:create'
    expect(composer.args).toBe('[{title: "new, being typed"}]')

    // Arguments typed before the name was complete are kept; the options are restored.
    composer.event = ''
    composer.ack = false
    composer.args = '[{title: "typed first"}]'
    for (const letter of 'todo:create') composer.event += letter
    expect(composer.args).toBe('[{title: "typed first"}]')
    expect(composer.ack).toBe(true)
    expect(composer.restored).toEqual({ from: 'memory', event: 'todo:create', keptArgs: true })

    // "Edit" from the history is explicit: it wins over the memory.
    composer.load({ event: 'todo:create', args: '[{title: "from history"}]', ack: false, ackTimeoutMs: 10_000, volatile: false })
    expect(composer.args).toBe('[{title: "from history"}]')
    expect(composer.ack).toBe(false)
  })

  it('follows the catalog for a never-sent name that answers an ack, not for a remembered one', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'fresh'
    composer.suggestAck('fresh')
    expect(composer.ack).toBe(true)
    expect(composer.restored).toEqual({ from: 'catalog', event: 'fresh' })
    composer.ack = false
    composer.send(id)
    composer.event = 'other'
    composer.event = 'fresh'
    composer.suggestAck('fresh')
    expect(composer.ack).toBe(false)
  })
})

describe('the draft', () => {
  it('comes back after a reload: event, arguments, ack, timeout, volatile', async () => {
    const composer = useComposerStore()
    composer.event = 'todo:update'
    composer.args = '[{id: "1", title: "x"}]'
    composer.ack = true
    composer.ackTimeoutMs = 2500
    composer.volatile = true
    await nextTick()
    // Written a moment after the last edit.
    await expect.poll(() => JSON.parse(localStorage.getItem('sio-inspector-v1-draft') ?? '{}').event, POLL).toBe('todo:update')
    setActivePinia(createPinia())
    const again = useComposerStore()
    expect({ event: again.event, args: again.args, ack: again.ack, ackTimeoutMs: again.ackTimeoutMs, volatile: again.volatile })
      .toEqual({ event: 'todo:update', args: '[{id: "1", title: "x"}]', ack: true, ackTimeoutMs: 2500, volatile: true })
  })

  it('sets a damaged draft aside and starts empty', () => {
    localStorage.setItem('sio-inspector-v1-draft', '{"event": 3}')
    const before = storageProblems.value.length
    const composer = useComposerStore()
    expect(composer.event).toBe('')
    expect(storageProblems.value.length).toBe(before + 1)
    expect(storageProblems.value.at(-1)!.key).toBe('sio-inspector-v1-draft')
  })
})

describe('{{variables}} in the composer', () => {
  it('resolves them in the event name and the arguments at send, and remembers the templates', async () => {
    const id = await connectedSession()
    const envs = useEnvironmentsStore()
    envs.setVariables({ entity: 'todo', title: 'buy milk' })
    const composer = useComposerStore()
    composer.event = '{{entity}}:create'
    composer.args = '[{title: "{{title}}"}]'
    composer.ack = true
    expect(composer.error).toBeUndefined()
    expect(composer.send(id).ok).toBe(true)
    await expect.poll(() => received.length, POLL).toBe(1)
    expect(received[0]).toEqual({ name: 'todo:create', args: [{ title: 'buy milk' }] })
    expect(composer.history[0]!.args).toBe('[{title: "{{title}}"}]')
    expect(composer.memoryFor('{{entity}}:create')?.args).toBe('[{title: "{{title}}"}]')
  })

  it('an unknown variable is the error, naming it, and nothing is sent', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'chat'
    composer.args = '[\n  {token: "{{token}}"}]'
    // The live error is the unknown variable, at its place — not a syntax error of the braces.
    expect(composer.error?.field).toBe('args')
    expect(composer.error?.message).toMatch(/token/)
    expect(composer.error?.message).not.toMatch(/Syntax/)
    expect(composer.error?.line).toBe(2)
    const outcome = composer.send(id)
    expect(outcome.ok).toBe(false)
    expect(composer.sendError).toMatch(/token/)
    composer.event = '{{nope}}'
    expect(composer.send(id).ok).toBe(false)
    expect(composer.sendError).toMatch(/nope/)
    // A round trip later, the server still has nothing.
    composer.event = 'probe'
    composer.args = '[]'
    composer.send(id)
    await expect.poll(() => received.length, POLL).toBe(1)
    expect(received.map(r => r.name)).toEqual(['probe'])
    expect(composer.history.map(h => h.event)).toEqual(['probe'])
  })
})

describe('repeat sending', () => {
  it('sends N times every M ms, each a normal emit with its ack tracked', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'todo:create'
    composer.args = '[{title: "again"}]'
    composer.ack = true
    composer.repeatCount = 5
    composer.repeatIntervalMs = 20
    expect(composer.startRepeat(id)).toBeUndefined()
    await expect.poll(() => composer.repeat?.running, POLL).toBe(false)
    expect(composer.repeat).toMatchObject({ sent: 5, total: 5, end: { kind: 'done' } })
    await expect.poll(() => received.length, POLL).toBe(5)
    expect(received.every(r => r.name === 'todo:create')).toBe(true)
    await expect.poll(() => ackEntries(id).length, POLL).toBe(5)
    expect([...getInspector().log].filter(e => e.sessionId === id && e.kind === 'event' && e.direction === 'out')).toHaveLength(5)
    // One history entry for the run.
    expect(composer.history).toHaveLength(1)
  })

  it('stops when asked, and sends nothing after', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'tick'
    composer.repeatCount = 1000
    composer.repeatIntervalMs = 30
    composer.startRepeat(id)
    await expect.poll(() => composer.repeat!.sent, POLL).toBeGreaterThanOrEqual(3)
    composer.stopRepeat()
    const sent = composer.repeat!.sent
    expect(composer.repeat).toMatchObject({ running: false, end: { kind: 'stopped' } })
    expect(sent).toBeLessThan(1000)
    await expect.poll(() => received.length, POLL).toBe(sent)
    // Another round trip: the server sees it right after the run's last one, nothing in between.
    composer.repeatCount = 1
    composer.event = 'after'
    composer.send(id)
    await expect.poll(() => received.at(-1)?.name, POLL).toBe('after')
    expect(received).toHaveLength(sent + 1)
  })

  it('stops on a disconnect, saying why', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'tick'
    composer.repeatCount = 1000
    composer.repeatIntervalMs = 30
    composer.startRepeat(id)
    await expect.poll(() => composer.repeat!.sent, POLL).toBeGreaterThanOrEqual(2)
    for (const socket of serverSockets) socket.disconnect(true)
    await expect.poll(() => composer.repeat?.running, POLL).toBe(false)
    expect(composer.repeat!.end).toEqual({ kind: 'stopped', reason: 'the connection closed' })
    expect(composer.repeatEndMessage).toMatch(/the connection closed/)
  })

  it('stops when the tab is closed', async () => {
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'tick'
    composer.repeatCount = 1000
    composer.repeatIntervalMs = 30
    composer.startRepeat(id)
    await expect.poll(() => composer.repeat!.sent, POLL).toBeGreaterThanOrEqual(1)
    useSessionsStore().closeSession(id)
    await expect.poll(() => composer.repeat?.running, POLL).toBe(false)
    expect(composer.repeatEndMessage).toMatch(/the tab was closed/)
  })

  it('stops on an unknown variable, naming it', async () => {
    const id = await connectedSession()
    const envs = useEnvironmentsStore()
    envs.setVariables({ n: '1' })
    const composer = useComposerStore()
    composer.event = 'count'
    composer.args = '[{{n}}]'
    composer.repeatCount = 1000
    composer.repeatIntervalMs = 30
    composer.startRepeat(id)
    await expect.poll(() => composer.repeat!.sent, POLL).toBeGreaterThanOrEqual(2)
    // The variable goes away in the middle of the run: the next send is refused and the run ends.
    envs.setVariables({})
    await expect.poll(() => composer.repeat?.running, POLL).toBe(false)
    expect(composer.repeat!.end!.kind).toBe('failed')
    expect(composer.repeatEndMessage).toMatch(/\bn\b/)
    await expect.poll(() => received.length, POLL).toBe(composer.repeat!.sent)
    expect(received.every(r => JSON.stringify(r.args) === '[1]')).toBe(true)
  })

  it('refuses counts and intervals out of bounds with clear messages', () => {
    expect(validateRepeat(0, 10)).toEqual({ ok: false, message: expect.stringMatching(/count must be a whole number from 1 to 10000/) })
    expect(validateRepeat(10_001, 10).ok).toBe(false)
    expect(validateRepeat(2.5, 10).ok).toBe(false)
    expect(validateRepeat('', 10).ok).toBe(false)
    expect(validateRepeat(3, -1)).toEqual({ ok: false, message: expect.stringMatching(/interval must be a whole number of ms from 0/) })
    expect(validateRepeat(3, 0)).toEqual({ ok: true, count: 3, intervalMs: 0 })
    const composer = useComposerStore()
    composer.event = 'x'
    composer.repeatCount = 0
    expect(composer.startRepeat('any')).toMatch(/count/)
    expect(composer.sendError).toMatch(/count/)
    expect(composer.repeat).toBeUndefined()
  })

  it('runs every 0 ms without a busy loop and clears its timer on stop', async () => {
    let sends = 0
    const ended: string[] = []
    const run = startRepeat({ count: 50, intervalMs: 0 }, {
      send: () => {
        sends++
        return { ok: true }
      },
      progress: () => {},
      end: end => ended.push(end.kind),
    })
    // The first send is synchronous, the next ones wait for a timer.
    expect(sends).toBe(1)
    await expect.poll(() => sends, POLL).toBeGreaterThanOrEqual(3)
    run.stop()
    const at = sends
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(sends).toBe(at)
    expect(ended).toEqual(['stopped'])
  })
})

describe('binary from a file', () => {
  it('inserts {"$binary": …} as the next argument, and the server receives the exact bytes', async () => {
    const id = await connectedSession()
    const bytes = new Uint8Array(70_000)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xFF
    const file = new File([bytes], 'photo.bin')
    const read = await readBinaryArg(file)
    expect(read.ok).toBe(true)
    if (!read.ok)
      return
    expect(read.text.startsWith('{"$binary": "')).toBe(true)
    const composer = useComposerStore()
    composer.event = 'bin'
    composer.args = '[]'
    const placed = insertNextArgument(composer.args, read.text)
    expect(placed.ok).toBe(true)
    composer.args = placed.ok ? placed.text : ''
    composer.ack = true
    expect(composer.send(id).ok).toBe(true)
    await expect.poll(() => ackEntries(id).length, POLL).toBe(1)
    expect(ackEntries(id)[0]).toEqual([{
      isBuffer: true,
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }])
  })

  it('places the value as the next argument of any arguments text', () => {
    const bin = binaryArgText(new Uint8Array([0, 1, 255]))
    expect(bin).toBe('{"$binary": "AAH/"}')
    expect(insertNextArgument('', bin)).toEqual({ ok: true, text: `[${bin}]` })
    expect(insertNextArgument('[]', bin)).toEqual({ ok: true, text: `[${bin}]` })
    expect(insertNextArgument('["photo"]', bin)).toEqual({ ok: true, text: `["photo", ${bin}]` })
    expect(insertNextArgument('[\n  "photo",\n]\n', bin)).toEqual({ ok: true, text: `[\n  "photo",${bin}]\n` })
    expect(insertNextArgument('"one"', bin)).toEqual({ ok: true, text: `["one", ${bin}]` })
    expect(insertNextArgument('{a: 1}', bin)).toEqual({ ok: true, text: `[{a: 1}, ${bin}]` })
    expect(insertNextArgument('["unclosed', bin)).toEqual({ ok: false, error: expect.stringMatching(/Fix the arguments first/) })
    expect(insertNextArgument('[1] // note', bin).ok).toBe(false)
  })

  it('refuses a file over the limit before reading it, saying the limit', async () => {
    const big = new File([new Uint8Array(MAX_BINARY_FILE_BYTES + 1)], 'huge.iso')
    const read = await readBinaryArg(big)
    expect(read).toEqual({ ok: false, error: expect.stringMatching(/huge\.iso is 16\.0 MB: files up to 16 MB/) })
  })
})

describe('the composer panel', () => {
  afterEach(() => setLang('en'))

  it('inserts a picked file, notes what was restored, and speaks Korean when asked', async () => {
    const { mount } = await import('@vue/test-utils')
    const ComposerPanel = (await import('../../inspector-ui/src/components/ComposerPanel.vue')).default
    const id = await connectedSession()
    const composer = useComposerStore()
    composer.event = 'todo:create'
    composer.args = '[{title: "a"}]'
    composer.ack = true
    composer.send(id)
    // Monaco is not loaded here (the e2e test types into the real one).
    const wrapper = mount(ComposerPanel, { props: { sessionId: id, canSend: true, dark: false }, global: { stubs: { MonacoEditor: true } } })
    composer.event = 'other'
    composer.ack = false
    composer.event = 'todo:create'
    await nextTick()
    const note = wrapper.get('[data-testid="composer-restored"]')
    expect(note.text()).toMatch(/Restored from your last emit of\s*todo:create/)
    expect(note.get('code').text()).toBe('todo:create')
    expect(wrapper.get('[data-testid="emit-ack"]').element).toHaveProperty('checked', true)

    const input = wrapper.get('[data-testid="composer-binary-file"]')
    Object.defineProperty(input.element, 'files', { value: [new File([new Uint8Array([1, 2, 3])], 'three.bin')], configurable: true })
    await input.trigger('change')
    await expect.poll(() => composer.args, POLL).toBe('[{title: "a"}, {"$binary": "AQID"}]')
    expect(wrapper.get('[data-testid="composer-binary-note"]').text()).toMatch(/three\.bin \(3 bytes\)/)

    setLang('ko')
    await nextTick()
    expect(wrapper.get('[data-testid="emit-send"]').text()).toBe('보내기')
    expect(wrapper.get('[data-testid="composer-repeat-start"]').text()).toBe('시작')
    expect(wrapper.get('[data-testid="composer-restored"]').text()).toMatch(/todo:create\s*의 마지막 emit/)
    wrapper.unmount()
  })
})
