// @vitest-environment happy-dom
/**
 * The diagnosis store: the client's own error explains at once; otherwise one probe per failure streak
 * (reconnection attempts with the same message do not probe again; another message does).
 */
import type { Diagnosis, NewEntry } from '#core'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SLOW_CONNECT_MS, useDiagnosisStore } from '../../inspector-ui/src/stores/diagnosis'
import { getInspector, resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { startHangingServer } from '../fixtures/net-utils'

const probes = vi.hoisted(() => ({ calls: [] as Array<{ url: string, error?: { message: string } }>, code: 'unreachable' }))

vi.mock('../../src/core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core')>()
  return {
    ...actual,
    diagnoseConnection: async (input: { url: string, error?: { message: string } }): Promise<Diagnosis> => {
      probes.calls.push(input)
      return { code: probes.code, title: 'Nothing answers at this address', detail: `probe ${probes.calls.length}`, suggestion: 's', probe: [] } as Diagnosis
    },
  }
})

const URL = 'http://127.0.0.1:9/'

function append(entry: Record<string, unknown>): void {
  getInspector().log.append({ time: Date.now(), mono: performance.now(), direction: 'lifecycle', ...entry } as unknown as NewEntry)
  getInspector().log.flush()
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

beforeEach(() => {
  probes.calls.length = 0
  probes.code = 'unreachable'
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
})

describe('diagnosis store', () => {
  it('explains a middleware rejection at once, without a probe', async () => {
    const sessions = useSessionsStore()
    const store = useDiagnosisStore()
    const id = sessions.openSession({ url: URL, reconnection: false }, { connect: false })
    append({ sessionId: id, kind: 'connect_error', message: 'not authorized', data: { reason: 'token missing' }, description: undefined, willRetry: false })
    await settle()
    expect(store.of(id)?.diagnosis?.code).toBe('middleware-rejected')
    expect(store.of(id)?.diagnosis?.detail).toContain('token missing')
    expect(probes.calls).toEqual([])
  })

  it('probes once per failure streak, again when the message changes or after a connection', async () => {
    const sessions = useSessionsStore()
    const store = useDiagnosisStore()
    const id = sessions.openSession({ url: URL }, { connect: false })
    for (let i = 0; i < 4; i++)
      append({ sessionId: id, kind: 'connect_error', message: 'xhr poll error', data: undefined, description: 0, willRetry: true })
    await settle()
    expect(probes.calls).toHaveLength(1)
    expect(store.of(id)).toMatchObject({ status: 'done', diagnosis: { code: 'unreachable', detail: 'probe 1' } })

    append({ sessionId: id, kind: 'connect_error', message: 'websocket error', data: undefined, description: 0, willRetry: true })
    await settle()
    expect(probes.calls).toHaveLength(2)
    expect(probes.calls[1].error?.message).toBe('websocket error')

    // Connected, then the same failure again soon after: the same streak (no new probe), shown again.
    append({ sessionId: id, kind: 'connect', socketId: 'a', engineId: 'e', transport: 'polling', recovered: false })
    await settle()
    expect(store.of(id)?.resolved).toBe(true)
    append({ sessionId: id, kind: 'connect_error', message: 'websocket error', data: undefined, description: 0, willRetry: true })
    await settle()
    expect(probes.calls).toHaveLength(2)
    expect(store.of(id)?.resolved).toBe(false)
  })

  it('ignores sessions it did not open (imported captures replay old failures)', async () => {
    const store = useDiagnosisStore()
    append({ sessionId: 'imported-1', kind: 'connect_error', message: 'xhr poll error', data: undefined, description: 0, willRetry: false })
    await settle()
    expect(store.of('imported-1')).toBeUndefined()
    expect(probes.calls).toEqual([])
  })

  it('probes a connection still pending after a few seconds, before socket.io\'s own timeout', async () => {
    const server = await startHangingServer()
    try {
      const sessions = useSessionsStore()
      const store = useDiagnosisStore()
      const id = sessions.openSession({ url: server.url, timeout: 60_000, reconnection: false })
      await new Promise(resolve => setTimeout(resolve, SLOW_CONNECT_MS - 1000))
      expect(probes.calls).toEqual([])
      await vi.waitFor(() => expect(probes.calls).toHaveLength(1), { timeout: 3000, interval: 50 })
      expect(probes.calls[0].error).toBeUndefined()
      await vi.waitFor(() => expect(store.of(id)).toMatchObject({ status: 'done', stillConnectingMs: SLOW_CONNECT_MS, diagnosis: { code: 'unreachable' } }), { timeout: 1000 })
      expect(sessions.tabs.find(t => t.id === id)?.status).toBe('connecting')
    }
    finally {
      resetInspector()
      await server.close()
    }
  })

  it('says nothing yet when the pending connection\'s server answers the probe', async () => {
    probes.code = 'unknown'
    const server = await startHangingServer()
    try {
      const sessions = useSessionsStore()
      const store = useDiagnosisStore()
      const id = sessions.openSession({ url: server.url, timeout: 60_000, reconnection: false })
      await vi.waitFor(() => expect(probes.calls).toHaveLength(1), { timeout: SLOW_CONNECT_MS + 3000, interval: 50 })
      await settle()
      expect(store.of(id)).toBeUndefined()
    }
    finally {
      resetInspector()
      await server.close()
    }
  })
})
