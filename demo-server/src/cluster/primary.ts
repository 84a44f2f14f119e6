/**
 * The cluster's primary process: forks one worker per node (Node's cluster module), keeps the cluster adapter's
 * message hub (`setupPrimary`) when that adapter is used, and opens the front door on PORT once every node is
 * ready: `@socket.io/sticky` hands each HTTP connection to a node, and every later request of the same Engine.IO
 * session (its `sid`) to the same node, so long-polling works through the door.
 */
import type { Worker } from 'node:cluster'
import type { ClusterConfig, PrimaryMessage, ReadyInfo, WorkerMessage } from './config'
import cluster from 'node:cluster'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import process from 'node:process'
import { setupPrimary as setupClusterAdapterPrimary } from '@socket.io/cluster-adapter'
import { setupMaster } from '@socket.io/sticky'
import { startWarnings } from '../../../src/shared/start-warnings'
import { nodeName, shownUrl } from './config'

/** How long the primary waits for the nodes to start, and then to stop, before it gives up on them. */
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 5_000

/** How long a request for a session the primary does not know the node of yet waits for it. */
const BIND_WAIT_MS = 2_000
const SID = /sid=([\w-]{20})/

/**
 * @socket.io/sticky learns a session's node over IPC (the node's `sticky:connection` message), while the
 * node answers the handshake straight on the client's socket: on a busy machine the client's next request
 * (the CONNECT packet's POST) can reach the primary before that message, and sticky then sends it to the
 * least busy node — another one, which answers 400 "Session ID unknown" (the client's `xhr post error`).
 * So a connection whose first request names a session not bound yet waits (up to BIND_WAIT_MS) for the
 * binding before sticky routes it. Requests without a sid, or with a known one, pass at once.
 */
function holdUntilBound(frontDoor: http.Server): void {
  const bound = new Set<string>()
  cluster.on('message', (_worker, message: { type?: string, data?: unknown }) => {
    if (message?.type === 'sticky:connection' && typeof message.data === 'string')
      bound.add(message.data)
    else if (message?.type === 'sticky:disconnection' && typeof message.data === 'string')
      bound.delete(message.data)
  })
  const emit = frontDoor.emit.bind(frontDoor)
  frontDoor.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'connection')
      return emit(event as string, ...args)
    const socket = args[0] as import('node:net').Socket
    socket.once('data', (chunk: Buffer) => {
      socket.pause()
      const sid = SID.exec(chunk.subarray(0, 2048).toString('latin1'))?.[1]
      const deadline = Date.now() + BIND_WAIT_MS
      const route = (): void => {
        if (sid && !bound.has(sid) && Date.now() < deadline && !socket.destroyed) {
          setTimeout(route, 2)
          return
        }
        socket.unshift(chunk)
        emit('connection', socket)
        socket.resume()
      }
      route()
    })
    return true
  }) as typeof frontDoor.emit
}

/** To `startDemoCluster` (when it forked us) as well as to the console. */
function report(message: PrimaryMessage): void {
  process.send?.(message)
}

function fail(error: string): never {
  console.error(`demo cluster: ${error}`)
  report({ type: 'demo-cluster:failed', error })
  process.exit(1)
}

