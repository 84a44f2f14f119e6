/**
 * Admin rights come only with the right secret: the admin token for the tutorial namespaces, the
 * admin-ui password for `/admin`.
 */
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestBed, waitFor } from './helpers'

const bed = new TestBed()
beforeAll(async () => {
  await bed.start({ adminToken: 'right-token', adminPassword: 'right-password' })
})
afterAll(() => bed.cleanup())

describe('the admin token', () => {
  it('makes a socket an admin: welcome.admin, and the room admins', async () => {
    const s = bed.socket('/namespace1', { auth: { token: 'right-token' } })
    const welcome = waitFor(s, 'welcome')
    s.connect()
    expect(await welcome).toEqual({ id: s.id, namespace: '/namespace1', rooms: ['admins'], admin: true })
    const rooms = await s.emitWithAck('list:rooms') as { rooms: Record<string, string[]> }
    expect(rooms.rooms.admins).toEqual([s.id])
  })

  it('keeps an admin in admins through leaveAll', async () => {
    const s = await bed.connect('/', { auth: { token: 'right-token' } })
    await s.emitWithAck('enter', 'x')
    expect(await s.emitWithAck('leaveAll')).toEqual({ ok: true, rooms: ['admins'] })
  })

  it('leaves a socket without a token a normal user', async () => {
    const s = bed.socket('/')
    const welcome = waitFor(s, 'welcome')
    s.connect()
    expect(await welcome).toEqual({ id: s.id, namespace: '/', rooms: [] })
  })

  it.each([['wrong-token'], [''], [12345], [{ token: 'right-token' }]])('refuses the connection for the token %j, with data saying why', async (token) => {
    const s = bed.socket('/', { auth: { token } as any })
    const error = waitFor<Error & { data?: unknown }>(s, 'connect_error')
    s.connect()
    const err = await error
    expect(err.message).toBe('invalid admin token')
    expect(err.data).toEqual({ reason: 'bad-admin-token', hint: expect.stringContaining('ADMIN_TOKEN') })
    // Everyone else is still served.
    const ok = await bed.connect('/')
    expect(await ok.emitWithAck('list:namespace')).toMatchObject({ ok: true })
  })
})

describe('admin-ui on /admin', () => {
  function adminUi(auth: Record<string, unknown>) {
    const s = io(`${bed.server.url}/admin`, { auth, transports: ['websocket'], forceNew: true, reconnection: false })
    return s
  }

  it('refuses a wrong password', async () => {
    const s = adminUi({ username: 'admin', password: 'wrong' })
    try {
      expect((await waitFor<Error>(s, 'connect_error', 3000)).message).toBe('invalid credentials')
    }
    finally {
      s.disconnect()
    }
  })

  it('refuses the admin token in place of the password', async () => {
    const s = adminUi({ token: 'right-token' })
    try {
      expect((await waitFor<Error>(s, 'connect_error', 3000)).message).toBe('invalid credentials')
    }
    finally {
      s.disconnect()
    }
  })

  it('accepts the right password and sends its config and the sockets', async () => {
    const user = await bed.connect('/namespace2')
    const s = adminUi({ username: 'admin', password: 'right-password' })
    try {
      const config = waitFor(s, 'config', 3000)
      const all = waitFor<Array<{ id: string, nsp: string }>>(s, 'all_sockets', 3000)
      expect(await config).toMatchObject({ supportedFeatures: expect.arrayContaining(['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'ALL_EVENTS']) })
      expect((await all).some(x => x.id === user.id && x.nsp === '/namespace2')).toBe(true)
    }
    finally {
      s.disconnect()
    }
  })

  it('does not show up in list:server, even with an admin-ui client connected', async () => {
    const s = adminUi({ username: 'admin', password: 'right-password' })
    try {
      await waitFor(s, 'connect', 3000)
      const user = await bed.connect('/')
      const result = await user.emitWithAck('list:server') as { namespaces: Record<string, string[]> }
      expect(Object.keys(result.namespaces).sort()).toEqual(['/', '/namespace1', '/namespace2'])
    }
    finally {
      s.disconnect()
    }
  })
})
