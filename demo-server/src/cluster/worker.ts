/**
 * One cluster node: the whole demo server on `PORT + i`, and the same http.Server also takes the connections
 * that the primary's front door hands over (`@socket.io/sticky`'s setupWorker). Rooms and broadcasts go through
 * the adapter: the cluster adapter (IPC through the primary) or the Redis adapter.
 */
import type { ServerOptions } from 'socket.io'
import type { StartedDemoServer } from '../start'
import type { ClusterConfig, WorkerMessage } from './config'
import process from 'node:process'
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter'
import { setupWorker } from '@socket.io/sticky'
import { createClient } from 'redis'
import { parseAllowedHosts } from '../../../src/shared/host-check'
import { startDemoServer } from '../start'
import { DemoClusterAdapter } from './adapter'
import { nodeName } from './config'

/** How long a node waits to see every other node through the adapter before it says it is ready anyway. */
const DISCOVERY_TIMEOUT_MS = 15_000

function send(message: WorkerMessage): void {
  process.send?.(message)
}

interface AdapterSetup {
  adapter: NonNullable<ServerOptions['adapter']>
  close: () => Promise<void>
}

async function createAdapterSetup(config: ClusterConfig, log: (line: string) => void): Promise<AdapterSetup> {
  if (config.adapter === 'cluster')
    // socket.io constructs the adapter of each namespace with `new`: the class itself is the factory.
    return { adapter: DemoClusterAdapter, close: async () => {} }
  let started = false
  const pub = createClient({
    url: config.redisUrl,
    // A Redis that does not answer at start fails the start (with its error); once running, a lost
    // connection is retried, every 2 s at most.
    socket: { reconnectStrategy: (retries: number, cause: Error) => started ? Math.min(100 * (retries + 1), 2000) : cause },
  })
  const sub = pub.duplicate()
  // An 'error' listener is required: without one a lost Redis connection would end the process.
  pub.on('error', (err: Error) => log(`redis (publish) ${config.redisUrl}: ${err.message}`))
  sub.on('error', (err: Error) => log(`redis (subscribe) ${config.redisUrl}: ${err.message}`))
  try {
    await Promise.all([pub.connect(), sub.connect()])
  }
  catch (err) {
    // destroy() throws on a client that closed itself already (the failed one).
    await Promise.allSettled([pub, sub].map(async client => client.destroy()))
    throw new Error(`no Redis at ${config.redisUrl} (${err instanceof Error ? err.message : String(err)}); start redis-server or set REDIS_URL`)
  }
  started = true
  return {
    adapter: createRedisAdapter(pub, sub),
    close: async () => {
      await Promise.allSettled([pub, sub].map(async client => client.quit()))
    },
  }
}

/**
 * Waits until every namespace's adapter counts all the nodes: before that, `fetchSockets()` and admin-ui's
 * `server_stats` would only hear the nodes found so far. Bounded; false when not all were seen.
 */
async function waitForNodes(demo: StartedDemoServer, nodes: number): Promise<boolean> {
  // The demo namespaces and admin-ui's `/admin`, all created by createDemoServer.
  const names = [...demo.io._nsps.keys()]
  const deadline = Date.now() + DISCOVERY_TIMEOUT_MS
  while (Date.now() < deadline) {
    const counts = await Promise.all(names.map(n => demo.io.of(n).adapter.serverCount()))
    if (counts.every(c => c >= nodes))
      return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return false
}

export async function runWorker(config: ClusterConfig): Promise<void> {
  const env = process.env
  const index = Number(env.DEMO_CLUSTER_NODE)
  const name = nodeName(index)
  const log = (line: string): void => console.log(`[${name}] ${line}`)
  let demo: StartedDemoServer | undefined
  let adapter: AdapterSetup | undefined
  try {
    adapter = await createAdapterSetup(config, log)
    demo = await startDemoServer({
      port: config.port + index,
      host: config.host,
      node: name,
      allowedHosts: parseAllowedHosts(env.ALLOWED_HOSTS),
      adminToken: env.ADMIN_TOKEN,
      adminPassword: env.ADMIN_PASSWORD,
      corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map(s => s.trim()).filter(Boolean) : 'localhost',
      inspectorUrl: env.INSPECTOR_URL || undefined,
      log,
      serverOptions: { adapter: adapter.adapter },
    })
    // Connections through the front door arrive over IPC; registered before the primary opens the door.
    setupWorker(demo.io as never)
    if (!await waitForNodes(demo, config.nodes))
      log(`not every node was seen through the ${config.adapter} adapter within ${DISCOVERY_TIMEOUT_MS} ms; cross-node answers may be partial until they are`)
    send({ type: 'demo-cluster:node-ready', name })
  }
  catch (err) {
    send({ type: 'demo-cluster:node-failed', name, error: err instanceof Error ? err.message : String(err) })
    await demo?.close().catch(() => {})
    await adapter?.close()
    process.exit(1)
  }

  let stopping = false
  const stop = (): void => {
    if (stopping)
      return
    stopping = true
    // The primary disconnects us (or we get a signal of our own): close sockets, then Redis, then leave.
    demo!.close().catch(() => {}).then(() => adapter!.close()).finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'demo-cluster:stop')
      stop()
  })
}
