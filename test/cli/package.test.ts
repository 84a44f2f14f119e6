/**
 * The package as users get it (issue 14): `npm pack` on a clean copy of the working tree (its `prepack` builds
 * the page and the Node side there), the tarball installed into an empty folder with `npm i <tgz>` (from the
 * npm cache or registry: no repository, no devDependencies, no tsx), and every command run from that folder
 * against real servers on 127.0.0.1: a socket.io fixture in this process, the demo server of `--demo`, a dead
 * port. One pack and one install for the whole file (about 20 s), in a temporary folder removed at the end.
 */
import type { ChildProcess } from 'node:child_process'
import type { Socket as ServerSocket } from 'socket.io'
import { execFile, spawn } from 'node:child_process'
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { importCapture } from '#core'
import { Server } from 'socket.io'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const run = promisify(execFile)

interface PackInfo { filename: string, size: number, unpackedSize: number, entryCount: number, files: { path: string, size: number }[] }

let tmp: string
let app: string
let bin: string
let pack: PackInfo
let inClone: { version: string, selfImport: string, attachImport: string }
let fixtureUrl: string
let closeFixture: () => Promise<void>
const children = new Set<ChildProcess>()

/** The environment of every command: ours, minus what would change what the command does. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra }
  for (const name of ['ALLOWED_HOSTS', 'ADMIN_TOKEN', 'ADMIN_PASSWORD', 'NODE_OPTIONS', ...(extra.BROWSER ? [] : ['BROWSER'])])
    delete env[name]
  return env
}

interface Running {
  child: ChildProcess
  readonly stdout: string
  readonly stderr: string
  done: Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>
  /** Resolves with stdout once `re` matches it; rejects when the command exits first or after `timeoutMs`. */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
}

/** Run the installed command (node_modules/.bin/socketio-inspector, its shebang and all) in the empty project. */
function start(args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Running {
  const child = spawn(bin, args, { cwd: app, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (text: string) => stdout += text)
  child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr += text)
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const done = new Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(killer)
      children.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
  })
  const waitFor = (re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> => new Promise((resolve, reject) => {
    const started = Date.now()
    const timer = setInterval(() => {
      const match = re.exec(stdout)
      if (match) {
        clearInterval(timer)
        resolve(match)
      }
      else if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(timer)
        reject(new Error(`no ${re} in the output (exit ${child.exitCode}); stdout: ${stdout.slice(-1000)}; stderr: ${stderr.slice(-2000)}`))
      }
    }, 20)
  })
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    done,
    waitFor,
  }
}

function runToEnd(args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Running['done'] {
  return start(args, options).done
}

/** The serve banner's first URL: `Socket.IO Inspector   http://localhost:PORT/`. */
const INSPECTOR_LINE = /Socket\.IO Inspector\s+(http:\/\/\S+?)\/\s/

/** The runtime config the page got (the last `sio-inspector-config` meta; the first is a comment in the HTML). */
function pageConfig(html: string): Record<string, any> {
  const meta = [...html.matchAll(/<meta name="sio-inspector-config" content="([^"]*)">/g)].at(-1)
  expect(meta, 'the page carries its config').toBeTruthy()
  return JSON.parse(meta![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
}

/** A port nothing listens on (listened on, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await closeServer(server)
  return port
}

/**
 * The fixture: a plain socket.io 4 server. `/` greets with `hello`, then sends a `tick` every 20 ms (at most
 * 500 per socket); `echo` acks its arguments; `/locked` refuses every connection in its middleware.
 */
async function startFixture(): Promise<{ url: string, close: () => Promise<void> }> {
  const http = createServer()
  const sockets = trackSockets(http)
  const io = new Server(http)
  const timers = new Set<NodeJS.Timeout>()
  io.on('connection', (socket: ServerSocket) => {
    socket.emit('hello', { from: 'fixture' })
    let seq = 0
    const timer = setInterval(() => {
      socket.emit('tick', { seq: ++seq })
      if (seq >= 500)
        clearInterval(timer)
    }, 20)
    timers.add(timer)
    socket.on('disconnect', () => {
      clearInterval(timer)
      timers.delete(timer)
    })
    socket.on('echo', (...args: unknown[]) => {
      const ack = args.pop()
      if (typeof ack === 'function')
        ack(...args)
    })
  })
  io.of('/locked').use((_socket, next) => next(new Error('not allowed here')))
  const port = await listen(http)
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const timer of timers) clearInterval(timer)
      io.close()
      await closeServer(http, sockets)
    },
  }
}

