/**
 * Socket.IO Inspector engine: plain TypeScript, no Vue/Pinia. See ./README.md.
 */
export * from './admin'
export * from './composer/parse'
export * from './decode/frame'
export * from './export/format'
export * from './inspector'
export * from './log/event-log'
export * from './log/filter'
export * from './log/preview'
export * from './session/explain'
export * from './session/live-session'
export * from './session/replay-session'
export type * from './types'
