/** Event catalog (issue 17): learned from traffic, imported from / exported to AsyncAPI. See ./README.md. */
export * from './catalog'
export * from './export'
export * from './infer'
export * from './origin'
export * from './types'
