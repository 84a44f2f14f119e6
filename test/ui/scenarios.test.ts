import type { Scenario } from '#core'
/**
 * The Scenario store (issue 15): Save as scenario from real tabs on the demo server, kept in localStorage
 * under the versioned key, pinned rules, import of damaged files, and Run in fresh tabs: green against the
 * same server, red (with the diff) once a pinned value no longer holds. Node (no page: the stores and the
 * core run as they do in the browser), with an in-memory localStorage.
 */
import type { StartedDemoServer } from '../../demo-server/src/start'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { storageProblems } from '../../inspector-ui/src/lib/storage'
import { useScenariosStore, withRule } from '../../inspector-ui/src/stores/scenarios'
import { getInspector, resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'

const KEY = 'sio-inspector-v1-scenarios'

/** The Web Storage calls storage.ts makes, in memory. */
class MemoryStorage {
  private items = new Map<string, string>()
  get length(): number { return this.items.size }
  key(i: number): string | null { return [...this.items.keys()][i] ?? null }
  getItem(k: string): string | null { return this.items.get(k) ?? null }
  setItem(k: string, v: string): void { this.items.set(k, String(v)) }
  removeItem(k: string): void { this.items.delete(k) }
  clear(): void { this.items.clear() }
  keys(): string[] { return [...this.items.keys()] }
}
const localStorage = new MemoryStorage()
Object.defineProperty(globalThis, 'localStorage', { value: localStorage, configurable: true })

async function until<T>(get: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = get()
    if (value !== undefined && value !== false)
      return value
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

/** Wait for an entry of this session in the page's log. */
function hasEntry(sessionId: string, test: (e: { kind: string, name?: string, direction?: string }) => boolean): boolean {
  return [...getInspector().log].some(e => e.sessionId === sessionId && test(e as never))
}

let demo: StartedDemoServer

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, log: () => {}, bcryptRounds: 4 })
})
beforeEach(() => {
  localStorage.clear()
  storageProblems.value = []
  resetInspector()
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
})
afterAll(async () => {
  resetInspector()
  await demo?.close()
})

/** The tutorial's rooms flow with two tabs: A and B enter room1, A chats to the room, A lists it. */
async function roomsFlow(): Promise<[string, string]> {
  const sessions = useSessionsStore()
  // A's `presence joined` and B's own connect arrive at once on two sockets: the log may hold either first;
  // the scenario must replay either way (its connect steps never wait behind another tab's expectations).
  const a = sessions.openSession({ url: `${demo.url}/namespace1` })
  await until(() => sessions.snapshotOf(a)?.status === 'connected', 'A to connect')
  const b = sessions.openSession({ url: `${demo.url}/namespace1` })
  await until(() => sessions.snapshotOf(b)?.status === 'connected', 'B to connect')
  await until(() => hasEntry(a, e => e.kind === 'event' && e.name === 'presence'), 'A to see B join')
  sessions.emit(a, 'enter', ['room1'], { ack: true })
  await until(() => hasEntry(a, e => e.kind === 'ack'), 'A enter ack')
  sessions.emit(b, 'enter', ['room1'], { ack: true })
  await until(() => hasEntry(b, e => e.kind === 'ack'), 'B enter ack')
  await until(() => hasEntry(a, e => e.kind === 'event' && e.name === 'presence' && [...getInspector().log].filter(x => x.sessionId === a && x.kind === 'event' && (x as { name?: string }).name === 'presence').length >= 2), 'A to see B enter')
  sessions.emit(a, 'chat:room', ['room1', 'hello room'], { ack: true })
  await until(() => hasEntry(b, e => e.kind === 'event' && e.name === 'chat'), 'B to get the chat')
  sessions.emit(a, 'list:room', ['room1'], { ack: true })
  await until(() => [...getInspector().log].filter(x => x.sessionId === a && x.kind === 'ack').length >= 3, 'A list ack')
  return [a, b]
}

