import type { LogEntry, LogEntryKind, NewEntry } from '#core'
// @vitest-environment happy-dom
/**
 * Issue 13: the UI's lists and rows take their kinds from the core's table (src/core/log/kinds.ts), so a
 * kind added to `LogEntry` cannot vanish from every view. `SAMPLES` is typed by `LogEntryKind` too: a new
 * kind fails the typecheck here (vue-tsc checks test/ui) as well as in the table.
 */
import type { Component } from 'vue'
import { compileFilter, ENTRY_KINDS, kindInfo, kindsIn, kindTitle, LOG_ENTRY_KINDS } from '#core'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { rowText } from '../../inspector-ui/src/lib/row-format'

const H = { sessionId: 's1', time: Date.UTC(2026, 0, 1), mono: 1 }

/** One entry of every kind, as a session writes it. */
const SAMPLES: { [K in LogEntryKind]: NewEntry & { kind: K } } = {
  connecting: { ...H, kind: 'connecting', direction: 'local', url: 'http://127.0.0.1:3000/', namespace: '/' },
  connect: { ...H, kind: 'connect', direction: 'in', socketId: 'sock-1', engineId: 'eng-1', transport: 'websocket', recovered: false },
  connect_error: { ...H, kind: 'connect_error', direction: 'in', message: 'not authorized', data: { code: 401 }, description: undefined, willRetry: false },
  disconnect: { ...H, kind: 'disconnect', direction: 'in', socketId: 'sock-1', reason: 'io server disconnect', explanation: 'the server disconnected this socket', willReconnect: false, description: undefined },
  reconnect_attempt: { ...H, kind: 'reconnect_attempt', direction: 'local', attempt: 2 },
  reconnect_error: { ...H, kind: 'reconnect_error', direction: 'local', message: 'xhr poll error' },
  reconnect: { ...H, kind: 'reconnect', direction: 'local', attempt: 3 },
  reconnect_failed: { ...H, kind: 'reconnect_failed', direction: 'local' },
  upgrading: { ...H, kind: 'upgrading', direction: 'local', transport: 'websocket' },
  upgrade: { ...H, kind: 'upgrade', direction: 'local', transport: 'websocket' },
  upgrade_error: { ...H, kind: 'upgrade_error', direction: 'local', transport: undefined, message: 'probe error' },
  event: { ...H, kind: 'event', direction: 'in', name: 'chat:message', args: [{ text: 'hi' }], bytes: 20 },
  ack: { ...H, kind: 'ack', direction: 'in', correlationId: 'c1', name: 'chat:send', args: ['ok'], latencyMs: 12, timedOut: false, bytes: 10 },
  frame: { ...H, kind: 'frame', direction: 'in', transport: 'websocket', engineType: 'message', data: '2["chat:message",{"text":"hi"}]', size: 32, bytes: 40, protocol: 4 },
  note: { ...H, kind: 'note', direction: 'local', level: 'warn', message: 'entries dropped' },
}

async function load(path: string): Promise<Component | undefined> {
  try {
    return ((await import(/* @vite-ignore */ path)) as { default: Component }).default
  }
  catch {
    return undefined
  }
}

