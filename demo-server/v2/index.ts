/**
 * The v2 demo server (socket.io 2.x) on its own: `tsx demo-server/v2/index.ts`.
 *
 * Environment: PORT (default 3002), HOST (default 127.0.0.1).
 */
import process from 'node:process'
import { startDemoServerV2 } from './start-v2'

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3002)
  const host = process.env.HOST ?? '127.0.0.1'
  const demo = await startDemoServerV2({ port, host, log: line => console.log(`[v2] ${line}`) })
  console.log(`socket.io 2.x demo server on ${demo.url}/ (namespaces /, /namespace1, /namespace2); connect with the inspector's v2 client`)
  const stop = (): void => {
    demo.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
