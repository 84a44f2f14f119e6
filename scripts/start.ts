/**
 * `npm start`: the demo server and the inspector beside it, with the URLs printed.
 *
 * Environment: PORT (demo server, default 3000), INSPECTOR_PORT (default 5173), HOST (default
 * 127.0.0.1), ALLOWED_HOSTS (Host names both servers answer to besides the loopback ones and HOST),
 * INSPECTOR_EXPOSE_SECRETS=1 (hand the relay token and the admin-ui password to other machines too; warned
 * about), ADMIN_TOKEN, ADMIN_PASSWORD, CORS_ORIGINS (see demo-server/src/index.ts), SOCKETIO_INSPECTOR_ATTACH_TOKEN
 * (the token apps attach with, at least 16 characters; also `npm start -- --attach-token <token>`; default:
 * random per start). README "Security".
 */
import process from 'node:process'
import { startDemoServer } from '../demo-server/src/start'
import { attachTokenProblem, startInspectorServer } from '../inspector-ui/server/index'
import { createHostPolicy, parseAllowedHosts } from '../src/shared/host-check'
import { startWarnings } from '../src/shared/start-warnings'
import { buildIfStale } from './build-if-stale'

const host = process.env.HOST ?? '127.0.0.1'
const allowedHosts = parseAllowedHosts(process.env.ALLOWED_HOSTS)
// A HOST or ALLOWED_HOSTS the servers cannot use ends the start here, before the build, with its message only
// (the servers would throw the same TypeError later, as an uncaught exception with a stack trace).
try {
  createHostPolicy({ host })
}
catch (error) {
  console.error(`npm start: HOST: ${(error as Error).message}`)
  process.exit(1)
}
try {
  createHostPolicy({ allowedHosts })
}
catch (error) {
  console.error(`npm start: ALLOWED_HOSTS: ${(error as Error).message}`)
  process.exit(1)
}
/** `--attach-token <token>` or `--attach-token=<token>` after `npm start --`. */
function attachTokenArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--attach-token')
      return argv[i + 1] ?? ''
    if (argv[i].startsWith('--attach-token='))
      return argv[i].slice('--attach-token='.length)
  }
  return undefined
}
const attachTokenFlag = attachTokenArg(process.argv.slice(2))
const attachToken = attachTokenFlag ?? (process.env.SOCKETIO_INSPECTOR_ATTACH_TOKEN || undefined)
if (attachToken !== undefined) {
  const problem = attachTokenProblem(attachToken)
  if (problem) {
    console.error(`npm start: ${attachTokenFlag !== undefined ? '--attach-token' : 'SOCKETIO_INSPECTOR_ATTACH_TOKEN'}: ${problem}`)
    process.exit(2)
  }
}
const exposeSecrets = process.env.INSPECTOR_EXPOSE_SECRETS === '1'
const demoPort = Number(process.env.PORT ?? 3000)
const inspectorPort = Number(process.env.INSPECTOR_PORT ?? 5173)
const shownHost = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host

const warnings = startWarnings({ host, allowedHosts, adminPassword: process.env.ADMIN_PASSWORD || undefined, exposeSecrets })
for (const line of warnings)
  console.warn(`  Warning: ${line}`)

await buildIfStale()

const demo = await startDemoServer({
  port: demoPort,
  host,
  allowedHosts,
  adminToken: process.env.ADMIN_TOKEN || undefined,
  adminPassword: process.env.ADMIN_PASSWORD || undefined,
  corsOrigins: process.env.CORS_ORIGINS ? process.env.CORS_ORIGINS.split(',').map(s => s.trim()).filter(Boolean) : 'localhost',
  inspectorUrl: `http://${shownHost}:${inspectorPort}`,
})
const demoUrl = `http://${shownHost}:${demo.port}`
const inspector = await startInspectorServer({
  port: inspectorPort,
  host,
  allowedHosts,
  exposeSecrets,
  attachToken,
  config: {
    demoUrl,
    admin: { url: demoUrl, namespace: '/admin', username: 'admin', password: demo.adminPassword },
  },
})

console.log(`
  Socket.IO Inspector   ${inspector.url}/
  Demo server           ${demoUrl}/   (namespaces /, /namespace1, /namespace2)
  Open directly         ${inspector.url}/?url=${encodeURIComponent(`${demoUrl}/namespace1`)}

  Admin token           ${demo.adminToken}   (connect with auth {"token": "..."} to join "admins")
  Server view (admin-ui) user "admin", password ${demo.adminPassword}
  Attach token          ${inspector.attachToken}   (attach(socket, { inspector: '${inspector.url}', token, name }))

  Ctrl+C stops both.
`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping)
    return
  stopping = true
  await Promise.allSettled([inspector.close(), demo.close()])
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
