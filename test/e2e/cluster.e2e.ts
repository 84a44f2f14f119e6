/**
 * The inspector against a real demo cluster (issue 18): three node processes behind a sticky front door
 * (`startDemoCluster`), the inspector's page pointed at the front door (`demoUrl`) with the server view on
 * node 1's admin-ui. The tutorial's cluster step puts one tab on each node port in one room and a
 * `chat:room` crosses nodes; the session panel names each tab's node; the server view lists the three
 * nodes, marks every socket's node, and acts on a socket of another node. The server view's screenshot
 * goes to docs/screenshots/server-view-cluster.png when SCREENSHOTS=1 (else to the OS's temp folder).
 */
import type { Page } from 'playwright-core'
import type { Socket } from 'socket.io-client'
import type { StartedDemoCluster } from '../../demo-server/src/cluster/start'
import type { Stack } from './harness'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startDemoCluster } from '../../demo-server/src/cluster/start'
import { freePortRange } from '../fixtures/net-utils'
import { describeE2E, startStack } from './harness'

const SCREENSHOTS = process.env.SCREENSHOTS ? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots') : tmpdir()
const TIMEOUT = 20_000
const NODES = ['node-1', 'node-2', 'node-3']

function connectClient(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

function step(page: Page, n: number) {
  return page.locator(`[data-testid="tutorial-step"][data-step="${n}"]`)
}

async function run(page: Page, n: number): Promise<string> {
  await step(page, n).getByTestId('tutorial-run').click()
  await step(page, n).and(page.locator('[data-state="done"], [data-state="failed"]')).waitFor({ timeout: TIMEOUT })
  const text = (await step(page, n).getByTestId('tutorial-result').textContent()) ?? ''
  expect(await step(page, n).getAttribute('data-state'), text).toBe('done')
  expect(text).not.toContain('✘')
  return text
}

describeE2E('the inspector against a demo cluster', () => {
  let cluster: StartedDemoCluster
  let stack: Stack
  const clients: Socket[] = []

  beforeAll(async () => {
    cluster = await startDemoCluster({ port: await freePortRange(3 + 1), nodes: 3 })
    stack = await startStack({
      config: {
        demoUrl: cluster.url,
        admin: { url: cluster.nodes[0].url, namespace: '/admin', username: 'admin', password: cluster.adminPassword },
      },
    })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await stack?.close()
    await cluster?.close()
  })

  it('runs "one room, three servers": a tab on each node, one room, a room message crossing nodes; each tab names its node', async () => {
    expect(cluster.nodes.map(n => n.name)).toEqual(NODES)
    const page = await stack.newPage()
    await page.getByTestId('tutorial-tab').click()
    const last = step(page, 12)
    await last.waitFor()
    expect(await last.textContent()).toContain('One room, three servers')
    // Locked until a welcome names a node.
    expect(await last.getAttribute('data-blocked')).toBe('true')
    expect(await last.getByTestId('tutorial-run').isDisabled()).toBe(true)
    expect(await last.getByTestId('tutorial-blocked').textContent()).toContain('npm run demo:cluster')

    // Step 1 connects through the front door: its welcome names a node, which unlocks the step.
    await run(page, 1)
    await expect.poll(() => last.getAttribute('data-blocked'), { timeout: TIMEOUT }).toBeNull()
    const text = await run(page, 12)
    for (const name of NODES) expect(text).toContain(name)
    expect(text).toContain('crossed nodes')

    // Seen from outside: list:room on node 3 (fetchSockets() across the nodes) holds the three tabs.
    const probe = await connectClient(cluster.nodes[2].url)
    clients.push(probe)
    const listing = await probe.timeout(5000).emitWithAck('list:room', 'cluster-room') as { sockets: string[] }
    expect(listing.sockets).toHaveLength(3)

    // The session panel of each node tab names its node, from the welcome.
    for (const [i, name] of NODES.entries()) {
      await page.getByTestId('session-tab').filter({ hasText: `Tutorial node ${i + 1}` }).click()
      await expect.poll(() => page.getByTestId('session-node').textContent(), { timeout: TIMEOUT }).toContain(name)
      // The tab's log has the chat that crossed nodes (the tab on node 1 sent it, the others got it).
      if (i > 0)
        await page.locator('[data-testid="log-row"][data-direction="in"][data-event="chat"]').first().waitFor({ timeout: TIMEOUT })
    }

    // The server view: cluster-room holds one socket of each node, each marked with its node.
    await page.getByTestId('server-tab').click()
    await expect.poll(() => page.getByTestId('tree-server').count(), { timeout: TIMEOUT }).toBe(3)
    const members = page.locator('[data-testid="tree-socket"][data-room="cluster-room"]')
    await expect.poll(async () => (await members.evaluateAll(els => els.map(e => e.getAttribute('data-node')))).sort(), { timeout: TIMEOUT }).toEqual(NODES)
    const shot = join(SCREENSHOTS, 'server-view-cluster.png')
    mkdirSync(dirname(shot), { recursive: true })
    await page.screenshot({ path: shot })
  }, 120_000)

  it('lists the three nodes with their sockets, marks every socket\'s node, and acts on a socket of another node', async () => {
    const outsider = await connectClient(cluster.nodes[2].url) // node-3
    clients.push(outsider)
    const page = await stack.newPage()
    // A tab through the front door: it lands on some node, and shows as "my tab 1" there.
    await page.getByTestId('tutorial-tab').click()
    await run(page, 1)
    await page.getByTestId('server-tab').click()
    await expect.poll(() => page.getByTestId('tree-server').count(), { timeout: TIMEOUT }).toBe(3)
    expect(await page.getByTestId('tree-server').evaluateAll(els => els.map(e => e.getAttribute('data-id')))).toEqual(NODES)
    expect(await page.getByTestId('server-nodes').textContent()).toContain('3 nodes')

    // The outsider is marked node-3 in the namespace tree and listed under node-3's row.
    const marked = page.locator(`[data-testid="tree-socket"][data-id="${outsider.id}"]:not([data-under-node])`)
    await marked.waitFor({ timeout: TIMEOUT })
    expect(await marked.getAttribute('data-node')).toBe('node-3')
    expect(await marked.getByTestId('socket-node-badge').textContent()).toBe('node-3')
    await page.locator(`[data-testid="tree-socket"][data-id="${outsider.id}"][data-under-node="node-3"]`).waitFor({ timeout: TIMEOUT })
    // Every demo socket has its node; the view's own admin socket (admin-ui's namespace) says "node unknown".
    const demoMarks = await page.locator('[data-testid="tree-socket"][data-nsp="/"]:not([data-under-node])').evaluateAll(els => els.map(e => e.getAttribute('data-node')))
    expect(demoMarks.length).toBeGreaterThanOrEqual(2)
    expect(demoMarks.every(n => NODES.includes(n ?? ''))).toBe(true)
    const counts = await page.getByTestId('tree-server-sockets').allTextContents()
    expect(counts).toHaveLength(3)

    // Join (through node 1's admin-ui; the adapter takes it to node 3), emit to the room, disconnect.
    await marked.click()
    expect(await page.getByTestId('socket-node').textContent()).toContain('node-3')
    await page.getByTestId('action-room').fill('vip')
    await page.getByTestId('action-join').click()
    await page.getByTestId('action-confirm').click()
    await expect.poll(() => page.getByTestId('action-result').textContent(), { timeout: TIMEOUT }).toContain('on node-3 joined vip')
    const inVip = await outsider.timeout(5000).emitWithAck('list:room', 'vip') as { sockets: string[] }
    expect(inVip.sockets).toEqual([outsider.id])

    const got = new Promise<unknown[]>(resolve => outsider.once('echo', (...args: unknown[]) => resolve(args)))
    await page.locator('[data-testid="tree-room"][data-name="vip"]').click()
    await page.getByTestId('action-event').fill('echo')
    await page.getByTestId('action-args').fill('["across nodes"]')
    await page.getByTestId('action-emit').click()
    await page.getByTestId('action-confirm').click()
    expect(await got).toEqual(['across nodes'])
    await expect.poll(() => page.getByTestId('action-result').textContent(), { timeout: TIMEOUT }).toContain('delivered to 1 of 1')

    await page.locator(`[data-testid="tree-socket"][data-room="vip"][data-id="${outsider.id}"]`).click()
    const reason = new Promise(resolve => outsider.once('disconnect', r => resolve(r)))
    await page.getByTestId('action-disconnect').click()
    await page.getByTestId('action-confirm').click()
    expect(await reason).toBe('io server disconnect')
    await marked.waitFor({ state: 'detached', timeout: TIMEOUT })
    expect(stack.pageErrors).toEqual([])
  }, 120_000)
})
