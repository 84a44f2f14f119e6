/**
 * What `npm start` and the demo server print before they serve: a weak `ADMIN_PASSWORD`, a wildcard
 * `HOST` nobody named, secrets exposed to the network. Pure functions (the entry points print the lines).
 */
import { isWildcardHost } from './host-check'

/** Shorter than this is weak: admin-ui shows everything about every client, and its sessions last a day with no logout. */
export const MIN_PASSWORD_LENGTH = 12

/** A few of the most used passwords; the length rule catches most others. */
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  'passw0rd',
  'admin',
  'admin123',
  'administrator',
  'changeme',
  'letmein',
  'welcome',
  'secret',
  'qwerty',
  'qwertyuiop',
  'iloveyou',
  'socketio',
  'socket.io',
  '123456',
  '12345678',
  '123456789',
  '1234567890',
  '123456789012',
])

/**
 * Why a password is weak, or `undefined` when it is not: shorter than 12 characters, one kind of character
 * only (all digits, all lower case, ...), one character repeated, or a common password.
 *
 * @example passwordWeakness('hunter2') // 'shorter than 12 characters'
 */
export function passwordWeakness(password: string): string | undefined {
  if (COMMON_PASSWORDS.has(password.toLowerCase()))
    return 'a common password'
  if (password.length < MIN_PASSWORD_LENGTH)
    return `shorter than ${MIN_PASSWORD_LENGTH} characters`
  if (new Set(password).size <= 2)
    return 'one or two characters repeated'
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^a-z\d]/i].filter(re => re.test(password)).length
  if (kinds < 2)
    return 'only one kind of character (all lower case, all digits, ...)'
  return undefined
}

export interface StartWarningsInput {
  /** `HOST` as given. */
  host: string
  /** `ALLOWED_HOSTS` entries. */
  allowedHosts?: readonly string[]
  /** `ADMIN_PASSWORD` when the user set one (a generated one is strong). */
  adminPassword?: string
  /** `INSPECTOR_EXPOSE_SECRETS=1` (only `npm start` serves secrets). */
  exposeSecrets?: boolean
}

/**
 * The warning lines for a start configuration, empty when there is nothing to say.
 *
 * @example startWarnings({ host: '127.0.0.1', adminPassword: 'admin' }) // ['ADMIN_PASSWORD is weak (a common password): ...']
 */
export function startWarnings(input: StartWarningsInput): string[] {
  const lines: string[] = []
  if (input.adminPassword !== undefined) {
    const why = passwordWeakness(input.adminPassword)
    if (why) {
      lines.push(`ADMIN_PASSWORD is weak (${why}): whoever guesses it sees every client's arguments and handshake headers in admin-ui, `
        + `and admin-ui sessions last 24 hours, with no logout (a restart ends them). Use ${MIN_PASSWORD_LENGTH}+ mixed characters, or leave it unset to get a generated one.`)
    }
  }
  if (isWildcardHost(input.host) && (input.allowedHosts ?? []).length === 0) {
    lines.push(`HOST=${input.host} listens on every interface, but only loopback names (localhost, 127.0.0.1, [::1]) are answered: `
      + `set ALLOWED_HOSTS=<name or address> for the names other machines use, or requests get 421.`)
  }
  if (input.exposeSecrets) {
    lines.push('INSPECTOR_EXPOSE_SECRETS=1: the relay token and the admin-ui password are handed to ANY client that can load the inspector page, '
      + 'not only to this machine. Whoever gets them can use the relay as a proxy from this machine (its loopback services included) '
      + 'and watch every client of the demo server in admin-ui. Use it only on a network you trust.')
  }
  return lines
}
