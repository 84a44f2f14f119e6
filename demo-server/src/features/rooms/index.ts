/**
 * `enter`, `leave`, `leaveAll`: the tutorial's rooms, the v4 way. `join`/`leave` are synchronous with the
 * in-memory adapter but return promises with others (Redis...), so they are awaited. `socket.leaveAll()`
 * is private in v4 and would also drop the socket's own id room, which breaks `socket.to(id)`; leaving
 * every room in `socket.rooms` except `socket.id` is the public equivalent.
 */
import type { RoomsResult } from '../../../../src/shared/demo-events'
import type { DemoSocket, Feature } from '../../types'
import { ADMINS_ROOM, MAX_ACK_ROOMS } from '../../../../src/shared/demo-events'
import { checkRoomId, handle, ValidationError } from '../../validate'

/** The socket's rooms without its own id room, as `welcome` and the acks show them. */
export function ownRooms(socket: DemoSocket): string[] {
  return [...socket.rooms].filter(room => room !== socket.id)
}

/**
 * The acks' `rooms`: at most MAX_ACK_ROOMS, in the order they were joined, with `total` and `truncated`
 * when cut. Every `enter` used to list all the socket's rooms: with a high room cap that is quadratic
 * (a socket entering its 1,000th room gets 1,000 names back, for each of the 1,000 enters).
 */
export function roomsAck(socket: DemoSocket): RoomsResult {
  const rooms = ownRooms(socket)
  return rooms.length > MAX_ACK_ROOMS ? { rooms: rooms.slice(0, MAX_ACK_ROOMS), total: rooms.length, truncated: true } : { rooms }
}

/**
 * `admins` is the admin right itself (warnings go there, and other processes see it through the
 * adapter): only the token grants it, so `enter`/`leave` refuse it and `leaveAll` keeps it.
 */
function checkRoom(value: unknown): string {
  const room = checkRoomId(value)
  if (room === ADMINS_ROOM)
    throw new ValidationError(`the room "${ADMINS_ROOM}" is reserved: connect with the admin token to join it`)
  return room
}

export const rooms: Feature = (socket, ctx) => {
  const nsp = socket.nsp

  handle(socket, 'enter', ctx.log, async ([roomArg], ack) => {
    const room = checkRoom(roomArg)
    if (!socket.rooms.has(room)) {
      // The cap keeps one socket from growing the adapter's maps without bound (10,000 `enter`s...).
      const count = socket.rooms.size - 1
      if (count >= ctx.maxRoomsPerSocket)
        throw new ValidationError(`room limit reached: a socket may be in at most ${ctx.maxRoomsPerSocket} rooms; leave one first`)
      // A room named after another socket's id would receive that socket's direct messages
      // (`socket.to(id)`); ids are unguessable, but listings reveal them.
      const holders = await nsp.in(room).fetchSockets()
      if (holders.some(s => s.id === room))
        throw new ValidationError('roomId is a socket id: every socket already has its own private room')
      // Checked again after the await: concurrent `enter`s must not slip past the cap together.
      if (socket.rooms.size - 1 >= ctx.maxRoomsPerSocket && !socket.rooms.has(room))
        throw new ValidationError(`room limit reached: a socket may be in at most ${ctx.maxRoomsPerSocket} rooms; leave one first`)
      await socket.join(room)
      socket.to(room).emit('presence', { id: socket.id, action: 'enter', room })
    }
    ack?.({ ok: true, ...roomsAck(socket) })
  })

  handle(socket, 'leave', ctx.log, async ([roomArg], ack) => {
    const room = checkRoom(roomArg)
    if (room === socket.id)
      throw new ValidationError('a socket cannot leave its own id room')
    // Leaving a room the socket is not in is not an error (the tutorial's leave is idempotent), just quiet.
    if (socket.rooms.has(room)) {
      await socket.leave(room)
      socket.to(room).emit('presence', { id: socket.id, action: 'leave', room })
    }
    ack?.({ ok: true, ...roomsAck(socket) })
  })

  handle(socket, 'leaveAll', ctx.log, async (_args, ack) => {
    for (const room of ownRooms(socket)) {
      if (room === ADMINS_ROOM)
        continue
      await socket.leave(room)
      socket.to(room).emit('presence', { id: socket.id, action: 'leave', room })
    }
    ack?.({ ok: true, ...roomsAck(socket) })
  })
}
