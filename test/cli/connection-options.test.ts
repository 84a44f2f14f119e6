import type { ConnectionFlags } from '../../src/cli/types'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseAuth, parseConnectionOptions, parseConnectUrl, parseCookies, parseHeaders, parseMilliseconds, parseOrigin, parseQuery, parseTransports } from '../../src/cli/connection-options'
import { createSelfSignedCert } from '../fixtures/tls'

const none: ConnectionFlags = { query: [], header: [], cookie: [], insecure: false }
const dir = mkdtempSync(join(tmpdir(), 'sio-cli-options-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('connection options', () => {
  it('turns every flag into the options of a session', () => {
    const ca = join(dir, 'ca.pem')
    const { cert } = createSelfSignedCert()
    writeFileSync(ca, cert)
    const r = parseConnectionOptions({
      path: '/my-io',
      transports: 'websocket,polling',
      auth: '{token: \'abc\', n: 1}',
      query: ['room=a', 'debug=', 'eq=a=b'],
      header: ['Authorization: Bearer t', 'X-Key: 1', 'x-key: 2'],
      cookie: ['sid=abc', 'a=1; b=2'],
      origin: 'https://app.example.com',
      client: 'v2',
      insecure: true,
      ca,
      timeout: 1500,
    })
    expect(r).toEqual({
      ok: true,
      options: {
        path: '/my-io',
        transports: ['websocket', 'polling'],
        auth: { token: 'abc', n: 1 },
        query: { room: 'a', debug: '', eq: 'a=b' },
        extraHeaders: { 'Authorization': 'Bearer t', 'X-Key': '1, 2', 'Cookie': 'sid=abc; a=1; b=2', 'Origin': 'https://app.example.com' },
        client: 'v2',
        tls: { ca: cert, rejectUnauthorized: false },
        timeout: 1500,
      },
    })
  })

  it('gives no options for no flags', () => {
    expect(parseConnectionOptions(none)).toEqual({ ok: true, options: {} })
  })

  it('says where the JSON5 of --auth is wrong, by line and column', () => {
    const r = parseAuth('{\n  token: "abc",\n  n: 1,,\n}')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error).toMatch(/^--auth: invalid JSON5 at line 3, column 8: invalid character ','/)
    expect(parseConnectionOptions({ ...none, auth: '{token: }' })).toEqual({ ok: false, error: expect.stringMatching(/^--auth: invalid JSON5 at line 1, column 9/) })
  })

  it.each([
    ['[1, 2]', /--auth "\[1, 2\]": expected an object/],
    ['"text"', /--auth "\\"text\\"": expected an object/],
    ['null', /--auth "null": expected an object/],
  ])('refuses an --auth that is not an object: %s', (text, message) => {
    const r = parseAuth(text)
    expect(!r.ok && r.error).toMatch(message)
  })

  it.each<[string, Partial<ConnectionFlags>, RegExp]>([
    ['a path with a query', { path: '/io?x=1' }, /^--path "\/io\?x=1": the handshake path .* must not contain "\?"/],
    ['an empty path', { path: ' ' }, /^--path " ": the handshake path is empty/],
    ['an unknown transport', { transports: 'websocket,carrier-pigeon' }, /^--transports "websocket,carrier-pigeon": unknown transport "carrier-pigeon"/],
    ['no transport', { transports: ',' }, /^--transports ",": name at least one transport/],
    ['a query without =', { query: ['room'] }, /^--query "room": expected key=value/],
    ['a query without a key', { query: ['=1'] }, /^--query "=1": expected key=value/],
    ['a header without a colon', { header: ['Authorization Bearer'] }, /^--header "Authorization Bearer": expected "Name: value"/],
    ['a header with a bad name', { header: ['Bad Name: 1'] }, /^--header "Bad Name: 1": "Bad Name" is not a valid header name/],
    ['a header with a line break', { header: ['X-A: 1\r\nX-B: 2'] }, /^--header .*: the value must not contain line breaks/],
    ['a cookie without =', { cookie: ['sid'] }, /^--cookie "sid": expected name=value/],
    ['an origin with a path', { origin: 'https://app.example.com/page' }, /^--origin "https:\/\/app.example.com\/page": an origin has no path/],
    ['an origin that is not a URL', { origin: 'app.example.com' }, /^--origin "app.example.com": expected an origin/],
    ['an unknown client', { client: 'v3' }, /^--client "v3": use v4 .* or v2/],
    ['a missing CA file', { ca: join(dir, 'missing.pem') }, /^--ca ".*missing.pem": cannot read it \(no such file\)/],
    ['a timeout of 0', { timeout: 0 }, /^--timeout "0": expected a whole number of milliseconds greater than 0/],
    ['a timeout that is not a number', { timeout: Number.NaN }, /^--timeout "NaN": expected a whole number/],
  ])('names the flag of %s', (_what, flags, message) => {
    const r = parseConnectionOptions({ ...none, ...flags })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error).toMatch(message)
  })

  it('refuses a --ca file that holds no certificate', () => {
    const file = join(dir, 'not-a-cert.txt')
    writeFileSync(file, 'hello')
    expect(parseConnectionOptions({ ...none, ca: file })).toEqual({ ok: false, error: expect.stringMatching(/^--ca ".*not-a-cert.txt": not a PEM certificate/) })
  })

  it('keeps the pairs of a Cookie header given with --header, then adds the --cookie ones', () => {
    const r = parseConnectionOptions({ ...none, header: ['cookie: a=1'], cookie: ['b=2'] })
    expect(r.ok && r.options.extraHeaders).toEqual({ cookie: 'a=1; b=2' })
  })

  it('lets --origin win over an Origin given with --header', () => {
    const r = parseConnectionOptions({ ...none, header: ['origin: http://a.test'], origin: 'http://b.test' })
    expect(r.ok && r.options.extraHeaders).toEqual({ Origin: 'http://b.test' })
  })

  it('reads the small parsers the same way', () => {
    expect(parseTransports('WebSocket')).toEqual({ ok: true, value: ['websocket'] })
    expect(parseQuery(['__proto__=x'])).toEqual({ ok: true, value: JSON.parse('{"__proto__":"x"}') })
    expect(parseHeaders([])).toEqual({ ok: true, value: {} })
    expect(parseCookies([' ; '])).toEqual({ ok: true, value: undefined })
    expect(parseOrigin('http://localhost:3000/')).toEqual({ ok: true, value: 'http://localhost:3000' })
    expect(parseMilliseconds('--timeout', '250')).toEqual({ ok: true, value: 250 })
    expect(parseMilliseconds('--timeout', 1.5)).toMatchObject({ ok: false })
  })

  it.each([
    ['localhost:3000', /url "localhost:3000": unsupported scheme "localhost:"/],
    ['not a url', /url "not a url" is not a URL/],
    ['ftp://example.com/', /unsupported scheme "ftp:"/],
    ['http://localhost:3000/#x', /must not contain "#"/],
    ['', /missing <url>/],
  ])('refuses the URL %j', (url, message) => {
    const r = parseConnectUrl(url)
    expect(!r.ok && r.error).toMatch(message)
  })

  it('accepts ws:// and keeps the query string of the URL', () => {
    expect(parseConnectUrl('ws://127.0.0.1:3000/chat?room=a')).toEqual({ ok: true, value: 'ws://127.0.0.1:3000/chat?room=a' })
  })
})
