/**
 * The workspace file (issue 16 item 1): one versioned JSON file of saved connections and environments,
 * read back exactly, and every way a file can be wrong is one message naming where.
 */
import type { WorkspaceConnection } from '#core'
import { readWorkspace, validateConnections, validateWorkspace, WORKSPACE_FORMAT, WORKSPACE_VERSION, writeWorkspace } from '#core'
import { describe, expect, it } from 'vitest'

const CONNECTIONS: WorkspaceConnection[] = [
  {
    name: 'local chat',
    form: { url: 'http://localhost:3000/chat', path: '/socket.io', transports: 'websocket', auth: '{ token: "{{token}}" }', reconnection: false, client: 'v4', parser: 'msgpack', rememberSecrets: false },
    savedAt: 1_700_000_000_000,
    omitted: ['header Authorization'],
  },
  { name: 'staging', form: { url: 'https://{{host}}/admin', relay: true, cookies: 'sid={{sid}}', tlsInsecure: true } },
]
const ENVIRONMENTS = [{ name: 'local', variables: [{ name: 'host', value: '127.0.0.1:3000' }, { name: 'token', value: '', secret: true }] }]

function file(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: WORKSPACE_FORMAT, version: WORKSPACE_VERSION, exportedAt: '2026-01-02T03:04:05.000Z', connections: CONNECTIONS, environments: ENVIRONMENTS, ...patch }
}

function problem(raw: unknown): string {
  const read = readWorkspace(typeof raw === 'string' ? raw : JSON.stringify(raw))
  if (read.ok)
    throw new Error('expected the file to be refused')
  return read.message
}

