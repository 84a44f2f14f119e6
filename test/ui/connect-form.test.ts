import { describe, expect, it } from 'vitest'
import { defaultForm, formToOptions, inspectorSecrets, isSecretName, optionsToForm, recentEntry, sameOptions, validateUrl } from '../../inspector-ui/src/lib/connect-form'

const URL = 'http://localhost:3000/namespace1'

describe('connect form', () => {
  it('turns the default form into the options socket.io-client expects', () => {
    const result = formToOptions(defaultForm(URL))
    expect(result).toEqual({
      ok: true,
      options: {
        url: URL,
        path: '/socket.io',
        transports: ['polling', 'websocket'],
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        timeout: 20000,
        forceNew: true,
        withCredentials: false,
        client: 'v4',
      },
    })
  })

  it.each([
    ['', /Enter the server URL/],
    ['localhost:3000', /Unsupported scheme|scheme/],
    ['not a url', /Not a URL/],
    ['ftp://host/', /Unsupported scheme "ftp:"/],
  ])('rejects the URL %j with a specific message', (url, message) => {
    expect(validateUrl(url)).toMatch(message)
  })

  it.each([
    ['path', 'socket.io', /starts with "\/"/],
    // What the probe refuses, the field says at once (before Connect, and before a diagnosis says it).
    ['path', '/my-rt?x=1', /must not contain "\?"/],
    ['path', '/a#b', /must not contain "#"/],
    ['path', '/a/../b', /"\." or "\.\." segments/],
    ['auth', '{token: ', /Auth is not valid JSON5/],
    ['auth', '[1, 2]', /Auth must be an object/],
    ['query', '{n: 1}', /"n" must be a string/],
    ['headers', '"x"', /Headers must be an object/],
    ['timeout', '0', /between 1 and/],
    ['timeout', '2.5', /whole number/],
    ['reconnectionAttempts', '-1', /whole number/],
    ['reconnectionDelayMax', '10', /at least the delay/],
  ] as const)('reports a bad %s (%j) next to the field', (field, value, message) => {
    const form = { ...defaultForm(URL), [field]: value }
    const result = formToOptions(form)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[field]).toMatch(message)
  })

  it('reads JSON5 auth, query and headers', () => {
    const result = formToOptions({ ...defaultForm(URL), auth: '{token: \'abc\', n: 1}', query: '{room: "a"}', headers: '{Authorization: "Bearer x"}', transports: 'websocket', reconnectionAttempts: '3' })
    expect(result.ok && result.options).toMatchObject({
      auth: { token: 'abc', n: 1 },
      query: { room: 'a' },
      extraHeaders: { Authorization: 'Bearer x' },
      transports: ['websocket'],
      reconnectionAttempts: 3,
    })
  })

  it('round-trips options through the form, and compares them ignoring the label', () => {
    const result = formToOptions({ ...defaultForm(URL), auth: '{"token":"abc"}', transports: 'polling' })
    expect(result.ok).toBe(true)
    if (!result.ok)
      return
    const again = formToOptions(optionsToForm(result.options))
    expect(again.ok && again.options).toEqual(result.options)
    expect(sameOptions(result.options, { ...result.options, label: 'other' })).toBe(true)
    expect(sameOptions(result.options, { ...result.options, url: 'http://localhost:3000/' })).toBe(false)
  })

  it('makes relay options: headers, cookies, Origin and TLS only through the relay', () => {
    const form = { ...defaultForm(URL), relay: true, headers: '{Authorization: "Bearer x", Cookie: "a=1"}', cookies: 'sid=abc; theme=dark', origin: 'https://app.example.com', tlsInsecure: true }
    const result = formToOptions(form)
    expect(result.ok && result.options).toMatchObject({
      via: 'relay',
      extraHeaders: { Authorization: 'Bearer x', Cookie: 'a=1' },
      cookies: 'sid=abc; theme=dark',
      origin: 'https://app.example.com',
      tls: { rejectUnauthorized: false },
    })
    if (result.ok)
      expect(optionsToForm(result.options)).toMatchObject({ relay: true, cookies: 'sid=abc; theme=dark', origin: 'https://app.example.com', tlsInsecure: true })
    // Without the relay, the browser cannot send a Cookie header, and the relay fields are ignored.
    const direct = formToOptions({ ...form, relay: false })
    expect(direct.ok).toBe(false)
    if (!direct.ok)
      expect(direct.errors.headers).toMatch(/cannot send "Cookie"/)
    const plain = formToOptions({ ...form, relay: false, headers: '' })
    expect(plain.ok && plain.options).not.toHaveProperty('cookies')
    expect(plain.ok && plain.options.via).toBeUndefined()
  })

  it('refuses the relay where the page has none, and bad relay fields', () => {
    const noRelay = formToOptions({ ...defaultForm(URL), relay: true }, { relayAvailable: false })
    expect(!noRelay.ok && noRelay.errors.relay).toMatch(/not available/)
    const bad = formToOptions({ ...defaultForm(URL), relay: true, cookies: 'garbage', origin: 'https://a.test/x', tlsCa: 'nope' })
    expect(!bad.ok && bad.errors).toMatchObject({ cookies: expect.stringMatching(/name=value/), origin: expect.stringMatching(/no path/), tlsCa: expect.stringMatching(/PEM/) })
  })
})

