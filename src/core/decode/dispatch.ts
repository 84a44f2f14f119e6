import type { FrameEntry } from '../types'
import type { DecodedFrame, DecodeFrameOptions } from './frame'
import { decodeFrame } from './frame'
import { decodeFrameV3 } from './frame-v3'

/**
 * Decode a frame with the parser of its connection's protocol: socket.io-parser 4 for Engine.IO v4
 * connections, socket.io-parser 3 for EIO3 (socket.io 2.x servers, the v2 client), and socket.io-msgpack-parser
 * for a session whose `SessionSnapshot.parser` is `msgpack` (pass it as `parser`). Never throws.
 *
 * @example
 * const decoded = decodeAnyFrame(frame, { recovery: connectEntry.stateRecovery, parser: snapshot.parser })
 * if (decoded.kind === 'socket') console.log(decoded.packetType, decoded.eventName)
 */
export function decodeAnyFrame(frame: FrameEntry, options: DecodeFrameOptions = {}): DecodedFrame {
  return frame.protocol === 3 ? decodeFrameV3(frame) : decodeFrame(frame, options)
}
