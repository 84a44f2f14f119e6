/**
 * `list:*`: what the server knows about rooms and sockets. Everything comes from `fetchSockets()`, which
 * spans every process behind an adapter; `adapter.rooms` and `nsp.sockets` (v2's `adapter.rooms[...]`
 * and `namespace.connected`) would only show this process. `io._nsps` is used only for the namespace names.
 */
import type { DemoNsp, Feature } from '../../types'
import { checkText, handle, requireAck } from '../../validate'

/** Room name → member ids, id rooms excluded: a room named after the id of a socket is that socket's own room. */
export async function listRooms(nsp: DemoNsp): Promise<Record<string, string[]>> {
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
  // A null-prototype object: a room may be called "__proto__".
  const result = Object.create(null) as Record<string, string[]>
  for (const [room, members] of [...rooms].sort(([a], [b]) => a.localeCompare(b)))
    result[room] = members
  return result
}

export const listing: Feature = (socket, ctx) => {
  const nsp = socket.nsp

  handle(socket, 'list:room', ctx.log, async ([roomArg], ackArg) => {
    const ack = requireAck(ackArg, 'list:room')
    const room = checkText(roomArg, 'roomId')
    const sockets = (await nsp.in(room).fetchSockets()).map(s => s.id)
    ack({ ok: true, room, sockets })
  })

  handle(socket, 'list:rooms', ctx.log, async (_args, ackArg) => {
    const ack = requireAck(ackArg, 'list:rooms')
    ack({ ok: true, namespace: nsp.name, rooms: await listRooms(nsp) })
  })

  handle(socket, 'list:namespace', ctx.log, async (_args, ackArg) => {
    const ack = requireAck(ackArg, 'list:namespace')
    ack({ ok: true, namespace: nsp.name, sockets: (await nsp.fetchSockets()).map(s => s.id) })
  })

  handle(socket, 'list:server', ctx.log, async (_args, ackArg) => {
    const ack = requireAck(ackArg, 'list:server')
    // `/admin` is admin-ui's, not the tutorial's: its sockets are the inspectors' server views.
    const names = [...ctx.io._nsps.keys()].filter(name => name !== ctx.adminNamespace)
    const entries = await Promise.all(names.map(async name => [name, (await ctx.io.of(name).fetchSockets()).map(s => s.id)] as const))
    ack({ ok: true, namespaces: Object.fromEntries(entries) })
  })
}
