/**
 * The cluster adapter, made safe for admin-ui. admin-ui (development mode) wraps every `socket.data` in a Proxy to
 * see it change; the cluster adapter sends its messages over IPC with the 'advanced' (structured clone)
 * serialization, which cannot clone a Proxy: the first `fetchSockets()` answer that carried a socket's `data`
 * threw inside the adapter and ended the node. This adapter retries such a message as a plain copy. The fast
 * path (a message that clones) is unchanged; only a message that failed is copied.
 */
import { NodeClusterAdapter } from '@socket.io/cluster-adapter'

type Message = Parameters<NodeClusterAdapter['doPublish']>[0]
type Response = Parameters<NodeClusterAdapter['doPublishResponse']>[1]

/**
 * A deep copy made of plain objects and arrays (Proxies read through), keeping what structured clone takes as it
 * is (Buffers and other binary views, Dates). A value seen twice on one path (a cycle) becomes null.
 */
export function toCloneable(value: unknown, path: Set<object> = new Set()): unknown {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date)
    return value
  if (path.has(value))
    return null
  path.add(value)
  let copy: unknown
  if (Array.isArray(value)) {
    copy = value.map(item => toCloneable(item, path))
  }
  else {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value))
      out[key] = toCloneable(item, path)
    copy = out
  }
  path.delete(value)
  return copy
}

export class DemoClusterAdapter extends NodeClusterAdapter {
  protected override doPublish(message: Message): Promise<string> {
    try {
      return super.doPublish(message)
    }
    catch {
      // process.send throws synchronously when the message cannot be cloned.
      return super.doPublish(toCloneable(message) as Message)
    }
  }

  protected override doPublishResponse(requesterUid: string, response: Response): Promise<void> {
    try {
      return super.doPublishResponse(requesterUid, response)
    }
    catch {
      return super.doPublishResponse(requesterUid, toCloneable(response) as Response)
    }
  }
}
