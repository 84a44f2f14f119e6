/**
 * `list:*`: what the server knows about rooms and sockets. Everything comes from `fetchSockets()`, which
 * spans every process behind an adapter; `adapter.rooms` and `nsp.sockets` (v2's `adapter.rooms[...]`
 * and `namespace.connected`) would only show this process. `io._nsps` is used only for the namespace names.
 *
 * Every answer is capped (`ctx.listCaps`: 1,000 ids or rooms, 100 members per room in list:rooms) with
 * `total` and `truncated` when cut, and the four events share a token bucket per socket
 * (`ctx.listRateLimit`): one uncapped list:rooms answer was 20 MB, and nothing limited how often it came.
 * A listing still walks every socket of the namespace (that is what `fetchSockets()` returns), so its cost
 * grows with the number of sockets even when the answer is cut.
 */
import type { RoomsListing, Truncation } from '../../../../src/shared/demo-events'
import type { DemoNsp, Feature } from '../../types'
import type { AckFn } from '../../validate'
import { checkRoomId, handle, reportError, requireAck } from '../../validate'
import { TokenBucket } from '../rate-limit'

type ListEvent = 'list:room' | 'list:rooms' | 'list:namespace' | 'list:server'

/** The first `max` ids, with `total` and `truncated` when there were more. */
export function capIds(ids: string[], max: number): { sockets: string[] } & Truncation {
  return ids.length > max ? { sockets: ids.slice(0, max), total: ids.length, truncated: true } : { sockets: ids }
}

/**
 * Room name → member ids, id rooms excluded (a room named after the id of a socket is that socket's own
 * room), sorted by name: the first `caps.items` rooms, each with its first `caps.membersPerRoom` members.
 */
export async function listRooms(nsp: DemoNsp, caps: { items: number, membersPerRoom: number }): Promise<Omit<RoomsListing, 'namespace'>> {
  const sockets = await nsp.fetchSockets()
  const ids = new Set(sockets.map(s => s.id))
  const rooms = new Map<string, string[]>()
  for (const s of sockets) {
    for (const room of s.rooms) {
      if (ids.has(room))
        continue
      let members = rooms.get(room)
      if (!members)
        rooms.set(room, members = [])
      members.push(s.id)
    }
  }
  // Null-prototype objects: a room may be called "__proto__".
  const result = Object.create(null) as Record<string, string[]>
  const sizes = Object.create(null) as Record<string, number>
  let cutMembers = false
  const names = [...rooms.keys()].sort((a, b) => a.localeCompare(b))
  for (const room of names.slice(0, caps.items)) {
    const members = rooms.get(room)!
    if (members.length > caps.membersPerRoom) {
      cutMembers = true
      sizes[room] = members.length
    }
    result[room] = members.slice(0, caps.membersPerRoom)
  }
  if (names.length <= caps.items && !cutMembers)
    return { rooms: result }
  return { rooms: result, ...(cutMembers ? { sizes } : {}), total: names.length, truncated: true }
}

export const listing: Feature = (socket, ctx) => {
  const nsp = socket.nsp
  const { items } = ctx.listCaps
  const bucket = new TokenBucket(ctx.listRateLimit.points, ctx.listRateLimit.perMs)

  /** Registers a list:* handler behind the shared bucket; the ack is required (the answer is the point). */
  const register = (event: ListEvent, run: (args: unknown[], ack: AckFn) => Promise<void>): void => {
    handle(socket, event, ctx.log, async (args, ackArg) => {
      if (!bucket.take()) {
        reportError(socket, event, `rate limited: at most ${ctx.listRateLimit.points} list requests every ${ctx.listRateLimit.perMs} ms; this one was refused`, ackArg)
        return
      }
      await run(args, requireAck(ackArg, event))
    })
  }

  register('list:room', async ([roomArg], ack) => {
    const room = checkRoomId(roomArg)
    const ids = (await nsp.in(room).fetchSockets()).map(s => s.id)
    ack({ ok: true, room, ...capIds(ids, items) })
  })

  register('list:rooms', async (_args, ack) => {
    ack({ ok: true, namespace: nsp.name, ...await listRooms(nsp, ctx.listCaps) })
  })

  register('list:namespace', async (_args, ack) => {
    const ids = (await nsp.fetchSockets()).map(s => s.id)
    ack({ ok: true, namespace: nsp.name, ...capIds(ids, items) })
  })

  register('list:server', async (_args, ack) => {
    // `/admin` is admin-ui's, not the tutorial's: its sockets are the inspectors' server views.
    const names = [...ctx.io._nsps.keys()].filter(name => name !== ctx.adminNamespace)
    const all = await Promise.all(names.map(async name => [name, (await ctx.io.of(name).fetchSockets()).map(s => s.id)] as const))
    const namespaces = Object.fromEntries(all.map(([name, ids]) => [name, ids.slice(0, items)]))
    if (all.every(([, ids]) => ids.length <= items))
      return ack({ ok: true, namespaces })
    ack({ ok: true, namespaces, totals: Object.fromEntries(all.map(([name, ids]) => [name, ids.length])), truncated: true })
  })
}