/** What the relay check prints: a session through the served relay, made with the installed engine. */
const RELAY_CHECK = `import { exportLog, Inspector, parseComposer } from 'socketio-inspector'
const [inspectorUrl, target] = process.argv.slice(2)
const html = await (await fetch(inspectorUrl + '/')).text()
const meta = [...html.matchAll(/<meta name="sio-inspector-config" content="([^"]*)">/g)].at(-1)
const config = JSON.parse(meta[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
const inspector = new Inspector()
const session = inspector.createSession({ url: target, via: 'relay', relay: { ...config.relay, extraHeaders: { Origin: inspectorUrl } } })
const snapshot = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(session.snapshot()), 15000)
  session.on('state', (s) => {
    if (s.status === 'connected' || s.lastError) {
      clearTimeout(timer)
      resolve(s)
    }
  })
  session.connect()
})
const events = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve([...inspector.log].filter(e => e.kind === 'event').map(e => e.name)), 3000)
  inspector.log.subscribe(() => {
    const names = [...inspector.log].filter(e => e.kind === 'event').map(e => e.name)
    if (names.includes('hello')) {
      clearTimeout(timer)
      resolve(names)
    }
  })
})
console.log(JSON.stringify({ status: snapshot.status, lastError: snapshot.lastError, events, composed: parseComposer('echo', '[1]').ok, exported: exportLog(inspector.log, [session.snapshot()]).length > 0 }))
inspector.dispose()
process.exit(0)
`

/**
 * Issue 19 from the installed package: an app's socket attached with \`socketio-inspector/attach\`, listed by the
 * inspector's hub (the page's AttachLobby, from the installed engine) under its name, with its traffic watched.
 */
const ATTACH_CHECK = `import { io } from 'socket.io-client'
import { AttachLobby, Inspector } from 'socketio-inspector'
import { attach } from 'socketio-inspector/attach'
const [inspectorUrl, target, attachToken] = process.argv.slice(2)
const html = await (await fetch(inspectorUrl + '/')).text()
const meta = [...html.matchAll(/<meta name="sio-inspector-config" content="([^"]*)">/g)].at(-1)
const config = JSON.parse(meta[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
const relay = { ...config.relay, extraHeaders: { Origin: inspectorUrl } }
const socket = io(target, { transports: ['websocket'] })
const detach = attach(socket, { inspector: inspectorUrl, token: attachToken, name: 'installed-app' })
const lobby = new AttachLobby(relay)
const info = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(undefined), 15000)
  lobby.on('change', (list) => {
    const found = list.find(a => a.name === 'installed-app' && a.present)
    if (found) {
      clearTimeout(timer)
      resolve(found)
    }
  })
})
const inspector = new Inspector()
const session = inspector.createSession({ via: 'attach', attach: info?.attachId ?? 'none', url: info?.url ?? target, label: 'installed-app', relay })
session.connect()
const events = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve([...inspector.log].filter(e => e.kind === 'event').map(e => e.name)), 5000)
  inspector.log.subscribe(() => {
    const names = [...inspector.log].filter(e => e.kind === 'event').map(e => e.name)
    if (names.includes('hello')) {
      clearTimeout(timer)
      resolve(names)
    }
  })
})
console.log(JSON.stringify({ listed: info?.name, role: info?.role, runtime: info?.runtime, attached: session.snapshot().attached?.name, events }))
detach()
socket.close()
lobby.close()
inspector.dispose()
process.exit(0)
`