describe('useScenariosStore', () => {
  it('saves two tabs as one scenario, keeps it under the versioned key, and runs it green in fresh tabs', async () => {
    const sessions = useSessionsStore()
    const [a, b] = await roomsFlow()
    const store = useScenariosStore()
    const id = store.saveFromSessions([a, b], 'rooms flow')
    const saved = store.list.find(s => s.id === id)!
    expect(saved.scenario.name).toBe('rooms flow')
    expect(saved.scenario.sessions).toHaveLength(2)
    const kinds = saved.scenario.steps.map(s => s.kind)
    expect(kinds).toContain('emit')
    expect(kinds).toContain('expect-ack')
    expect(saved.scenario.steps.some(s => s.kind === 'expect-event' && s.name === 'chat')).toBe(true)

    // Persisted with the versioned key; a fresh page (new Pinia) reads it back.
    const stored = JSON.parse(localStorage.getItem(KEY)!) as { scenarios: { id: string, scenario: Scenario }[] }
    expect(stored.scenarios.map(s => s.id)).toEqual([id])
    setActivePinia(createPinia())
    const again = useScenariosStore()
    expect(again.list.map(s => s.scenario.name)).toEqual(['rooms flow'])

    // The recorded tabs leave the room (they would be counted in list:room's sockets otherwise).
    sessions.disconnect(a)
    sessions.disconnect(b)
    const before = useSessionsStore().tabs.length
    const result = await again.runActive({ fast: true })
    expect(result?.error).toBeUndefined()
    expect(result?.steps.filter(s => s.status !== 'pass')).toEqual([])
    expect(result?.ok).toBe(true)
    expect(again.run?.ok).toBe(true)
    expect(Object.values(again.run!.results).every(r => r.status === 'pass')).toBe(true)
    // Fresh tabs, through the sessions store: they are tabs, with the replay's own log.
    expect(again.run!.tabIds).toHaveLength(2)
    expect(useSessionsStore().tabs.length).toBe(before + 2)
    for (const tab of again.run!.tabIds)
      expect(hasEntry(tab, e => e.kind === 'event' && e.name === 'chat') || hasEntry(tab, e => e.kind === 'ack')).toBe(true)
  })

  it('a pinned value that no longer holds fails its step with the diff; clearing the rule makes it green again', async () => {
    const sessions = useSessionsStore()
    const [a, b] = await roomsFlow()
    const store = useScenariosStore()
    const id = store.saveFromSessions([a, b])
    sessions.disconnect(a)
    sessions.disconnect(b)
    const index = store.active!.scenario.steps.findIndex(s => s.kind === 'expect-event' && s.name === 'chat')
    expect(index).toBeGreaterThanOrEqual(0)
    store.setRule(id, index, { path: '$[0].text', rule: 'exact', value: 'something else' })
    const step = store.active!.scenario.steps[index]!
    expect('rules' in step && step.rules).toEqual([{ path: '$[0].text', rule: 'exact', value: 'something else' }])
    expect(JSON.stringify(JSON.parse(localStorage.getItem(KEY)!))).toContain('something else')

    const red = await store.runActive({ fast: true })
    expect(red?.ok).toBe(false)
    const failed = store.run!.results[index]!
    expect(failed.status).toBe('fail')
    expect(failed.message).toContain('$[0].text')

    store.clearRule(id, index, '$[0].text')
    expect('rules' in store.active!.scenario.steps[index]! && store.active!.scenario.steps[index]!.rules).toBeFalsy()
    const green = await store.runActive({ fast: true })
    expect(green?.ok).toBe(true)
  })

  it('a rule replaces the one on the same path', () => {
    const rules = withRule([{ path: '$[0].id', rule: 'ignore' }, { path: '$[0].at', rule: 'ignore' }], { path: '$[0].id', rule: 'regex', pattern: '^\\w+$' })
    expect(rules).toEqual([{ path: '$[0].at', rule: 'ignore' }, { path: '$[0].id', rule: 'regex', pattern: '^\\w+$' }])
  })

  it('imports a scenario file, refuses a damaged one naming the field, and exports what it imported', async () => {
    const store = useScenariosStore()
    const scenario: Scenario = {
      format: 'sio-inspector-scenario',
      version: 1,
      name: 'by hand',
      allowanceMs: 5000,
      sessions: [{ id: 's1', url: `${demo.url}/namespace1`, options: {} }],
      steps: [
        { kind: 'connect', session: 's1' },
        { kind: 'emit', session: 's1', name: 'enter', args: ['room1'], ack: true, atMs: 10 },
        { kind: 'expect-ack', session: 's1', name: 'enter', args: [{ ok: true, rooms: ['room1'] }], atMs: 20 },
      ],
    }
    const ok = store.importText(JSON.stringify(scenario), 'hand.scenario.json')
    expect(ok.ok).toBe(true)
    expect(store.active?.scenario.name).toBe('by hand')
    expect(JSON.parse(store.exportText(store.activeId!)!)).toEqual(store.active!.scenario)

    const damaged = { ...scenario, steps: [scenario.steps[0], { ...scenario.steps[1], args: 'room1' }] }
    const bad = store.importText(JSON.stringify(damaged), 'broken.json')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error).toMatch(/"broken\.json".*steps\[1\]\.args/)
    expect(store.list).toHaveLength(1)
    expect(store.importText('{"format": "sio-inspector-scenario",\n  oops', 'cut.json')).toMatchObject({ ok: false })
  })

  it('a damaged stored scenario is set aside and reported; the others load', () => {
    const good: Scenario = {
      format: 'sio-inspector-scenario',
      version: 1,
      name: 'good',
      allowanceMs: 5000,
      sessions: [{ id: 's1', url: 'http://127.0.0.1:9/', options: {} }],
      steps: [{ kind: 'connect', session: 's1' }],
    }
    localStorage.setItem(KEY, JSON.stringify({ scenarios: [
      { id: 'a', scenario: good, savedAt: 1 },
      { id: 'b', scenario: { ...good, version: 99 }, savedAt: 2 },
    ] }))
    const store = useScenariosStore()
    expect(store.list.map(s => s.id)).toEqual(['a'])
    expect(storageProblems.value).toHaveLength(1)
    expect(storageProblems.value[0]!.message).toMatch(/scenario 2/)
    expect(localStorage.keys().some(k => k.startsWith('sio-inspector-v1-damaged-scenarios'))).toBe(true)
  })
})

