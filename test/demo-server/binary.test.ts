/**
 * `echo` returns binary byte for byte, wherever it sits in the arguments.
 */
import type { ClientSocket } from './helpers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestBed, waitFor } from './helpers'

const bed = new TestBed()
let socket: ClientSocket
beforeAll(async () => {
  await bed.start()
  socket = await bed.connect('/namespace1')
})
afterAll(() => bed.cleanup())

function bytes(view: ArrayBufferView | ArrayBuffer): Buffer {
  return view instanceof ArrayBuffer ? Buffer.from(view) : Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

function echoAck(...args: unknown[]): Promise<unknown[]> {
  return new Promise(resolve => socket.emit('echo', ...args, (...back: unknown[]) => resolve(back)))
}

const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i)

describe('binary echo', () => {
  it('returns a Buffer byte for byte through the ack', async () => {
    const [back] = await echoAck(Buffer.from(everyByte))
    expect(Buffer.isBuffer(back)).toBe(true)
    expect(bytes(back as Buffer).equals(Buffer.from(everyByte))).toBe(true)
  })

  it.each([
    ['Uint8Array', everyByte],
    ['Float64Array', Float64Array.from([Math.PI, -0, Number.NaN, Infinity])],
    ['Int16Array', Int16Array.from([-32768, -1, 0, 32767])],
    ['a subarray view', everyByte.subarray(10, 20)],
    ['ArrayBuffer', everyByte.slice().buffer],
  ])('returns a %s as the same bytes', async (_name, value) => {
    const [back] = await echoAck(value)
    expect(bytes(back as Buffer).equals(bytes(value))).toBe(true)
  })

  it('returns binary nested in objects and arrays, next to plain values, as an echo event', async () => {
    const payload = { meta: { name: 'file', size: 3 }, parts: [Buffer.from([1, 2, 3]), { deep: Uint8Array.from([4, 5]) }], empty: Buffer.alloc(0) }
    const echoed = waitFor<[typeof payload, string]>(socket, 'echo')
    socket.emit('echo', payload, 'tail')
    const [back, tail] = await echoed
    expect(tail).toBe('tail')
    expect(back.meta).toEqual({ name: 'file', size: 3 })
    expect(bytes(back.parts[0] as Buffer).equals(Buffer.from([1, 2, 3]))).toBe(true)
    expect(bytes((back.parts[1] as { deep: Buffer }).deep).equals(Buffer.from([4, 5]))).toBe(true)
    expect(bytes(back.empty).length).toBe(0)
  })

  it('returns several binary arguments in order', async () => {
    const back = await echoAck(Buffer.from('a'), 'middle', Buffer.from('b'))
    expect(back.map(x => (Buffer.isBuffer(x) ? x.toString() : x))).toEqual(['a', 'middle', 'b'])
  })
})
