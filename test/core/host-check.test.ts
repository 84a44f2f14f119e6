/**
 * The Host policy both servers use against DNS rebinding (src/shared/host-check.ts), the client-address rule
 * for secrets, and `guardHost` in front of a real http.Server with a real WebSocket upgrade listener.
 */
import type { AddressInfo } from 'node:net'
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createHostPolicy,
  guardHost,
  hostnameOf,
  isLoopbackAddress,
  isLoopbackHostname,
  isWildcardHost,
  MISDIRECTED_TEXT,
  parseAllowedHosts,
  secretsAllowedFor,
} from '../../src/shared/host-check'

describe('hostnameOf', () => {
  it.each([
    ['localhost:5173', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1:3000', '127.0.0.1'],
    ['[::1]:5173', '::1'],
    ['devbox.lan.', 'devbox.lan'],
  ])('reads %s as %s', (header, name) => {
    expect(hostnameOf(header)).toBe(name)
  })

  it.each([undefined, '', 'user@localhost:5173', 'localhost/x', '[nothex]:1', 'a b', 'localhost:5173:1'])('refuses %s', (header) => {
    expect(hostnameOf(header)).toBeUndefined()
  })
})

describe('createHostPolicy', () => {
  it('allows the loopback names only by default, whatever the port', () => {
    const policy = createHostPolicy()
    for (const host of ['localhost:5173', 'localhost', '127.0.0.1:1', '127.1.2.3:5173', '[::1]:5173', 'app.localhost:5173'])
      expect(policy.allows(host), host).toBe(true)
    for (const host of ['evil.example:5173', 'localhost.evil.example:5173', '192.168.1.20:5173', '[fd00::1]:5173', '128.0.0.1', undefined, 'user@localhost'])
      expect(policy.allows(host), String(host)).toBe(false)
  })

  it('adds the listen host unless it is a wildcard', () => {
    expect(createHostPolicy({ host: 'devbox.lan' }).allows('devbox.lan:5173')).toBe(true)
    expect(createHostPolicy({ host: '192.168.1.20' }).allows('192.168.1.20:3000')).toBe(true)
    expect(createHostPolicy({ host: 'fd00::1' }).allows('[fd00::1]:3000')).toBe(true)
    for (const wildcard of ['0.0.0.0', '::']) {
      const policy = createHostPolicy({ host: wildcard })
      expect(policy.names).toEqual([])
      expect(policy.allows('192.168.1.20:5173')).toBe(false)
      expect(policy.allows('0.0.0.0:5173')).toBe(false)
      expect(policy.allows('localhost:5173')).toBe(true)
    }
  })

  it('adds exact names and leading-dot domains from allowedHosts', () => {
    const policy = createHostPolicy({ host: '0.0.0.0', allowedHosts: ['Devbox.LAN', '192.168.1.20:8080', '.example.com', '[fd00::2]'] })
    expect(policy.names).toEqual(['devbox.lan', '192.168.1.20', 'fd00::2'])
    expect(policy.domains).toEqual(['example.com'])
    for (const host of ['devbox.lan:5173', '192.168.1.20:5173', 'example.com', 'a.b.example.com:443', '[fd00::2]:1'])
      expect(policy.allows(host), host).toBe(true)
    for (const host of ['evilexample.com', 'example.com.evil.example', 'sub.devbox.lan'])
      expect(policy.allows(host), host).toBe(false)
  })

  it('ends the start with a message naming a malformed entry', () => {
    expect(() => createHostPolicy({ allowedHosts: ['http://devbox.lan/'] })).toThrow(/allowed host "http:\/\/devbox\.lan\/" is not a host name/)
    expect(() => createHostPolicy({ allowedHosts: ['.'] })).toThrow(/allowed host "\."/)
    expect(() => createHostPolicy({ allowedHosts: ['.com'] })).toThrow(/allowed host "\.com"/)
    expect(() => createHostPolicy({ host: 'a b' })).toThrow(/"a b"/)
  })

  it('parses an ALLOWED_HOSTS value', () => {
    expect(parseAllowedHosts(' devbox.lan, .example.com ,,192.168.1.20 ')).toEqual(['devbox.lan', '.example.com', '192.168.1.20'])
    expect(parseAllowedHosts(undefined)).toEqual([])
  })

  it('knows wildcard and loopback names', () => {
    expect(isWildcardHost('0.0.0.0')).toBe(true)
    expect(isWildcardHost('::')).toBe(true)
    expect(isWildcardHost('127.0.0.1')).toBe(false)
    expect(isLoopbackHostname('x.localhost')).toBe(true)
    expect(isLoopbackHostname('localhost.example')).toBe(false)
    expect(isLoopbackHostname('127.0.0.256')).toBe(false)
  })
})

describe('who may receive the secrets', () => {
  it.each(['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'])('a client at %s (this machine) may', (address) => {
    expect(isLoopbackAddress(address)).toBe(true)
    expect(secretsAllowedFor(address)).toBe(true)
  })

  it.each(['192.168.1.20', '10.0.0.1', '::ffff:192.168.1.20', 'fd00::1', '0.0.0.0', '', undefined, 'localhost'])('a client at %s may not, unless secrets are exposed', (address) => {
    expect(isLoopbackAddress(address)).toBe(false)
    expect(secretsAllowedFor(address)).toBe(false)
    expect(secretsAllowedFor(address, { exposeSecrets: false })).toBe(false)
    expect(secretsAllowedFor(address, { exposeSecrets: true })).toBe(true)
  })
})

describe('guardHost in front of a real server', () => {
  let server: http.Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise(resolve => server ? server.close(resolve) : resolve(undefined))
    server = undefined
  })

  async function start(): Promise<{ port: number, seen: string[] }> {
    const seen: string[] = []
    server = http.createServer((req, res) => {
      seen.push(`request ${req.url}`)
      res.end('secret-page')
    })
    server.on('upgrade', (req, socket) => {
      seen.push(`upgrade ${req.url}`)
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    })
    guardHost(server, createHostPolicy({ allowedHosts: ['devbox.lan'] }))
    await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
    return { port: (server.address() as AddressInfo).port, seen }
  }

  function raw(port: number, headers: Record<string, string>): Promise<{ status: number, body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/', headers, agent: false })
      req.on('response', (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('upgrade', res => resolve({ status: res.statusCode ?? 0, body: '' }))
      req.on('error', reject)
      req.end()
    })
  }

  it('answers 421 to requests and upgrades under a foreign Host, before any listener', async () => {
    const { port, seen } = await start()
    const page = await raw(port, { Host: `evil.example:${port}` })
    expect(page.status).toBe(421)
    expect(page.body).toBe(MISDIRECTED_TEXT)
    const upgrade = await raw(port, { Host: `evil.example:${port}`, Connection: 'Upgrade', Upgrade: 'websocket' })
    expect(upgrade.status).toBe(421)
    expect(seen).toEqual([])
  })

  it('lets loopback and allowed names through', async () => {
    const { port, seen } = await start()
    expect(await raw(port, { Host: `localhost:${port}` })).toEqual({ status: 200, body: 'secret-page' })
    expect((await raw(port, { Host: 'devbox.lan:8080' })).status).toBe(200)
    expect((await raw(port, { Host: `127.0.0.1:${port}`, Connection: 'Upgrade', Upgrade: 'websocket' })).status).toBe(101)
    expect(seen).toEqual(['request /', 'request /', 'upgrade /'])
  })
})
