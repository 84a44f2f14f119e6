/**
 * `socketio-inspector [url]`: the inspector's web server (with its relay unless `--no-relay`), and with `--demo`
 * the demo server beside it, as `npm start` does (scripts/start.ts: the same pieces, flags instead of the
 * environment). Prints the URLs on stdout and serves until the signal (Ctrl+C, SIGTERM) is aborted.
 *
 * Security is `npm start`'s (README "Security"): loopback by default; `--host` adds its own name to the Host
 * names answered; ALLOWED_HOSTS adds others; the relay token and the admin-ui password go to this machine only.
 * The attach token (apps push a mirror of their own socket with it, issue 19) is printed: `--attach-token`, else
 * SOCKETIO_INSPECTOR_ATTACH_TOKEN, else a random one per start.
 *
 * @example
 * const code = await runServe(undefined, { port: 0, host: '127.0.0.1', open: false, demo: false, relay: true }, io, signal)
 */
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { InspectorServer } from '../../inspector-ui/server/index'
import type { CliIO } from './types'
import { spawn } from 'node:child_process'
import net from 'node:net'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { createHostPolicy, isWildcardHost, parseAllowedHosts } from '../shared/host-check'
import { startWarnings } from '../shared/start-warnings'
import { EXIT } from './types'

export interface ServeFlags {
  /** The inspector's port; 0 picks a free one. */
  port: number
  host: string
  /** Open the default browser at the printed URL (`BROWSER` names another program). */
  open: boolean
  /** Start the demo server too. */
  demo: boolean
  /** The demo server's port (`--demo-port`); 0 picks a free one. @default 3000 */
  demoPort?: number
  /** `--no-relay` makes this false. */
  relay: boolean
  /** `--attach-token` (at least 16 characters); else env SOCKETIO_INSPECTOR_ATTACH_TOKEN; else random per start. */
  attachToken?: string
}

/** A loopback or wildcard listen address is shown as `localhost` (what start.ts and the servers print). */
function shownHostOf(host: string): string {
  if (host === '127.0.0.1' || host === '::1' || isWildcardHost(host))
    return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Whether a `url` argument is one the page can connect to: http(s) or ws(s), with a host. The page's own
 * `?url=` handling checks the rest (a namespace, a path) and says what is wrong there.
 */
export function serveUrlProblem(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    return `"${url}" is neither a URL (e.g. http://localhost:3000/chat) nor a command (capture, emit)`
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol))
    return `"${url}" is not an http(s) or ws(s) URL`
  return undefined
}

/** The page URL that opens with `url` filled in (the page's `?url=`). */
export function prefilledUrl(inspectorUrl: string, url: string | undefined): string {
  return url === undefined ? `${inspectorUrl}/` : `${inspectorUrl}/?url=${encodeURIComponent(url)}`
}

/** A port nobody listens on at this moment (the demo page links to the inspector before it listens). */
async function freePort(host: string): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** The default browser (or `BROWSER`), detached; a failure is a line on stderr, never the end of the server. */
export function openBrowser(url: string, io: CliIO): void {
  const browser = process.env.BROWSER
  const [command, args]: [string, string[]] = browser
    ? [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.once('error', error => io.stderr.write(`  Could not open a browser (${command}: ${error.message}); open ${url} yourself.\n`))
    child.unref()
  }
  catch (error) {
    io.stderr.write(`  Could not open a browser (${command}: ${(error as Error).message}); open ${url} yourself.\n`)
  }
}