describe('secret variables in scenarios (issue 16 item 2)', () => {
  it('keeps a secret as {{name}} in the saved scenario, and replays it with the value the user has', async () => {
    const { createServer } = await import('node:http')
    const { Server } = await import('socket.io')
    const { useEnvironmentsStore } = await import('../../inspector-ui/src/stores/environments')
    const http = createServer()
    const io = new Server(http)
    const received: unknown[] = []
    io.on('connection', (socket) => {
      socket.on('login', (token: unknown, ack?: (answer: unknown) => void) => {
        received.push(token)
        ack?.({ ok: token === 's3cret-value' })
      })
    })
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/`
    try {
      const envs = useEnvironmentsStore()
      envs.setVariables({ token: 's3cret-value' }, { token: true })
      const sessions = useSessionsStore()
      const id = sessions.openSession({ url })
      await until(() => sessions.snapshotOf(id)?.status === 'connected', 'the tab to connect')
      // What the composer sends after resolving `{{token}}`.
      sessions.emit(id, 'login', ['s3cret-value'], { ack: true })
      await until(() => hasEntry(id, e => e.kind === 'ack'), 'the login ack')
      const store = useScenariosStore()
      store.saveFromSessions([id], 'login')
      const stored = localStorage.getItem(KEY)!
      expect(stored).not.toContain('s3cret-value')
      expect(stored).toContain('{{token}}')
      expect(store.exportText(store.activeId!)).not.toContain('s3cret-value')

      received.length = 0
      const result = await store.runActive({ fast: true })
      expect(result?.ok, JSON.stringify(result?.steps.filter(s => s.status !== 'pass'))).toBe(true)
      expect(received).toEqual(['s3cret-value'])
    }
    finally {
      io.close()
      await new Promise(resolve => http.close(resolve))
    }
  })
})
