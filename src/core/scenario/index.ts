/** Scenarios: a capture read as a test (see ./README.md). */
export * from './from-capture'
export * from './match'
export * from './parse'
export * from './run'
export * from './types'
export * from './vitest-export'