export async function runPrimary(config: ClusterConfig): Promise<void> {
  const env = process.env
  for (const line of startWarnings({ host: config.host, allowedHosts: [], adminPassword: env.ADMIN_PASSWORD || undefined }))
    console.warn(`  Warning: ${line}`)
  // One token and one password for every node: a client may land on any of them.
  const adminToken = env.ADMIN_TOKEN || randomBytes(24).toString('base64url')
  const adminPassword = env.ADMIN_PASSWORD || randomBytes(12).toString('base64url')

  if (config.adapter === 'cluster')
    setupClusterAdapterPrimary()
  // 'advanced' keeps Buffers (binary events) intact across the IPC between nodes.
  cluster.setupPrimary({ serialization: 'advanced' })

  const workers = new Map<string, Worker>()
  let stopping = false
  const ready = new Promise<void>((resolve, reject) => {
    const pending = new Set<string>()
    const timer = setTimeout(() => reject(new Error(`nodes not ready within ${START_TIMEOUT_MS} ms: ${[...pending].join(', ')}`)), START_TIMEOUT_MS)
    for (let i = 1; i <= config.nodes; i++) {
      const name = nodeName(i)
      pending.add(name)
      const worker = cluster.fork({ ...env, DEMO_CLUSTER_NODE: String(i), ADMIN_TOKEN: adminToken, ADMIN_PASSWORD: adminPassword })
      workers.set(name, worker)
      worker.on('message', (message: WorkerMessage) => {
        if (message?.type === 'demo-cluster:node-ready') {
          pending.delete(name)
          if (pending.size === 0) {
            clearTimeout(timer)
            resolve()
          }
        }
        else if (message?.type === 'demo-cluster:node-failed') {
          clearTimeout(timer)
          reject(new Error(`${name} (port ${config.port + i}) did not start: ${message.error}`))
        }
      })
      worker.on('exit', (code, signal) => {
        workers.delete(name)
        if (pending.has(name)) {
          clearTimeout(timer)
          reject(new Error(`${name} (port ${config.port + i}) exited while starting (${signal ?? `code ${code}`})`))
        }
        else if (!stopping) {
          // Not restarted: a node that crashes shows what a lost node does (its sockets reconnect elsewhere).
          console.error(`  ${name} exited (${signal ?? `code ${code}`}); the other nodes go on`)
        }
      })
    }
  })

  const frontDoor = http.createServer()
  holdUntilBound(frontDoor)
  setupMaster(frontDoor, { loadBalancingMethod: 'least-connection' })

  const stop = (code: number): void => {
    if (stopping)
      return
    stopping = true
    frontDoor.close()
    const left = [...workers.values()]
    for (const worker of left)
      worker.send({ type: 'demo-cluster:stop' }, () => {})
    const deadline = setTimeout(() => {
      for (const worker of workers.values())
        worker.process.kill('SIGKILL')
      process.exit(code)
    }, STOP_TIMEOUT_MS)
    Promise.all(left.map(w => new Promise(resolve => w.process.exitCode !== null ? resolve(null) : w.once('exit', resolve)))).then(() => {
      clearTimeout(deadline)
      process.exit(code)
    })
  }
  process.on('SIGINT', () => stop(0))
  process.on('SIGTERM', () => stop(0))
  // Forked by startDemoCluster: when it goes, we go.
  process.on('disconnect', () => stop(0))

  try {
    await ready
    await new Promise<void>((resolve, reject) => {
      frontDoor.once('error', err => reject(new Error(`front door port ${config.port}: ${err.message}`)))
      frontDoor.listen(config.port, config.host, () => {
        frontDoor.removeAllListeners('error')
        resolve()
      })
    })
  }
  catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    stopping = true
    for (const worker of workers.values())
      worker.process.kill('SIGTERM')
    fail(message)
  }

  const info: ReadyInfo = {
    url: shownUrl(config.host, config.port),
    port: config.port,
    nodes: Array.from({ length: config.nodes }, (_, k) => ({ name: nodeName(k + 1), url: shownUrl(config.host, config.port + k + 1), port: config.port + k + 1 })),
    adminPassword,
    adminToken,
  }
  const adapterLine = config.adapter === 'redis' ? `@socket.io/redis-adapter (${config.redisUrl})` : '@socket.io/cluster-adapter (through this process)'
  console.log(`
  Demo cluster    ${config.nodes} node${config.nodes === 1 ? '' : 's'}, adapter ${adapterLine}
  Front door      ${info.url}/   (sticky sessions: long-polling works; namespaces /, /namespace1, /namespace2)
${info.nodes.map(n => `  ${n.name.padEnd(15)} ${n.url}/`).join('\n')}
  Admin token     ${adminToken}   (connect with auth {"token": "..."} to join "admins")
  admin-ui        <any node or the front door>/admin   user "admin", password ${adminPassword}
`)
  report({ type: 'demo-cluster:ready', info })
}