/** What went wrong while starting, in the user's terms (the flag to change), for stderr. */
function startFailure(error: unknown, what: string, portFlag: string, port: number, host: string): string {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'EADDRINUSE')
    return `${what}: port ${port} is in use on ${host}: pass another ${portFlag} (0 picks a free one).`
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${what}: cannot listen on ${host} (${code}): pass an address of this machine as --host.`
  if (code === 'EACCES')
    return `${what}: not allowed to listen on port ${port} (EACCES): pass a port above 1023 as ${portFlag}.`
  return `${what}: ${error instanceof Error ? error.message : String(error)}`
}

/**
 * Runs `socketio-inspector [url]` until `signal` aborts; resolves with the exit code (0 after a clean stop,
 * 1 when a server could not start, 2 for a bad `url`, `--host`, ALLOWED_HOSTS or attach token).
 */
export async function runServe(url: string | undefined, flags: ServeFlags, io: CliIO, signal: AbortSignal): Promise<number> {
  if (url !== undefined) {
    const problem = serveUrlProblem(url)
    if (problem) {
      io.stderr.write(`error: argument 'url': ${problem}\n`)
      return EXIT.usage
    }
  }
  let allowedHosts: string[]
  try {
    allowedHosts = parseAllowedHosts(process.env.ALLOWED_HOSTS)
  }
  catch (error) {
    io.stderr.write(`error: ALLOWED_HOSTS: ${(error as Error).message}\n`)
    return EXIT.usage
  }
  const { host } = flags
  try {
    // The servers' own host check, before anything listens: a host it cannot read is the user's input.
    createHostPolicy({ host, allowedHosts })
  }
  catch (error) {
    io.stderr.write(`error: option '--host <host>' argument '${host}' is invalid. ${(error as Error).message}\n`)
    return EXIT.usage
  }
  // Loaded on use: `--help` and the other commands do not pay for express and socket.io.
  const { attachTokenProblem, startInspectorServer } = await import('../../inspector-ui/server/index')
  const attachToken = flags.attachToken ?? (process.env.SOCKETIO_INSPECTOR_ATTACH_TOKEN || undefined)
  if (attachToken !== undefined) {
    const problem = attachTokenProblem(attachToken)
    if (problem) {
      // The token itself is not echoed: it is a secret, even a bad one.
      const source = flags.attachToken !== undefined ? 'option \'--attach-token <token>\'' : 'SOCKETIO_INSPECTOR_ATTACH_TOKEN'
      io.stderr.write(`error: ${source}: ${problem}\n`)
      return EXIT.usage
    }
  }
  const adminPassword = process.env.ADMIN_PASSWORD || undefined
  for (const line of startWarnings({ host, allowedHosts, adminPassword: flags.demo ? adminPassword : undefined }))
    io.stderr.write(`  Warning: ${line.replace(/^HOST=/, '--host ')}\n`)

  // From the sources (tsx): build the page first when it is missing or stale, as `npm start` does. The
  // package ships it prebuilt (and has no vite), so the compiled CLI never takes this path.
  if (/\.[cm]?ts$/.test(fileURLToPath(import.meta.url))) {
    const buildScript = '../../scripts/build-if-stale'
    const { buildIfStale } = await import(/* @vite-ignore */ buildScript) as typeof import('../../scripts/build-if-stale')
    await buildIfStale(line => io.stderr.write(`${line}\n`))
  }

  const shownHost = shownHostOf(host)
  let demo: StartedDemoServer | undefined
  let inspector: InspectorServer | undefined
  const closeAll = (): Promise<unknown> => Promise.allSettled([inspector?.close(), demo?.close()])
  /** Says why a server did not start (exit 1). */
  const startFailed = (error: unknown, what: string, portFlag: string, port: number): number => {
    io.stderr.write(`${startFailure(error, what, portFlag, port, host)}\n`)
    return EXIT.connection
  }

  let inspectorPort = flags.port
  let demoUrl: string | undefined
  if (flags.demo) {
    const { startDemoServer } = await import('../../demo-server/src/start')
    const demoPort = flags.demoPort ?? 3000
    try {
      // The demo's page links to the inspector, which listens after it: its port must be known first.
      if (inspectorPort === 0)
        inspectorPort = await freePort(host)
      demo = await startDemoServer({
        port: demoPort,
        host,
        allowedHosts,
        adminToken: process.env.ADMIN_TOKEN || undefined,
        adminPassword,
        corsOrigins: 'localhost',
        inspectorUrl: `http://${shownHost}:${inspectorPort}`,
        // Its activity log goes to stderr: stdout carries the URLs only.
        log: line => io.stderr.write(`${line}\n`),
      })
    }
    catch (error) {
      await closeAll()
      return startFailed(error, 'demo server', '--demo-port', demoPort)
    }
    demoUrl = `http://${shownHost}:${demo.port}`
  }
  try {
    inspector = await startInspectorServer({
      port: inspectorPort,
      host,
      allowedHosts,
      relay: flags.relay,
      attachToken,
      config: demo && demoUrl
        ? { demoUrl, admin: { url: demoUrl, namespace: '/admin', username: 'admin', password: demo.adminPassword } }
        : {},
    })
  }
  catch (error) {
    await closeAll()
    return startFailed(error, 'inspector', '--port', inspectorPort)
  }

  const pageUrl = prefilledUrl(inspector.url, url)
  const lines = ['', `  Socket.IO Inspector   ${inspector.url}/`]
  if (url !== undefined)
    lines.push(`  Open directly         ${pageUrl}`)
  lines.push(`  Relay                 ${flags.relay ? 'on (the page can run its connections from this process)' : 'off (--no-relay: connections run in the browser only)'}`)
  lines.push(inspector.attachToken !== undefined
    ? `  Attach token          ${inspector.attachToken}   (attach(socket, { inspector: '${inspector.url}', token, name }))`
    : '  Attach                off (--no-relay: the page watches attached apps over the relay)')
  if (demo && demoUrl) {
    lines.push(
      `  Demo server           ${demoUrl}/   (namespaces /, /namespace1, /namespace2)`,
      ...(url === undefined ? [`  Open directly         ${prefilledUrl(inspector.url, `${demoUrl}/namespace1`)}`] : []),
      '',
      `  Admin token           ${demo.adminToken}   (connect with auth {"token": "..."} to join "admins")`,
      `  Server view (admin-ui) user "admin", password ${demo.adminPassword}`,
    )
  }
  lines.push('', `  Ctrl+C stops ${demo ? 'both' : 'it'}.`, '')
  io.stdout.write(`${lines.join('\n')}\n`)

  if (flags.open)
    openBrowser(url === undefined && demoUrl ? prefilledUrl(inspector.url, `${demoUrl}/namespace1`) : pageUrl, io)

  if (!signal.aborted)
    await new Promise<void>(resolve => signal.addEventListener('abort', () => resolve(), { once: true }))
  await closeAll()
  return EXIT.ok
}
