export { ATTACH_PATH, ATTACH_PROTOCOL } from '../core/attach/protocol'
export type { AttachAppState, AttachHandshake, AttachRole } from '../core/attach/protocol'
/**
 * `socketio-inspector/attach`: inspect your own app's sockets (issue 19).
 *
 *   import { attach } from 'socketio-inspector/attach'
 *   const detach = attach(socket, { inspector: 'http://localhost:5173', token: 'TOKEN', name: 'my app' })
 *
 * Small and dependency-light on purpose: it runs in Node and in browser bundles, imports nothing but
 * `socket.io-client` (the app's own library) and the core's wire encoder, and references no Node builtin.
 * The contract with the inspector is src/core/attach/protocol.ts.
 */
export { attach } from './client'
export type { AttachOptions, Detach } from './client'
export type { AttachStats } from './mirror'
export { attachServer } from './server'
export type { AttachableServer, AttachServerOptions, ServerDetach } from './server'
