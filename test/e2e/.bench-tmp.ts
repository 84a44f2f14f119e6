import { chromium } from 'playwright-core'
import { startDemoServer } from '../../demo-server/src/start'
import { startInspectorServer } from '../../inspector-ui/server/index'

const demo = await startDemoServer({ port: 0, host: '127.0.0.1', log: () => {} })
const demoUrl = `http://127.0.0.1:${demo.port}`
const inspector = await startInspectorServer({ port: 0, config: { demoUrl } })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true })
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
page.on('pageerror', e => console.log('pageerror', e.message))
await page.goto(`http://127.0.0.1:${inspector.port}/`)
await page.getByTestId('connect-button').click()
await page.waitForSelector('[data-testid=session-tab][data-state=connected]')
// long-task observer
await page.evaluate(() => {
  (window as any).__long = []
  new PerformanceObserver(list => { for (const e of list.getEntries()) (window as any).__long.push(e.duration) }).observe({ type: 'longtask', buffered: false })
})
await page.getByTestId('emit-event').fill('stream:start')
await page.waitForSelector('[data-testid=emit-args][data-ready=true]')
await page.locator('[data-testid=emit-args] .view-lines').click()
await page.keyboard.press('Control+A')
await page.keyboard.type('[{rate: 20000, count: 100000}]')
const t0 = Date.now()
await page.getByTestId('emit-send').click()
await page.waitForSelector('[data-testid=log-row][data-event="stream:done"]', { timeout: 60000 })
console.log('100k ticks received+drawn in', Date.now() - t0, 'ms')
const long = await page.evaluate(() => (window as any).__long as number[])
console.log('long tasks during intake:', long.length, 'max', Math.max(0, ...long).toFixed(0), 'ms, total', long.reduce((a, b) => a + b, 0).toFixed(0))
const rowsInDom = await page.locator('[data-testid=log-row]').count()
console.log('rows in DOM', rowsInDom)
// scroll test: scroll through the list for 2 s, measure frame intervals
const frames = await page.evaluate(async () => {
  const el = document.querySelector('.vlist') as HTMLElement
  const intervals: number[] = []
  let last = performance.now()
  const start = last
  el.scrollTop = 0
  await new Promise<void>((resolve) => {
    function step(now: number) {
      intervals.push(now - last)
      last = now
      el.scrollTop += 800
      if (now - start < 3000) requestAnimationFrame(step)
      else resolve()
    }
    requestAnimationFrame(step)
  })
  intervals.sort((a, b) => a - b)
  return { n: intervals.length, p50: intervals[Math.floor(intervals.length * 0.5)], p95: intervals[Math.floor(intervals.length * 0.95)], max: intervals.at(-1), scrollTop: el.scrollTop, height: el.scrollHeight }
})
console.log('scroll frames', frames)
const filterT = Date.now()
await page.getByTestId('log-filter').fill('99999')
await page.waitForFunction(() => document.querySelectorAll('[data-testid=log-row]').length >= 1 && document.querySelectorAll('[data-testid=log-row]').length < 10)
console.log('text filter over the log:', Date.now() - filterT, 'ms')
const heap = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize)
console.log('heap MB', heap && (heap / 1048576).toFixed(0))
await page.screenshot({ path: '/tmp/smoke/bench.png' })
await browser.close(); await inspector.close(); await demo.close()
