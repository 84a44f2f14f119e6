/**
 * The cluster's settings, read once in the primary (from the environment or `startDemoCluster`'s options)
 * and handed to each worker through its environment.
 */

export type ClusterAdapterKind = 'cluster' | 'redis'

export interface ClusterConfig {
  /** The front door (sticky sessions); node i listens on `port + i`. */
  port: number
  nodes: number
  host: string
  adapter: ClusterAdapterKind
  redisUrl: string
}

/** More nodes would only cost memory on a teaching machine; 16 is plenty to see rooms cross nodes. */
export const MAX_NODES = 16
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** Stable node names: the same name for node i on every start (welcome.node, admin-ui's serverId). */
export function nodeName(index: number): string {
  return `node-${index}`
}

/**
 * Validates the settings; a bad value is a TypeError with the variable's name (the entry prints its message).
 * @example parseClusterConfig({ PORT: '3000', NODES: '3' }) // { port: 3000, nodes: 3, host: '127.0.0.1', adapter: 'cluster', ... }
 */
export function parseClusterConfig(env: Record<string, string | undefined>): ClusterConfig {
  const port = Number(env.PORT || 3000)
  const nodes = Number(env.NODES || 3)
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES)
    throw new TypeError(`NODES must be a whole number from 1 to ${MAX_NODES}, got "${env.NODES}"`)
  // 0 ("any free port") cannot work: the nodes' ports are counted from the front door's.
  if (!Number.isInteger(port) || port < 1 || port + nodes > 65535)
    throw new TypeError(`PORT must be a port from 1 to ${65535 - nodes} (node i listens on PORT + i), got "${env.PORT}"`)
  const adapter = env.ADAPTER || 'cluster'
  if (adapter !== 'cluster' && adapter !== 'redis')
    throw new TypeError(`ADAPTER must be "cluster" (default, no other service) or "redis" (with REDIS_URL), got "${adapter}"`)
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL
  if (adapter === 'redis' && !/^rediss?:\/\//.test(redisUrl))
    throw new TypeError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`)
  return { port, nodes, host: env.HOST || '127.0.0.1', adapter, redisUrl }
}

/** `http://host:port` as the demo server shows it (IPv6 in brackets). */
export function shownUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '::1' ? 'localhost' : host
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`
}

/** Messages between the primary and its workers (cluster IPC) and from the primary to `startDemoCluster` (fork IPC). */
export type WorkerMessage
  = | { type: 'demo-cluster:node-ready', name: string }
    | { type: 'demo-cluster:node-failed', name: string, error: string }

export interface ReadyInfo {
  url: string
  port: number
  nodes: Array<{ name: string, url: string, port: number }>
  adminPassword: string
  adminToken: string
}

export type PrimaryMessage
  = | { type: 'demo-cluster:ready', info: ReadyInfo }
    | { type: 'demo-cluster:failed', error: string }
