/**
 * The demo server's entry: the only file that reads the environment and listens.
 *
 * PORT (default 3000), HOST (default 127.0.0.1), ADMIN_TOKEN, ADMIN_PASSWORD (generated and printed when
 * unset), CORS_ORIGINS (comma separated; default: any localhost origin), INSPECTOR_URL.
 */
import process from 'node:process'
import { startDemoServer } from './start'

async function main(): Promise<void> {
  const env = process.env
  const demo = await startDemoServer({
    port: Number(env.PORT || 3000),
    host: env.HOST || '127.0.0.1',
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
  console.error(err)
  process.exit(1)
})
