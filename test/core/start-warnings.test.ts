/**
 * What the entry points (demo-server/src/index.ts, scripts/start.ts) warn about before serving: a weak
 * ADMIN_PASSWORD, a wildcard HOST with no names, secrets exposed to the network.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { passwordWeakness, startWarnings } from '../../src/shared/start-warnings'

describe('passwordWeakness', () => {
  it.each([
    ['admin', 'a common password'],
    ['Password123', 'a common password'],
    ['hunter2', 'shorter than 12 characters'],
    ['Ab1!Ab1!Ab1', 'shorter than 12 characters'],
    ['aaaaaaaaaaaaaaaa', 'one or two characters repeated'],
    ['abababababababab', 'one or two characters repeated'],
    ['correcthorsebatterystaple', 'only one kind of character (all lower case, all digits, ...)'],
    ['31415926535897932384', 'only one kind of character (all lower case, all digits, ...)'],
  ])('calls %j weak: %s', (password, why) => {
    expect(passwordWeakness(password)).toBe(why)
  })

  it.each(['correct-horse-battery', 'Tr0ub4dor&3xyz', 'teaching-2024-class'])('accepts %j', (password) => {
    expect(passwordWeakness(password)).toBeUndefined()
  })

  it('accepts the passwords the demo server generates', () => {
    // Same recipe as demo-server/src/app.ts: 12 random bytes, base64url (16 characters).
    for (let i = 0; i < 200; i++)
      expect(passwordWeakness(randomBytes(12).toString('base64url'))).toBeUndefined()
  })
})

describe('startWarnings', () => {
  it('says nothing for the defaults', () => {
    expect(startWarnings({ host: '127.0.0.1' })).toEqual([])
  })

  it('warns about a weak ADMIN_PASSWORD, and names why', () => {
    const [line] = startWarnings({ host: '127.0.0.1', adminPassword: 'secret' })
    expect(line).toMatch(/^ADMIN_PASSWORD is weak \(a common password\)/)
    expect(line).not.toContain('secret)')
    // What a guessed password gives, as the demo server does it: sessions of 24 hours, no logout (README "Limits").
    expect(line).toContain('admin-ui sessions last 24 hours, with no logout')
    expect(line).not.toContain('never expire')
  })

  it('tells a wildcard HOST without ALLOWED_HOSTS that other names get 421', () => {
    expect(startWarnings({ host: '0.0.0.0' }).join('\n')).toMatch(/ALLOWED_HOSTS/)
    expect(startWarnings({ host: '0.0.0.0', allowedHosts: ['devbox.lan'] })).toEqual([])
    expect(startWarnings({ host: 'devbox.lan' })).toEqual([])
  })

  it('warns loudly when the secrets are exposed', () => {
    expect(startWarnings({ host: '127.0.0.1', exposeSecrets: true }).join('\n')).toMatch(/INSPECTOR_EXPOSE_SECRETS=1.*ANY client/)
  })
})

describe('npm start with a configuration it cannot use', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  /** Runs scripts/start.ts as `npm start` does; resolves with its exit code and stderr (it must end by itself). */
  function runStart(env: Record<string, string>): Promise<{ code: number | null, stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', INSPECTOR_PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    return new Promise(resolve => child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    }))
  }

  it('stops before building or listening, with one line naming the bad ALLOWED_HOSTS entry, not a stack trace', async () => {
    const { code, stderr } = await runStart({ ALLOWED_HOSTS: 'devbox.lan,http://bad/' })
    expect(code).toBe(1)
    expect(stderr.trim()).toBe('npm start: ALLOWED_HOSTS: allowed host "http://bad/" is not a host name or address (expected e.g. "devbox.lan", "192.168.1.20" or ".example.com")')
  }, 70_000)

  it('says which HOST it cannot use', async () => {
    const { code, stderr } = await runStart({ HOST: 'http://0.0.0.0/' })
    expect(code).toBe(1)
    expect(stderr.trim()).toMatch(/^npm start: HOST: .*"http:\/\/0\.0\.0\.0\/"/)
    expect(stderr).not.toMatch(/\n\s+at /)
  }, 70_000)
})
