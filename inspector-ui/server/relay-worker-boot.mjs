/**
 * The first module of every relay session worker (./relay-worker-host.ts): plain JavaScript, because a worker
 * thread does not inherit the TypeScript loader of its parent. Under `npm start` (tsx) the parent's
 * `--import` is passed on but does not apply to a worker's entry on Node 20, and under vitest TypeScript is
 * compiled by vitest's own module runner, which a worker does not have. So: register tsx's loader here when
 * the worker's module is TypeScript, then import it (`workerData.entry`, a file URL).
 */
import { workerData } from 'node:worker_threads'

const entry = String(workerData?.entry ?? '')
const typescript = /\.[cm]?ts$/.test(new URL(entry).pathname)

// A promise chain, not top-level await: a failure becomes the worker's `error` event either way.
Promise.resolve()
  .then(async () => {
    if (typescript) {
      const { register } = await import('tsx/esm/api')
      register()
    }
    await import(entry)
  })
  .catch((error) => {
    // Rethrown outside the promise: an uncaught exception ends the worker, and the host reports it.
    setImmediate(() => {
      throw error
    })
  })
