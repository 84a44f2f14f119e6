/**
 * The `parser-mismatch` diagnosis (issue 13 item 1) against real socket.io 4 servers, one with
 * socket.io-msgpack-parser and one with the default parser: the probe's CONNECT in the session's encoding is
 * closed by the server, the other encoding is answered.
 */
import type { ParserServer } from '../fixtures/msgpack-server'
import { connectBody, connectReplyOf, diagnoseConnection, DIAGNOSES, explainFailure, reconcileParser } from '#core'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCKED_MESSAGE, startParserServer } from '../fixtures/msgpack-server'

const servers: ParserServer[] = []
async function use(parser: 'msgpack' | 'default', options?: { closeOnFirstMessage?: boolean }): Promise<ParserServer> {
  const server = await startParserServer(parser, options)
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()))
})

/** What a session with the wrong parser reports: the engine opened, then closed under it before any connect. */
const loop = { disconnectReason: 'transport close' } as const

describe('parser-mismatch', () => {
  it('names msgpack when a default-parser session meets a msgpack server, and suggests it', async () => {
    const server = await use('msgpack')
    const d = await diagnoseConnection({ url: `${server.url}/`, ...loop, timeoutMs: 2000 })
    expect(d.code).toBe('parser-mismatch')
    expect(d.title).toBe(DIAGNOSES['parser-mismatch'].title)
    expect(d.title).toBe('The server speaks a different Socket.IO parser (msgpack?)')
    expect(d.suggestedSettings).toEqual({ parser: 'msgpack' })
    expect(d.serverParser).toBe('msgpack')
    expect(d.detail).toMatch(/closed the probe's session/)
    // The evidence: the closed session (a close packet), then the msgpack CONNECT answered in base64.
    expect(d.probe.some(p => p.purpose === 'namespace' && (p.bodyStart ?? '').split('\u001E').includes('1'))).toBe(true)
    expect(d.probe.some(p => p.purpose === 'parser' && p.method === 'GET' && p.bodyStart?.startsWith('b'))).toBe(true)
  })

  it('names the default parser when a msgpack session meets a default server', async () => {
    const server = await use('default')
    const d = await diagnoseConnection({ url: `${server.url}/chat`, parser: 'msgpack', ...loop, timeoutMs: 2000 })
    expect(d.code).toBe('parser-mismatch')
    expect(d.title).toMatch(/different Socket\.IO parser \(the default socket\.io-parser/)
    expect(d.suggestedSettings).toEqual({ parser: 'default' })
    expect(d.serverParser).toBe('default')
  })

  it('finds no mismatch when the parsers match (msgpack both sides)', async () => {
    const server = await use('msgpack')
    const d = await diagnoseConnection({ url: `${server.url}/chat`, parser: 'msgpack', timeoutMs: 2000, maxPingWaitMs: 0 })
    expect(d.code).toBe('unknown')
    expect(d.serverParser).toBe('msgpack')
    expect(d.detail).toMatch(/accepted a connection to the namespace "\/chat"/)
  })

  it('reads a msgpack server\'s refusals in msgpack: an unknown namespace, a middleware\'s error with its data', async () => {
    const server = await use('msgpack')
    const nsp = await diagnoseConnection({ url: `${server.url}/nope`, parser: 'msgpack', timeoutMs: 2000 })
    expect(nsp.code).toBe('invalid-namespace')
    const locked = await diagnoseConnection({ url: `${server.url}/locked`, parser: 'msgpack', timeoutMs: 2000 })
    expect(locked.code).toBe('middleware-rejected')
    expect(locked.detail).toContain(LOCKED_MESSAGE)
    expect(locked.detail).toContain('{"need":"token"}')
  })

  it('does not blame the parser when the server closes every session for another reason', async () => {
    const server = await use('default', { closeOnFirstMessage: true })
    const d = await diagnoseConnection({ url: `${server.url}/`, ...loop, timeoutMs: 2000 })
    expect(d.code).not.toBe('parser-mismatch')
    expect(d.serverParser).toBeUndefined()
    // The msgpack CONNECT was tried, and closed too.
    expect(d.probe.some(p => p.purpose === 'parser')).toBe(true)
    const m = await diagnoseConnection({ url: `${server.url}/`, parser: 'msgpack', ...loop, timeoutMs: 2000 })
    expect(m.code).not.toBe('parser-mismatch')
  })

  it('is not said from the client\'s words alone (a transport close needs the probe)', () => {
    expect(explainFailure({ url: 'http://127.0.0.1:1/', ...loop })).toBeUndefined()
  })
})

describe('reconcileParser (a diagnosis made without the session\'s parser, as the relay makes it)', () => {
  it('turns a default server that answered into a mismatch for a msgpack session', async () => {
    const server = await use('default')
    // The relay's Node side is not told the parser: it probes with the default one, which the server answers.
    const d = await diagnoseConnection({ url: `${server.url}/`, ...loop, timeoutMs: 2000, maxPingWaitMs: 0 })
    expect(d.serverParser).toBe('default')
    expect(reconcileParser(d, 'default')).toBe(d)
    expect(reconcileParser(d, undefined)).toBe(d)
    const r = reconcileParser(d, 'msgpack')
    expect(r.code).toBe('parser-mismatch')
    expect(r.suggestedSettings).toEqual({ parser: 'default' })
    expect(r.probe).toBe(d.probe)
  })

  it('leaves a diagnosis without a CONNECT answer alone', () => {
    const d = { code: 'unreachable', title: 't', detail: 'd', suggestion: 's', probe: [] } as const
    expect(reconcileParser({ ...d, probe: [] }, 'msgpack').code).toBe('unreachable')
  })
})

describe('the probe\'s CONNECT in both encodings', () => {
  it('writes a text CONNECT and a base64 msgpack one, and reads the replies back', () => {
    expect(connectBody('default', '/')).toBe('40')
    expect(connectBody('default', '/chat')).toBe('40/chat,')
    expect(connectBody('msgpack', '/')).toMatch(/^b[A-Za-z0-9+/]+=*$/)
    expect(connectReplyOf('default', ['6', '40{"sid":"x"}'], '/')).toEqual({ type: 'CONNECT' })
    expect(connectReplyOf('default', ['44/chat,{"message":"no","data":1}'], '/chat')).toEqual({ type: 'CONNECT_ERROR', message: 'no', data: 1 })
    expect(connectReplyOf('msgpack', ['40{"sid":"x"}'], '/')).toBeUndefined()
    expect(connectReplyOf('msgpack', ['b!!!not base64'], '/')).toBeUndefined()
    expect(connectReplyOf('default', ['1'], '/')).toBeUndefined()
  })
})
