/**
 * A tab watching an attached app (`createSessionSource({ via: 'attach' })`, RelaySession in watch mode) is marked
 * `attached` from the lobby's info before the hub's first state arrives: never a nameless read-only tab that looks
 * like an imported capture. (Streaming through a real hub: test/ui/attach-hub.test.ts.)
 */
import type { AttachedInfo } from '#core'
import { createSessionSource, EventLog } from '#core'
import { describe, expect, it } from 'vitest'

const info: AttachedInfo = {
  attachId: 'a0123456789abcdef',
  name: 'checkout-app',
  role: 'client',
  allowEmit: true,
  frames: false,
  url: 'http://127.0.0.1:3000/shop',
  namespace: '/shop',
  runtime: 'node',
  present: true,
  attachedAt: 1_700_000_000_000,
  dropped: 0,
}
// Nothing listens here: the session is not connected in these tests (no watch is sent).
const relay = { url: 'http://127.0.0.1:9', token: 'unused' }

describe('an attached tab before the hub speaks', () => {
  it('is marked attached from the lobby\'s info, read-only exactly when the app did not allow emits', () => {
    const log = new EventLog()
    const canEmit = createSessionSource({ via: 'attach', attach: info, url: info.url, label: info.name, relay }, { log, id: 't1' })
    expect(canEmit.snapshot()).toMatchObject({ label: 'checkout-app', readonly: false, status: 'idle', attached: { attachId: info.attachId, name: 'checkout-app', role: 'client', allowEmit: true, runtime: 'node', present: true, dropped: 0 } })
    const readOnly = createSessionSource({ via: 'attach', attach: { ...info, allowEmit: false }, url: info.url, relay }, { log, id: 't2' })
    expect(readOnly.snapshot()).toMatchObject({ readonly: true, attached: { allowEmit: false } })
    canEmit.dispose()
    readOnly.dispose()
  })

  it('with only the attach id, stays read-only and unmarked until the hub\'s state', () => {
    const s = createSessionSource({ via: 'attach', attach: info.attachId, url: info.url, relay }, { log: new EventLog(), id: 't3' })
    expect(s.snapshot().readonly).toBe(true)
    expect(s.snapshot().attached).toBeUndefined()
    s.dispose()
  })

  it('refuses a missing attach id with a message naming what to pass', () => {
    expect(() => createSessionSource({ via: 'attach', attach: { ...info, attachId: '' }, url: info.url, relay }, { log: new EventLog() })).toThrow(/needs the attached socket/)
    expect(() => createSessionSource({ via: 'attach', url: info.url, relay }, { log: new EventLog() })).toThrow(/needs the attached socket/)
  })
})
