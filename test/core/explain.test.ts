import { explainConnectError, explainDisconnect } from '#core'
import { describe, expect, it } from 'vitest'

describe('explainDisconnect', () => {
  it.each([
    ['io server disconnect', false, /server/i],
    ['io client disconnect', false, /client/i],
    ['ping timeout', true, /heartbeat/i],
    ['transport close', true, /closed/i],
    ['transport error', true, /error/i],
    ['parse error', true, /decode/i],
    ['forced close', false, /client side/i],
    ['server namespace disconnect', false, /server/i],
    ['client namespace disconnect', false, /client/i],
    ['server shutting down', true, /shutting down/i],
    ['forced server close', false, /server/i],
  ])('explains %s in one line (reconnects: %s)', (reason, willReconnect, text) => {
    const r = explainDisconnect(reason)
    expect(r.willReconnect).toBe(willReconnect)
    expect(r.explanation).toMatch(text)
    expect(r.explanation).not.toContain('\n')
    expect(r.explanation).toMatch(willReconnect ? /reconnects? by itself/ : /not reconnect|does not|the client|server\)|namespace/)
  })

  it('gives a generic line for an unknown reason', () => {
    expect(explainDisconnect('weird')).toEqual({ explanation: expect.stringContaining('"weird"'), willReconnect: false })
  })
})

describe('explainConnectError', () => {
  it('tells middleware rejections, timeouts, unreachable servers and version mismatches apart', () => {
    expect(explainConnectError(Object.assign(new Error('nope'), { data: { a: 1 } }))).toMatch(/middleware/)
    expect(explainConnectError(new Error('timeout'))).toMatch(/in time/)
    expect(explainConnectError(new Error('xhr poll error'))).toMatch(/long-polling/)
    expect(explainConnectError(new Error('websocket error'))).toMatch(/WebSocket/)
    expect(explainConnectError(new Error('server error'))).toMatch(/v2/)
    expect(explainConnectError('boom')).toMatch(/boom/)
  })
})