describe('the table of entry kinds', () => {
  it('describes every kind of LogEntry, each with a view, a title and a description', () => {
    expect([...LOG_ENTRY_KINDS].sort()).toEqual(Object.keys(SAMPLES).sort())
    expect(LOG_ENTRY_KINDS).toHaveLength(15)
    for (const kind of LOG_ENTRY_KINDS) {
      expect(['events', 'frames']).toContain(ENTRY_KINDS[kind].view)
      expect(ENTRY_KINDS[kind].title).not.toBe('')
      expect(ENTRY_KINDS[kind].description.length).toBeGreaterThan(10)
    }
  })

  it('puts every kind in exactly one view, and only frames in the frames view (FramesView renders FrameEntry)', () => {
    const events = kindsIn('events')
    const frames = kindsIn('frames')
    expect(frames).toEqual(['frame'])
    expect(events.filter(k => frames.includes(k))).toEqual([])
    expect([...events, ...frames].sort()).toEqual([...LOG_ENTRY_KINDS].sort())
  })

  it.each(LOG_ENTRY_KINDS)('a %s entry passes its own view\'s filter and not the other\'s', (kind) => {
    const entry = { id: 1, ...SAMPLES[kind] } as LogEntry
    const view = ENTRY_KINDS[kind].view
    expect(compileFilter({ kinds: kindsIn(view) })(entry)).toBe(true)
    expect(compileFilter({ kinds: kindsIn(view === 'events' ? 'frames' : 'events') })(entry)).toBe(false)
  })

  it.each(LOG_ENTRY_KINDS)('a %s row has a title (its name, or the table\'s title) and a preview', (kind) => {
    const entry = { id: 10_000 + LOG_ENTRY_KINDS.indexOf(kind), ...SAMPLES[kind] } as LogEntry
    const text = rowText(entry)
    const expected = entry.kind === 'event' || entry.kind === 'ack' ? entry.name : kindTitle(entry)
    expect(text.title).toBe(expected)
    expect(text.title).not.toBe('')
    expect(text.preview).not.toBe('')
  })

  it('names a kind it does not know instead of showing nothing', () => {
    const stranger = { id: 1, ...H, kind: 'heartbeat', direction: 'local' } as unknown as LogEntry
    expect(kindInfo('heartbeat')).toBeUndefined()
    expect(kindInfo('constructor')).toBeUndefined()
    expect(kindTitle(stranger)).toBe('unknown kind heartbeat')
    expect(rowText(stranger).title).toBe('unknown kind heartbeat')
    expect(kindTitle({ id: 2, ...SAMPLES.note } as LogEntry)).toBe('note (warn)')
  })
})

const EventLogView = await load('../../inspector-ui/src/components/EventLog.vue')
const LogRow = await load('../../inspector-ui/src/components/LogRow.vue')
const VirtualList = await load('../../inspector-ui/src/components/VirtualList.vue')

describe.skipIf(!EventLogView || !LogRow || !VirtualList)('the event log and its rows, one entry of every kind', () => {
  beforeEach(async () => {
    setActivePinia(createPinia())
    const { resetInspector } = await import('../../inspector-ui/src/stores/sessions')
    resetInspector()
  })
  afterEach(async () => {
    const { resetInspector } = await import('../../inspector-ui/src/stores/sessions')
    resetInspector()
  })

  it('lists every kind the table puts in the event log, and no frame', async () => {
    const { getInspector } = await import('../../inspector-ui/src/stores/sessions')
    const log = getInspector().log
    const wrapper = mount(EventLogView!, { props: { sessionId: 's1' }, attachTo: document.body })
    for (const kind of LOG_ENTRY_KINDS) log.append({ ...SAMPLES[kind] })
    const listed = (): LogEntryKind[] => {
      const view = (wrapper.findComponent(VirtualList!).props() as { view: { ids: ArrayLike<number>, length: number } }).view
      return Array.from({ length: view.length }, (_, i) => log.get(view.ids[i])!.kind)
    }
    await vi.waitFor(() => expect(listed()).toHaveLength(kindsIn('events').length), { timeout: 5000 })
    expect(listed().sort()).toEqual([...kindsIn('events')].sort())
    expect(listed()).not.toContain('frame')
    wrapper.unmount()
  })

  it.each(LOG_ENTRY_KINDS)('renders a %s row with its kind, its title and the table\'s description', async (kind) => {
    const { getInspector } = await import('../../inspector-ui/src/stores/sessions')
    const entry = getInspector().log.append({ ...SAMPLES[kind] })
    const wrapper = mount(LogRow!, { props: { id: entry.id } })
    await nextTick()
    const row = wrapper.find('[data-testid="log-row"]')
    expect(row.attributes('data-kind')).toBe(kind)
    const name = wrapper.find('.c-name')
    expect(name.text()).toBe(rowText(entry).title)
    expect(name.attributes('title')).toBe(ENTRY_KINDS[kind].description)
    wrapper.unmount()
  })
})
