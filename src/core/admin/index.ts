export * from './client'
export * from './model'
export * from './protocol'
export * from './welcome'