describe('workspace file', () => {
  it('round-trips: what is written is read back exactly, with its format, version and time', () => {
    const text = writeWorkspace({ connections: CONNECTIONS, environments: ENVIRONMENTS, exportedAt: new Date('2026-01-02T03:04:05.000Z') })
    expect(JSON.parse(text)).toMatchObject({ format: 'socketio-inspector-workspace', version: 1, exportedAt: '2026-01-02T03:04:05.000Z' })
    const read = readWorkspace(text)
    expect(read).toEqual({ ok: true, workspace: { format: WORKSPACE_FORMAT, version: 1, exportedAt: '2026-01-02T03:04:05.000Z', connections: CONNECTIONS, environments: ENVIRONMENTS } })
  })

  it('reads a file with a byte order mark, and one with only connections or only environments', () => {
    expect(readWorkspace(`\uFEFF${JSON.stringify(file())}`).ok).toBe(true)
    const onlyConnections = readWorkspace(JSON.stringify(file({ environments: undefined })))
    expect(onlyConnections.ok && onlyConnections.workspace.environments).toEqual([])
    const onlyEnvironments = readWorkspace(JSON.stringify(file({ connections: undefined })))
    expect(onlyEnvironments.ok && onlyEnvironments.workspace.connections).toEqual([])
  })

  it('drops form fields it does not know and trims names', () => {
    const read = validateWorkspace(file({ connections: [{ name: '  a  ', form: { url: 'http://x/', future: 1 } }] }))
    expect(read.connections).toEqual([{ name: 'a', form: { url: 'http://x/' } }])
  })

  it.each([
    ['text that is not JSON', '{ nope', /^Not JSON: /],
    ['JSON that is not an object', [1, 2], /not a JSON object/],
    ['no format', file({ format: undefined }), /"format" is missing \(expected "socketio-inspector-workspace"\)/],
    ['another format', file({ format: 'postman' }), /format is "postman" \(expected "socketio-inspector-workspace"\)/],
    ['a captured log', { format: 'sio-inspector', version: 1, sessions: [], entries: [] }, /captured log .*Import in the header/],
    ['a newer version', file({ version: 2 }), /made by a newer Socket\.IO Inspector \(workspace version 2; this one reads version 1\)/],
    ['a version that is not a whole number', file({ version: '1' }), /^version: expected a whole number/],
    ['version 0', file({ version: 0 }), /^version: expected a whole number ≥ 1, got 0/],
    ['exportedAt not text', file({ exportedAt: 5 }), /^exportedAt: expected text/],
    ['nothing in it', file({ connections: undefined, environments: undefined }), /neither "connections" nor "environments"/],
    ['connections not a list', file({ connections: {} }), /^connections: expected a list$/],
    ['a connection not an object', file({ connections: ['x'] }), /^connections\[0\]: expected an object$/],
    ['a name not text', file({ connections: [{ name: 3, form: { url: 'http://x/' } }] }), /^connections\[0\]\.name: expected text$/],
    ['an empty name', file({ connections: [{ name: ' ', form: { url: 'http://x/' } }] }), /^connections\[0\]\.name: empty$/],
    ['a name too long', file({ connections: [{ name: 'n'.repeat(121), form: { url: 'http://x/' } }] }), /^connections\[0\]\.name: longer than 120 characters$/],
    ['a name twice', file({ connections: [{ name: 'a', form: { url: 'http://x/' } }, { name: 'a', form: { url: 'http://y/' } }] }), /^connections\[1\]\.name: "a" appears twice$/],
    ['no form', file({ connections: [{ name: 'a' }] }), /^connections\[0\]\.form: expected an object$/],
    ['a form without URL', file({ connections: [{ name: 'a', form: {} }] }), /^connections\[0\]\.form\.url: missing/],
    ['a text field that is not text', file({ connections: [{ name: 'a', form: { url: 'http://x/', timeout: 20000 } }] }), /^connections\[0\]\.form\.timeout: expected text$/],
    ['a flag that is not a flag', file({ connections: [{ name: 'a', form: { url: 'http://x/', relay: 'yes' } }] }), /^connections\[0\]\.form\.relay: expected true or false$/],
    ['a word it does not know', file({ connections: [{ name: 'a', form: { url: 'http://x/', client: 'v3' } }] }), /^connections\[0\]\.form\.client: expected one of "v4", "v2"$/],
    ['a text too long', file({ connections: [{ name: 'a', form: { url: 'http://x/', tlsCa: 'x'.repeat(200_001) } }] }), /^connections\[0\]\.form\.tlsCa: 200001 characters, more than 200000$/],
    ['savedAt not a time', file({ connections: [{ name: 'a', form: { url: 'http://x/' }, savedAt: 'today' }] }), /^connections\[0\]\.savedAt: expected a time/],
    ['omitted not a list', file({ connections: [{ name: 'a', form: { url: 'http://x/' }, omitted: 'auth' }] }), /^connections\[0\]\.omitted: expected a list of names$/],
    ['an omitted name not text', file({ connections: [{ name: 'a', form: { url: 'http://x/' }, omitted: [1] }] }), /^connections\[0\]\.omitted\[0\]: expected text$/],
    ['secretsKept not a list', file({ connections: [{ name: 'a', form: { url: 'http://x/' }, secretsKept: true }] }), /^connections\[0\]\.secretsKept: expected a list of names$/],
    ['environments not a list', file({ environments: {} }), /^environments: expected a list$/],
    ['a bad variable', file({ environments: [{ name: 'local', variables: [{ name: 'host', value: 1 }] }] }), /^environments\[0\]\.variables\[0\]\.value: expected text$/],
  ])('refuses %s with a message naming it', (_what, raw, message) => {
    expect(problem(raw)).toMatch(message)
  })

  it('refuses more connections than it reads, before looking at them', () => {
    const many = Array.from({ length: 2001 }, (_, i) => ({ name: `c${i}`, form: { url: 'http://x/' } }))
    expect(() => validateConnections(many)).toThrow(/^connections: 2001 connections, more than 2000$/)
  })

  it('names the path it was given (stored lists use their own)', () => {
    expect(() => validateConnections([{ name: 'a', form: { url: 1 } }], 'saved connections')).toThrow(/^saved connections\[0\]\.form\.url: expected text$/)
  })
})
