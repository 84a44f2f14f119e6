import type { CliServer } from '../fixtures/cli-server'
/**
 * `socketio-inspector emit`, run as a child process (from the sources, and from the build when it is fresh)
 * against real servers on 127.0.0.1.
 */
import type { CliMode } from './cli-process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startHangingServer, startMiddlewareServer, startNothingListening, startV2Server } from '../fixtures/broken-servers'
import { GUARD_ERROR, startCliServer } from '../fixtures/cli-server'
import { cliModes, killAllCli, runCli } from './cli-process'

let server: CliServer

beforeAll(async () => {
  server = await startCliServer()
})
afterEach(() => killAllCli())
afterAll(async () => {
  killAllCli()
  await server?.close()
})

describe.each(cliModes())('emit (%s)', (mode: CliMode) => {
  it('prints the ack\'s arguments as one JSON line with --ack, binary tagged as in a capture', async () => {
    const run = await runCli(mode, ['emit', `${server.url}/`, 'echo', '["hi", {n: 1, nested: [true, null]}, {$hex: "cafe"}]', '--ack'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('["hi",{"n":1,"nested":[true,null]},{"$t":"bin","b64":"yv4="}]\n')
  })

  it('prints an empty array for an ack without arguments', async () => {
    const run = await runCli(mode, ['emit', `${server.url}/`, 'echo', '--ack'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('[]\n')
  })

  it('sends exactly the composer\'s arguments without --ack, prints nothing, and exits 0', async () => {
    const name = `note-${mode}`
    const run = await runCli(mode, ['emit', `${server.url}/`, name, '[1, "two", {three: 3}, {$binary: "AAEC"}]'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('')
    const got = await server.waitForEvent(name)
    expect(got.args).toEqual([1, 'two', { three: 3 }, Buffer.from([0, 1, 2])])
  })

  it('delivers the event over polling only too, before the command exits', async () => {
    const name = `polled-${mode}`
    const run = await runCli(mode, ['emit', `${server.url}/`, name, '["x"]', '--transports', 'polling'])
    expect(run.code).toBe(0)
    // Already there when the process is gone: nothing was left in flight.
    expect(server.received.find(e => e.name === name)?.args).toEqual(['x'])
  })

  it('exits 3 when no ack comes within --timeout', async () => {
    const run = await runCli(mode, ['emit', `${server.url}/`, 'silent', '[1]', '--ack', '--timeout', '400'])
    expect(run.code).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('no ack for "silent" within 400 ms')
  })

  it('exits 1 when the server disconnects before the ack', async () => {
    const run = await runCli(mode, ['emit', `${server.url}/`, 'kick', '--ack', '--timeout', '5000'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/the connection closed before the ack for "kick"/)
  })

  it('exits 1 with the UI\'s diagnosis for a dead port', async () => {
    const dead = await startNothingListening()
    const run = await runCli(mode, ['emit', `${dead.url}/`, 'chat', '["hello"]'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`Cannot connect to ${dead.url}/: Nothing answers at this address`)
    expect(run.stderr).toContain('connection was refused (ECONNREFUSED)')
    expect(run.stderr).toContain('socket.io-client said: xhr poll error')
  })

  it('exits 1 with the middleware\'s refusal, and gets through with the --auth it asks for', async () => {
    const refused = await runCli(mode, ['emit', `${server.url}/guarded`, 'x'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('The server refused the connection (middleware)')
    expect(refused.stderr).toContain(`"${GUARD_ERROR.message}"`)
    expect(refused.stderr).toContain(`data: ${JSON.stringify(GUARD_ERROR.data)}`)
    const run = await runCli(mode, ['emit', `${server.url}/guarded`, 'x', '--auth', '{token: "secret"}'])
    expect(run.code).toBe(0)
  })

  it.each<[string, string[], RegExp]>([
    ['bad JSON5 in ARGS, saying where', ['chat', '["a",\n  {b: }]'], /ARGS: Syntax error: invalid character '\}' at line 2, column 7/],
    ['bad binary in ARGS', ['chat', '[{$hex: "abc"}]'], /ARGS: args\[0\]: \$hex needs an even number of hex digits/],
    ['a reserved event name', ['disconnect'], /<event> "disconnect": "disconnect" is reserved by Socket.IO/],
    ['bad JSON5 in --auth, saying where', ['chat', '--auth', '{a: 1'], /--auth: invalid JSON5 at line 1, column 6/],
    ['a bad --cookie', ['chat', '--cookie', 'nothing'], /--cookie "nothing": expected name=value/],
  ])('exits 2 for %s', async (_what, rest, message) => {
    const run = await runCli(mode, ['emit', `${server.url}/`, ...rest])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
  })
})

describe('emit against other servers', () => {
  it('emits to a socket.io 2.x server with --client v2 and prints its ack', async () => {
    const v2 = await startV2Server()
    v2.io.sockets.on('connection', (socket) => {
      socket.on('echo', (...args: unknown[]) => {
        const ack = args.pop() as (...a: unknown[]) => void
        ack(...args)
      })
    })
    try {
      const run = await runCli('tsx', ['emit', `${v2.url}/`, 'echo', '["old", 2]', '--client', 'v2', '--ack'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toBe('["old",2]\n')
    }
    finally {
      await v2.close()
    }
  })

  it('gives up after --timeout on a server that never answers, and says so', async () => {
    const hanging = await startHangingServer()
    try {
      const run = await runCli('tsx', ['emit', `${hanging.url}/`, 'chat', '--timeout', '600'])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`Cannot connect to ${hanging.url}/: The server never answered`)
      expect(run.stderr).toContain('socket.io-client said: timeout')
    }
    finally {
      await hanging.close()
    }
  })

  it('names the refusal of a server that rejects every connection', async () => {
    const refusing = await startMiddlewareServer()
    try {
      const run = await runCli('tsx', ['emit', `${refusing.url}/`, 'chat', '--auth', '{token: "letmein"}', '--ack', '--timeout', '300'])
      // Accepted with the token; the server has no `chat` handler, so no ack comes.
      expect(run.code).toBe(3)
    }
    finally {
      await refusing.close()
    }
  })
})
