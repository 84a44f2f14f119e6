/**
 * The socket lifecycle the tutorial teaches: a welcome with the new id, `presence` to the others, and
 * the server-side disconnect events. (The tutorial claimed the server has no disconnection event; every
 * version has `disconnecting`, with the rooms still filled, then `disconnect(reason)`.)
 */
import type { Feature } from '../../types'
import { handle } from '../../validate'
import { ownRooms } from '../rooms/index'

export const presence: Feature = (socket, ctx) => {
  const nsp = socket.nsp
  ctx.log(`connected ${nsp.name} ${socket.id}`)
  socket.emit('welcome', {
    id: socket.id,
    namespace: nsp.name,
    rooms: ownRooms(socket),
    ...(socket.data.admin ? { admin: true } : {}),
    // Only a cluster node has a name (see DemoServerOptions.node); a single server sends none.
    ...(socket.data.node ? { node: socket.data.node } : {}),
  })
  socket.broadcast.emit('presence', { id: socket.id, action: 'joined' })

  // `kick`: a server-side disconnect. `true` closes the underlying connection too; the client sees
  // "io server disconnect" and, by design, does not reconnect by itself.
  handle(socket, 'kick', ctx.log, (_args, ack) => {
    ack?.({ ok: true })
    socket.disconnect(true)
  })

  socket.on('disconnecting', (reason) => {
    // Last moment the rooms are known: `disconnect` fires after the socket left them all.
    ctx.log(`disconnecting ${nsp.name} ${socket.id} (${reason}) rooms: ${JSON.stringify(ownRooms(socket))}`)
  })
  socket.on('disconnect', (reason) => {
    ctx.log(`disconnect ${nsp.name} ${socket.id}: ${reason}`)
    // The socket is out of every room by now, so a namespace-wide emit already excludes it.
    nsp.emit('presence', { id: socket.id, action: 'left', reason })
  })
}
