// The official Shopify clients against the Shopify mock of `rehearse serve`: they read orders
// and customers, recover from a 429 through their own retry policy, and validate a webhook the
// mock delivered with Shopify's own HMAC check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import '@shopify/shopify-api/adapters/node';
import { shopifyApi, LogSeverity } from '@shopify/shopify-api';
import { createAdminRestApiClient, createAdminApiClient } from '@shopify/admin-api-client';
import Shopify from 'shopify-api-node';
import { startServe, inspect } from './serve.mjs';

const hostOf = (baseUrl) => baseUrl.replace(/^http:\/\//, '');

test('admin-api-client reads the demo orders and one order by id over REST', async () => {
  const { config, stop } = await startServe();
  try {
    const s = config.services.shopify;
    const client = createAdminRestApiClient({
      storeDomain: hostOf(s.base_url), scheme: 'http', apiVersion: s.api_version, accessToken: s.access_token,
    });
    const list = await client.get('orders', { searchParams: { status: 'any' } });
    assert.equal(list.status, 200);
    assert.match(list.headers.get('x-shopify-shop-api-call-limit'), /^\d+\/40$/);
    const { orders } = await list.json();
    assert.ok(orders.length >= 3, `expected the demo orders, got ${orders.length}`);
    const one = await client.get(`orders/${orders[0].id}`);
    assert.equal(one.status, 200);
    const { order } = await one.json();
    assert.equal(order.id, orders[0].id);
    assert.equal(typeof order.total_price, 'string');
    assert.ok(Array.isArray(order.line_items) && order.line_items.length > 0);
  } finally {
    await stop();
  }
});

test('admin-api-client finds a customer and their orders over GraphQL with the query cost', async () => {
  const { config, stop } = await startServe();
  try {
    const s = config.services.shopify;
    // The GraphQL client has no scheme option; its documented escape hatch is customFetchApi.
    const client = createAdminApiClient({
      storeDomain: hostOf(s.base_url), apiVersion: s.api_version, accessToken: s.access_token,
      customFetchApi: (url, init) => fetch(url.replace(/^https:/, 'http:'), init),
    });
    const { data, errors, extensions } = await client.request(
      `query Lookup($q: String!) {
         customers(first: 1, query: $q) {
           edges { node { id email numberOfOrders orders(first: 5) { edges { node { id name } } } } }
         }
       }`,
      { variables: { q: 'email:bob@example.com' } });
    assert.equal(errors, undefined);
    const node = data.customers.edges[0].node;
    assert.equal(node.email, 'bob@example.com');
    assert.ok(node.orders.edges.length >= 2);
    assert.ok(extensions.cost.requestedQueryCost > 0);
    assert.equal(typeof extensions.cost.throttleStatus.restoreRate, 'number');
  } finally {
    await stop();
  }
});

test('shopify-api-node meets a 429 from the leaky bucket and recovers after Retry-After', async () => {
  const { config, stop } = await startServe();
  try {
    const s = config.services.shopify;
    // A bucket of 2 draining 2 per second: the third of four concurrent calls is refused.
    await inspect(s.base_url, '/limits', { method: 'PUT', body: JSON.stringify({ rest: { bucket_size: 2, leak_per_second: 2 } }) });
    const shopify = new Shopify({ shopName: 'rehearsal-demo', accessToken: s.access_token, apiVersion: s.api_version, maxRetries: 3 });
    const port = Number(new URL(s.base_url).port);
    shopify.baseUrl = { protocol: 'http:', hostname: '127.0.0.1', port };
    const results = await Promise.all([1, 2, 3, 4].map(() => shopify.order.count({ status: 'any' })));
    for (const count of results) assert.ok(count >= 3);
    const log = await inspect(s.base_url, '/requests');
    const refused = log.requests.filter((r) => r.status === 429);
    assert.ok(refused.length >= 1, 'the mock should have refused at least one call');
    assert.equal(log.requests.filter((r) => r.status === 200).length, 4);
  } finally {
    await stop();
  }
});

test("@shopify/shopify-api validates a webhook the mock delivered, and rejects a tampered one", async () => {
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/webhooks/shopify`;
  const { config, stop } = await startServe(['--shopify-webhook-url', hookUrl]);
  try {
    const s = config.services.shopify;
    const client = createAdminRestApiClient({
      storeDomain: hostOf(s.base_url), scheme: 'http', apiVersion: s.api_version, accessToken: s.access_token,
    });
    const { orders } = await (await client.get('orders', { searchParams: { status: 'any' } })).json();
    const put = await client.put(`orders/${orders[0].id}`, { data: { order: { id: orders[0].id, tags: 'rehearsed' } } });
    assert.equal(put.status, 200);

    const deadline = Date.now() + 10_000;
    while (!received.some((w) => w.headers['x-shopify-topic'] === 'orders/updated') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const hook = received.find((w) => w.headers['x-shopify-topic'] === 'orders/updated');
    assert.ok(hook, 'no orders/updated webhook arrived');

    const shopify = shopifyApi({
      apiKey: 'rehearsal-app', apiSecretKey: s.api_secret, hostName: 'localhost', isEmbeddedApp: false,
      apiVersion: s.api_version, logger: { level: LogSeverity.Error },
    });
    const check = (rawBody) => shopify.webhooks.validate({
      rawBody, rawRequest: { headers: hook.headers }, rawResponse: {},
    });
    const good = await check(hook.rawBody);
    assert.equal(good.valid, true, JSON.stringify(good));
    assert.equal(good.topic, 'ORDERS_UPDATED');
    assert.equal(good.domain, s.shop_domain);
    assert.equal(JSON.parse(hook.rawBody).tags, 'rehearsed');
    const bad = await check(hook.rawBody.replace('rehearsed', 'tampered'));
    assert.equal(bad.valid, false);
    assert.equal(bad.reason, 'invalid_hmac');
  } finally {
    await stop();
    receiver.close();
  }
});
