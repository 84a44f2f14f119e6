/**
 * `npm run demo:cluster`: the demo server as NODES nodes (default 3). The front door is PORT (default 3000,
 * sticky sessions), node i listens on PORT + i. ADAPTER=cluster (default: @socket.io/cluster-adapter, no other
 * service) or ADAPTER=redis with REDIS_URL (default redis://127.0.0.1:6379). HOST, ADMIN_TOKEN, ADMIN_PASSWORD,
 * ALLOWED_HOSTS, CORS_ORIGINS and INSPECTOR_URL as for `npm run dev:server`.
 *
 * The same file runs in the primary and in every worker (Node's cluster module forks this entry again).
 */
import cluster from 'node:cluster'
import process from 'node:process'
import { parseClusterConfig } from './config'
import { runPrimary } from './primary'
import { runWorker } from './worker'

async function main(): Promise<void> {
  const config = parseClusterConfig(process.env)
  if (cluster.isPrimary)
    await runPrimary(config)
  else
    await runWorker(config)
}

main().catch((err) => {
  console.error(err instanceof TypeError ? `demo cluster: ${err.message}` : err)
  process.send?.({ type: 'demo-cluster:failed', error: err instanceof Error ? err.message : String(err) })
  process.exit(1)
})