/** A consumer of the engine's types, checked by tsc without skipLibCheck: the declarations must stand alone. */
const CONSUMER_TS = `import type { ComposeResult, LogEntry, SessionSnapshot } from 'socketio-inspector'
import { exportLog, importCapture, Inspector, parseComposer } from 'socketio-inspector'
import { startInspectorServer } from 'socketio-inspector/server'

const inspector = new Inspector()
const composed: ComposeResult = parseComposer('chat', '["hi", {n: 1}]')
const sessions: SessionSnapshot[] = inspector.list().map(s => s.snapshot())
const text: string = exportLog(inspector.log, sessions)
const back = importCapture(text)
const first: LogEntry | undefined = [...inspector.log][0]
export const checks = [composed.ok, back.ok, first?.kind, typeof startInspectorServer]
`

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sio-package-'))
  // A clean clone: the tracked and untracked (not ignored) files of the working tree; no dist/, no built page.
  const clone = join(tmp, 'clone')
  const { stdout: listing } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 })
  for (const file of listing.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file)) || lstatSync(join(ROOT, file)).isDirectory())
      continue // deleted in the working tree, or a submodule
    mkdirSync(dirname(join(clone, file)), { recursive: true })
    cpSync(join(ROOT, file), join(clone, file))
  }
  expect(existsSync(join(clone, 'dist')) || existsSync(join(clone, 'inspector-ui', 'dist'))).toBe(false)
  // What `npm ci` would install (the build tools are devDependencies).
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir')
  // `npm pack` runs `prepack` (npm run build); its output comes before the JSON on stdout.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: clone, env: cleanEnv(), maxBuffer: 64 * 2 ** 20 })
  pack = (JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as PackInfo[])[0]
  // In the clone, after that build: the bin runs as `node <bin file>`, and the package's own name resolves.
  inClone = {
    version: (await run(process.execPath, ['dist/cli.js', '--version'], { cwd: clone })).stdout.trim(),
    selfImport: (await run(process.execPath, ['--input-type=module', '-e', `const m = await import('socketio-inspector'); console.log([typeof m.Inspector, typeof m.parseComposer, typeof m.exportLog].join())`], { cwd: clone })).stdout.trim(),
    // Issue 19: a script inside the repository imports attach() by the package's own name (exports → dist/attach.js).
    attachImport: (await run(process.execPath, ['--input-type=module', '-e', `const m = await import('socketio-inspector/attach'); console.log([typeof m.attach, typeof m.attachServer].join())`], { cwd: clone })).stdout.trim(),
  }

  app = join(tmp, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'empty-app', private: true, type: 'module' })}\n`)
  await run('npm', ['i', join(tmp, pack.filename), '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: cleanEnv(), maxBuffer: 16 * 2 ** 20 })
  bin = join(app, 'node_modules', '.bin', 'socketio-inspector')
  rmSync(clone, { recursive: true, force: true })

  const fixture = await startFixture()
  fixtureUrl = fixture.url
  closeFixture = fixture.close
}, 300_000)

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await closeFixture?.()
  if (tmp)
    rmSync(tmp, { recursive: true, force: true })
})

describe('the tarball', () => {
  it('holds the built page and the compiled Node side, with declarations, and no sources', () => {
    const paths = pack.files.map(f => f.path)
    for (const file of ['package.json', 'README.md', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/server.js', 'dist/server.d.ts', 'dist/relay-worker.js', 'dist/relay-worker-boot.mjs', 'dist/attach.js', 'dist/attach.d.ts', 'dist/public/index.html', 'inspector-ui/dist/index.html'])
      expect(paths, file).toContain(file)
    expect(paths.filter(p => /\.[cm]?ts$/.test(p) && !p.endsWith('.d.ts')), 'no TypeScript sources').toEqual([])
    expect(paths.filter(p => /^(?:src|test|bench|scripts|demo-server|inspector-ui\/(?:src|server))\//.test(p)), 'no source folders').toEqual([])
    // Measured for the README ("Install and use").
    console.log(`  package: ${pack.filename}, packed ${(pack.size / 1e6).toFixed(2)} MB, unpacked ${(pack.unpackedSize / 1e6).toFixed(2)} MB, ${pack.entryCount} files`)
  })

  it('installs into an empty folder without devDependencies, tsx or a build step', async () => {
    for (const devOnly of ['tsx', 'vue', 'pinia', 'monaco-editor', 'vite', 'typescript', 'tsdown', 'vitest'])
      expect(existsSync(join(app, 'node_modules', devOnly)), devOnly).toBe(false)
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'socketio-inspector', 'package.json'), 'utf8'))
    expect(installed.bin).toEqual({ 'socketio-inspector': './dist/cli.js' })
    const { stdout } = await run('du', ['-sk', join(app, 'node_modules')])
    console.log(`  installed: node_modules ${(Number(stdout.split('\t')[0]) / 1024).toFixed(1)} MB`)
  })
})

describe('the repository after the build', () => {
  it('runs the command as `node dist/cli.js` and resolves its own package name', () => {
    expect(inClone.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
    expect(inClone.selfImport).toBe('function,function,function')
    expect(inClone.attachImport).toBe('function,function')
  })
})

describe('the installed command', () => {
  it('--help, --version and <command> --help', async () => {
    const help = await runToEnd(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: socketio-inspector/)
    for (const word of ['--port', '--host', '--open', '--demo', '--no-relay', 'capture', 'emit'])
      expect(help.stdout).toContain(word)
    expect(help.stderr).toBe('')

    const version = await runToEnd(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)

    const capture = await runToEnd(['capture', '--help'])
    expect(capture.code).toBe(0)
    for (const word of ['--out', '--count', '--duration', '--events', '--frames', '--format', 'Connection options:', '--auth', '--header', '--cookie', '--transports', '--client', '--insecure', '--ca', '--timeout'])
      expect(capture.stdout).toContain(word)
    const emit = await runToEnd(['emit', '--help'])
    expect(emit.code).toBe(0)
    expect(emit.stdout).toMatch(/emit \[options\] <url> <event> \[args\]/)
    expect(emit.stdout).toContain('--ack')

    // npx finds it too (the local bin, nothing downloaded).
    const { stdout } = await run('npm', ['exec', '--no', '--', 'socketio-inspector', '--version'], { cwd: app, env: cleanEnv() })
    expect(stdout.trim()).toBe(version.stdout.trim())
  })

  it('usage errors exit 2 with a message naming the flag or argument, nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', 'abc'], /--port/],
      [['--port', '70000'], /--port/],
      [['--bogus'], /--bogus/],
      [['--host', 'a b'], /--host/],
      [['--host', 'bad_host!', '--demo', '--demo-port', '0'], /--host/],
      [['capture'], /url/],
      [['capture', fixtureUrl, '--count', '0'], /--count/],
      [['capture', fixtureUrl, '--duration', 'soon'], /--duration/],
      [['capture', fixtureUrl, '--format', 'xml'], /--format/],
      [['emit', fixtureUrl], /event/],
      [['emit', fixtureUrl, 'echo', '--port', '1'], /--port/],
      [['emit', fixtureUrl, 'echo', '--timeout', '-5'], /--timeout/],
      [['emit', fixtureUrl, 'echo', '[1]', '--auth', '{token: '], /--auth/],
      [['not-a-url'], /not-a-url/],
      [['--attach-token', 'short'], /--attach-token.*at least 16 characters/],
    ]
    for (const [args, message] of cases) {
      const result = await runToEnd(args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr, args.join(' ')).toMatch(message)
      expect(result.stdout, args.join(' ')).toBe('')
    }
  })

  it('serve prints its URL, serves the page, and its relay runs sessions without tsx', async () => {
    const serve = start(['--port', '0'])
    const [, url] = await serve.waitFor(INSPECTOR_LINE)
    expect(url).toMatch(/^http:\/\/localhost:\d+$/)
    const page = await fetch(`${url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'self'`)
    const config = pageConfig(await page.text())
    expect(config.relay).toMatchObject({ url, token: expect.any(String) })
    // The attach token (issue 19) is printed, and handed to the page with where apps attach.
    const [, attachToken] = await serve.waitFor(/Attach token\s+(\S+)\s+\(attach\(socket, \{ inspector: 'http:\/\/localhost:\d+', token, name \}\)\)/)
    expect(config.attach).toEqual({ token: attachToken, url, path: '/attach/socket.io' })
    // A session through the relay (a worker thread loading dist/relay-worker.js), made with the installed engine.
    writeFileSync(join(app, 'relay-check.mjs'), RELAY_CHECK)
    const { stdout } = await run(process.execPath, ['relay-check.mjs', url, `${fixtureUrl}/`], { cwd: app, env: cleanEnv(), timeout: 30_000 })
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({ status: 'connected', composed: true, exported: true })
    expect(result.events).toContain('hello')

    // attach() from the installed package: the hub lists the app under its name and streams its traffic.
    writeFileSync(join(app, 'attach-check.mjs'), ATTACH_CHECK)
    const attached = JSON.parse((await run(process.execPath, ['attach-check.mjs', url, `${fixtureUrl}/`, attachToken], { cwd: app, env: cleanEnv(), timeout: 30_000 })).stdout)
    expect(attached).toMatchObject({ listed: 'installed-app', role: 'client', runtime: 'node', attached: 'installed-app' })
    expect(attached.events).toContain('hello')

    serve.child.kill('SIGTERM')
    const end = await serve.done
    expect(end.code).toBe(0)
  })

  it('serve <url> prints the page with that connection filled in; --no-relay serves no relay', async () => {
    const target = `${fixtureUrl}/chat?room=a b`
    const serve = start([target, '--port', '0', '--no-relay'])
    const [, url] = await serve.waitFor(INSPECTOR_LINE)
    await serve.waitFor(/Ctrl\+C/)
    expect(serve.stdout).toContain(`${url}/?url=${encodeURIComponent(target)}`)
    const config = pageConfig(await (await fetch(`${url}/?url=${encodeURIComponent(target)}`)).text())
    expect(config.relay).toBeUndefined()
    // Nothing answers on the relay's path (the page's 404), where a relay would start an Engine.IO handshake.
    const handshake = await fetch(`${url}/relay/socket.io/?EIO=4&transport=polling`)
    expect(handshake.status).toBe(404)
    serve.child.kill('SIGTERM')
    expect((await serve.done).code).toBe(0)
  })

  it('serve exits 1 naming --port when the port is taken', async () => {
    const busy = createServer()
    const port = await listen(busy)
    try {
      const result = await runToEnd(['--port', String(port)])
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(new RegExp(`port ${port} is in use.*--port`))
      expect(result.stdout).toBe('')
    }
    finally {
      await closeServer(busy)
    }
  })

  it('--open starts the browser ($BROWSER) at the printed page', async () => {
    const opened = join(tmp, 'opened.txt')
    const browser = join(tmp, 'fake-browser.sh')
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`)
    chmodSync(browser, 0o755)
    const target = `${fixtureUrl}/`
    const serve = start([target, '--port', '0', '--open'], { env: { BROWSER: browser } })
    const [, url] = await serve.waitFor(INSPECTOR_LINE)
    await expect.poll(() => existsSync(opened) ? readFileSync(opened, 'utf8') : '', { timeout: 10_000 }).toBe(`${url}/?url=${encodeURIComponent(target)}`)
    serve.child.kill('SIGTERM')
    expect((await serve.done).code).toBe(0)
  })

  it('--demo starts the demo server and prints its URL and credentials; capture and emit work against it', async () => {
    const serve = start(['--demo', '--port', '0', '--demo-port', '0'])
    const [, url] = await serve.waitFor(INSPECTOR_LINE)
    const [, demoUrl] = await serve.waitFor(/Demo server\s+(http:\/\/\S+?)\/\s/)
    await serve.waitFor(/Ctrl\+C/)
    expect(serve.stdout).toMatch(/Admin token\s+\S{16,}/)
    expect(serve.stdout).toMatch(/user "admin", password \S{12,}/)
    expect((await fetch(`${demoUrl}/`)).status).toBe(200)
    // The page is told where the demo server is, and gets the admin-ui credentials (this machine).
    const config = pageConfig(await (await fetch(`${url}/`)).text())
    expect(config.demoUrl).toBe(demoUrl)
    expect(config.admin).toMatchObject({ url: demoUrl, username: 'admin' })

    const capture = await runToEnd(['capture', `${demoUrl}/`, '--count', '1', '--timeout', '10000'])
    expect(capture.code, capture.stderr).toBe(0)
    const imported = importCapture(capture.stdout)
    expect(imported.ok).toBe(true)
    if (imported.ok)
      expect(imported.entries.some(e => e.kind === 'event' && e.name === 'welcome')).toBe(true)

    const emit = await runToEnd(['emit', `${demoUrl}/`, 'echo', '[1, "two", {three: 3}]', '--ack'])
    expect(emit.code, emit.stderr).toBe(0)
    expect(JSON.parse(emit.stdout.trim())).toEqual([1, 'two', { three: 3 }])

    serve.child.kill('SIGTERM')
    expect((await serve.done).code).toBe(0)
  })

  it('capture writes a complete, importable capture to stdout or --out', async () => {
    const ndjson = await runToEnd(['capture', `${fixtureUrl}/`, '--count', '3'])
    expect(ndjson.code, ndjson.stderr).toBe(0)
    const lines = ndjson.stdout.trim().split('\n')
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'sio-inspector' })
    const imported = importCapture(ndjson.stdout)
    expect(imported.ok).toBe(true)
    if (imported.ok)
      expect(imported.entries.filter(e => e.kind === 'event' && e.direction === 'in').length).toBe(3)
    // stderr is not a terminal here: no progress lines.
    expect(ndjson.stderr).toBe('')

    const out = join(tmp, 'ticks.json')
    const json = await runToEnd(['capture', `${fixtureUrl}/`, '--count', '2', '--events', 'tick', '--format', 'json', '--out', out])
    expect(json.code, json.stderr).toBe(0)
    expect(json.stdout).toBe('')
    const fromFile = importCapture(readFileSync(out, 'utf8'))
    expect(fromFile.ok).toBe(true)
    if (fromFile.ok) {
      const names = fromFile.entries.filter(e => e.kind === 'event').map(e => (e as { name: string }).name)
      expect(names).toEqual(['tick', 'tick'])
    }
  })

  it('emit --ack prints the ack\'s arguments as one JSON line; without --ack prints nothing', async () => {
    const acked = await runToEnd(['emit', `${fixtureUrl}/`, 'echo', '["a", {n: 1}, [true, null]]', '--ack'])
    expect(acked.code, acked.stderr).toBe(0)
    expect(acked.stdout.endsWith('\n')).toBe(true)
    expect(acked.stdout.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(acked.stdout)).toEqual(['a', { n: 1 }, [true, null]])
    const fire = await runToEnd(['emit', `${fixtureUrl}/`, 'echo', '[1]'])
    expect(fire.code, fire.stderr).toBe(0)
    expect(fire.stdout).toBe('')
  })

  it('a dead port exits 1 with the diagnosis on stderr and nothing on stdout', async () => {
    const url = `http://127.0.0.1:${await deadPort()}/`
    for (const args of [['capture', url, '--count', '1'], ['emit', url, 'echo', '[1]', '--ack']]) {
      const result = await runToEnd(args)
      expect(result.code, args[0]).toBe(1)
      expect(result.stderr, args[0]).toMatch(/Nothing answers at this address/)
      expect(result.stdout, args[0]).toBe('')
    }
  })

  it('a server refusal exits 1 with the UI\'s diagnosis', async () => {
    const result = await runToEnd(['emit', `${fixtureUrl}/locked`, 'echo', '[1]'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/refused/i)
    expect(result.stderr).toContain('not allowed here')
    expect(result.stdout).toBe('')
  })
})

describe('the engine from the package', () => {
  it('is importable by its name and its declarations type-check on their own', async () => {
    writeFileSync(join(app, 'consumer.ts'), CONSUMER_TS)
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['consumer.ts'],
    }))
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch((error: { stdout?: string, stderr?: string }) => error)
    expect('stdout' in checked ? `${checked.stdout}${checked.stderr}` : '').toBe('')

    const script = `import { exportLog, importCapture, Inspector, parseComposer } from 'socketio-inspector'
import { startInspectorServer } from 'socketio-inspector/server'
const inspector = new Inspector()
const text = exportLog(inspector.log, [])
console.log(JSON.stringify({ composed: parseComposer('chat', '["hi"]').ok, imported: importCapture(text).ok, server: typeof startInspectorServer }))`
    writeFileSync(join(app, 'consumer.mjs'), script)
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: app })
    expect(JSON.parse(stdout)).toEqual({ composed: true, imported: true, server: 'function' })
  })
})
