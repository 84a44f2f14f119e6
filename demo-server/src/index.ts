/**
 * The demo server's entry: the only file that reads the environment and listens.
 *
 * PORT (default 3000), HOST (default 127.0.0.1), ALLOWED_HOSTS (comma separated Host names answered besides
 * the loopback ones and HOST; `.example.com` for a domain and its subdomains), ADMIN_TOKEN, ADMIN_PASSWORD
 * (generated and printed when unset; a weak one is warned about), CORS_ORIGINS (comma separated; default:
 * any localhost origin), INSPECTOR_URL.
 */
import process from 'node:process'
import { parseAllowedHosts } from '../../src/shared/host-check'
import { startWarnings } from '../../src/shared/start-warnings'
import { startDemoServer } from './start'

async function main(): Promise<void> {
  const env = process.env
  const host = env.HOST || '127.0.0.1'
  const allowedHosts = parseAllowedHosts(env.ALLOWED_HOSTS)
  for (const line of startWarnings({ host, allowedHosts, adminPassword: env.ADMIN_PASSWORD || undefined }))
    console.warn(`  Warning: ${line}`)
  const demo = await startDemoServer({
    port: Number(env.PORT || 3000),
    host,
    allowedHosts,
    adminToken: env.ADMIN_TOKEN || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map(s => s.trim()).filter(Boolean) : 'localhost',
    inspectorUrl: env.INSPECTOR_URL || undefined,
  })

  console.log(`
  Demo server     ${demo.url}/   (namespaces /, /namespace1, /namespace2)
  Admin token     ${demo.adminToken}   (connect with auth {"token": "..."} to join "admins")
  admin-ui        ${demo.url}/admin   user "admin", password ${demo.adminPassword}
`)

  let stopping = false
  const stop = (): void => {
    if (stopping)
      return
    stopping = true
    demo.close().finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  // A configuration error (a malformed ALLOWED_HOSTS entry) is its message; anything else keeps its stack.
  console.error(err instanceof TypeError ? `demo server: ${err.message}` : err)
  process.exit(1)
})