describe('what Recent keeps (recentEntry)', () => {
  const secretful = {
    url: 'http://user:hunter2@localhost:3000/namespace1?access_token=abc&room=a',
    label: 'my tab',
    path: '/socket.io',
    transports: ['websocket' as const],
    auth: { token: 'admin-token', user: 'alice' },
    query: { room: 'lobby', apiKey: 'k-123', session_id: 's1' },
    extraHeaders: { 'Authorization': 'Bearer xyz', 'X-Api-Key': 'k', 'Proxy-Authorization': 'Basic p', 'Cookie': 'sid=1', 'X-Csrf-Token': 't', 'X-Client-Secret': 's', 'X-Trace': 'on' },
    via: 'relay' as const,
    cookies: 'sid=abc; theme=dark',
    origin: 'https://app.example.com',
    tls: { rejectUnauthorized: false },
  }

  it('takes header, query and auth field names with credentials in them for secrets', () => {
    for (const name of ['Authorization', 'authorization', 'Proxy-Authorization', 'Cookie', 'X-Api-Key', 'x-auth-token', 'token', 'client_secret', 'apiKey', 'password', 'sessionId'])
      expect(isSecretName(name), name).toBe(true)
    for (const name of ['X-Trace', 'room', 'Accept', 'User-Agent', 'lang'])
      expect(isSecretName(name), name).toBe(false)
  })

  it('keeps the URL and options but no auth, cookies, secret headers or query values by default', () => {
    const entry = recentEntry(secretful, { rememberSecrets: false })
    expect(entry).toEqual({
      url: 'http://user@localhost:3000/namespace1?room=a',
      path: '/socket.io',
      transports: ['websocket'],
      query: { room: 'lobby' },
      extraHeaders: { 'X-Trace': 'on' },
      via: 'relay',
      origin: 'https://app.example.com',
      tls: { rejectUnauthorized: false },
      omitted: ['URL password', 'URL parameter access_token', 'auth', 'header Authorization', 'header X-Api-Key', 'header Proxy-Authorization', 'header Cookie', 'header X-Csrf-Token', 'header X-Client-Secret', 'query apiKey', 'query session_id', 'cookies'],
    })
    expect(JSON.stringify(entry)).not.toMatch(/hunter2|admin-token|Bearer|abc|k-123|sid=/)
  })

  it('keeps everything with "remember secrets", except the inspector\'s own credentials', () => {
    const relayToken = 'relay-token-123456'
    const entry = recentEntry({ ...secretful, auth: { token: relayToken, user: 'alice' }, extraHeaders: { ...secretful.extraHeaders, 'X-Relay': relayToken } }, { rememberSecrets: true, neverKeep: [relayToken] })
    expect(entry.rememberSecrets).toBe(true)
    expect(entry.auth).toEqual({ user: 'alice' })
    expect(entry.extraHeaders).toMatchObject({ 'Authorization': 'Bearer xyz', 'X-Api-Key': 'k', 'X-Trace': 'on' })
    expect(entry.extraHeaders).not.toHaveProperty('X-Relay')
    expect(entry.cookies).toBe('sid=abc; theme=dark')
    expect(entry.url).toBe(secretful.url)
    expect(entry.omitted).toEqual(['auth token', 'header X-Relay'])
    expect(JSON.stringify(entry)).not.toContain(relayToken)
  })

  it('lists the runtime config\'s relay token and admin password as never kept', () => {
    expect(inspectorSecrets({ relay: { url: 'http://localhost:5173', token: 'rt-abcdef' }, admin: { url: 'x', namespace: '/admin', username: 'admin', password: 'pw-123456' } })).toEqual(['rt-abcdef', 'pw-123456'])
    expect(inspectorSecrets({})).toEqual([])
  })

  it('strips an entry stored before the rule (no rememberSecrets) and keeps what it had omitted', () => {
    const old = { url: 'http://localhost:3000/', auth: { token: 't' }, extraHeaders: { Authorization: 'Bearer x' }, omitted: ['cookies'] }
    const entry = recentEntry(old, { rememberSecrets: false })
    expect(entry).toEqual({ url: 'http://localhost:3000/', omitted: ['cookies', 'auth', 'header Authorization'] })
    // Idempotent: reading it again changes nothing.
    expect(recentEntry(entry, { rememberSecrets: false })).toEqual(entry)
  })

  it('the form starts with "remember secrets" off and never passes it to the session', () => {
    expect(defaultForm(URL).rememberSecrets).toBe(false)
    const result = formToOptions({ ...defaultForm(URL), rememberSecrets: true })
    expect(result.ok && result.options).not.toHaveProperty('rememberSecrets')
  })
})
