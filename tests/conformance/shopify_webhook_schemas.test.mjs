// Every webhook topic the Shopify mock emits validates against the JSON schemas of the npm package
// `shopify-webhook-schemas` (Gadget's schemas, inferred from Shopify's own example payloads) for
// API version 2026-01, checked with ajv. The test drives `rehearse serve` through each state
// change that produces a topic, reads the bodies the mock produced from its inspection surface,
// and validates each one. It also follows a REST `Link` header with plain `fetch` and with
// `@shopify/admin-api-client`, and checks every page stays on the mock. And it checks that
// Klaviyo's Shopify integration heard the same changes (its Shopify metrics exist in Klaviyo).
//
// Where the schema package disagrees with Shopify, the test follows Shopify and patches the schema
// here, each patch with its reason (see `patchSchema`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { schemaForWebhook, metadataForWebhook } from 'shopify-webhook-schemas';
import { createAdminRestApiClient } from '@shopify/admin-api-client';
import { startServe, inspect } from './serve.mjs';

const VERSION = '2026-01';

// Every topic the mock can emit (mocks/src/shopify: ProduceWebhook calls).
const EMITTED = [
  'orders/create', 'orders/updated', 'orders/partially_fulfilled', 'orders/fulfilled', 'orders/cancelled',
  'fulfillments/create', 'fulfillments/update', 'refunds/create',
  'returns/request', 'returns/approve', 'returns/decline', 'returns/close', 'returns/reopen', 'returns/cancel',
];

// The schema package infers each schema from Shopify's example payload for the topic (plus a few
// examples of its own) and makes every key of them required, with the types the example happened
// to have. Where that contradicts Shopify, the test follows Shopify and patches the schema here:
// - orders/*: `company` is required, but Shopify's own 2026-01 example orders have no `company`
//   key at all (Shopify sends it on B2B orders only). The requirement is dropped.
// - refunds/create: `note` and `user_id` are non-null in the schema because the example refund
//   had a note and was made by staff. Shopify's refund has `note: null` when none was given and
//   `user_id: null` when an app made it (the same example's transaction has `user_id: null`).
// - returns/request and returns/approve: the example return had `name: null` and no line items,
//   so the schema allows only null and an empty array. A return with lines has a name
//   ("#1001-R1", GraphQL `Return.name`) and line items.
// - returns/decline: `decline.note` is optional free text, null when the merchant wrote none.
// - Every array that was empty in the example (an order's `refunds`, a refund's
//   `refund_shipping_lines`, ...) gets `items: false`, so no element at all would validate. An
//   order's refunds are checked against the refunds/create schema; other such arrays accept
//   objects.
// - Tax line `rate` is inferred as an integer (the example's rate was 0); Shopify's rates are
//   decimals (0.0825). A line item's `vendor` and a fulfillment's `origin_address` are inferred
//   non-null inside orders, while Shopify's own orders/create and fulfillments/create examples
//   carry `"vendor": null` and `"origin_address": null`.
function allow(node, type) {
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (!types.includes(type)) node.type = [...types, type];
}

// Walks every subschema, giving each to `fix` with its property name.
function walk(node, fix, name = '') {
  if (!node || typeof node !== 'object') return;
  fix(node, name);
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, fix, key);
  if (node.items && typeof node.items === 'object') walk(node.items, fix, `${name}[]`);
  for (const alt of node.anyOf ?? []) walk(alt, fix, name);
}

function patchSchema(topic, schema) {
  const s = structuredClone(schema);
  const refundSchema = topic === 'refunds/create' ? null : patchSchema('refunds/create', schemaForWebhook(VERSION, 'refunds/create'));
  if (refundSchema) delete refundSchema.$schema;
  walk(s, (node, name) => {
    if (node.items === false) node.items = name === 'refunds' && topic.startsWith('orders/') ? refundSchema : { type: 'object' };
    if (name === 'rate' && node.type === 'integer') node.type = 'number';
    if (name === 'vendor' || name === 'origin_address') allow(node, 'null');
  });
  if (topic.startsWith('orders/')) {
    const example = metadataForWebhook(VERSION, topic).response;
    assert.equal('company' in example, false, `Shopify's ${topic} example now has company: drop this patch`);
    s.required = s.required.filter((k) => k !== 'company');
  }
  if (topic === 'refunds/create') {
    allow(s.properties.note, 'null');
    allow(s.properties.user_id, 'null');
  }
  if (topic === 'returns/request' || topic === 'returns/approve') {
    s.properties.name = { type: ['null', 'string'] };
    s.properties.return_line_items = { type: 'array', items: { type: 'object' } };
  }
  if (topic === 'returns/decline') allow(s.properties.decline.properties.note, 'null');
  return s;
}

function validatorFor(topic) {
  const schema = schemaForWebhook(VERSION, topic);
  assert.ok(schema, `shopify-webhook-schemas has no ${VERSION} schema for ${topic}`);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(patchSchema(topic, schema));
}

const hostOf = (baseUrl) => baseUrl.replace(/^http:\/\//, '');
// Shopify's ids are above 2^53: read them as strings, as @shopify/shopify-api does.
const parseKeepingIds = (text) => JSON.parse(text.replace(/(:\s*)(\d{16,})/g, '$1"$2"'));

async function inspectIds(s, path, body) {
  const res = await fetch(`${s.base_url}/_rehearsal${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `inspection ${path} answered ${res.status}: ${text}`);
  return parseKeepingIds(text);
}

async function rest(s, method, path, body) {
  const res = await fetch(`${s.base_url}/admin/api/${s.api_version}/${path}`, {
    method,
    headers: { 'x-shopify-access-token': s.access_token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? parseKeepingIds(text) : null;
}

const ADDRESS = {
  first_name: 'Mara', last_name: 'Quinn', address1: '18 Larch Lane', address2: null, city: 'Portland',
  province_code: 'OR', zip: '97205', country_code: 'US', phone: '+15035550142', company: null,
};

function orderDocument(email, lines) {
  return {
    email,
    customer: { email, first_name: 'Mara', last_name: 'Quinn', phone: '+15035550142', addresses: [ADDRESS] },
    shipping_address: ADDRESS,
    billing_address: ADDRESS,
    shipping_lines: [{ title: 'Standard', price: '5.00' }],
    total_tax: '3.20',
    line_items: lines,
  };
}

// Drives the mock through every change that produces a topic of EMITTED.
async function produceEveryTopic(s) {
  const seed = (doc) => inspectIds(s, '/orders?notify=true', doc);
  const two = [
    { title: 'Compost bin', sku: 'CB-1', price: '40.00', quantity: 1, product_id: 7001, variant_id: 8001 },
    { title: 'Kitchen caddy', sku: 'KC-1', price: '12.00', quantity: 2, product_id: 7002, variant_id: 8002 },
  ];
  const a = (await seed(orderDocument('mara@example.com', two))).order;                       // orders/create
  await rest(s, 'PUT', `orders/${a.id}.json`, { order: { id: a.id, tags: 'rehearsed' } });   // orders/updated
  const first = (await inspectIds(s, `/orders/${a.id}/fulfillments`, {                       // fulfillments/create,
    tracking_company: 'UPS', tracking_number: '1Z999AA10123456784', line_items: [{ sku: 'CB-1' }],  // orders/partially_fulfilled
  })).fulfillment;
  await inspect(s.base_url, `/fulfillments/${first.id}/events`, {                             // fulfillments/update
    method: 'POST', body: JSON.stringify({ status: 'in_transit' }),
  });
  await inspect(s.base_url, `/orders/${a.id}/fulfillments`, {                                 // orders/fulfilled
    method: 'POST', body: JSON.stringify({ tracking_company: 'USPS', tracking_number: '9400111899223100012345' }),
  });
  const calc = await rest(s, 'POST', `orders/${a.id}/refunds/calculate.json`, {
    refund: { refund_line_items: [{ line_item_id: a.line_items[1].id, quantity: 1, restock_type: 'no_restock' }] },
  });
  await rest(s, 'POST', `orders/${a.id}/refunds.json`, {                                     // refunds/create
    refund: {
      note: 'one caddy arrived cracked',
      refund_line_items: [{ line_item_id: a.line_items[1].id, quantity: 1, restock_type: 'no_restock' }],
      transactions: calc.refund.transactions.map((t) => ({ parent_id: t.parent_id, amount: t.amount, kind: 'refund', gateway: t.gateway })),
    },
  });
  // Returns: requested, declined; requested, approved (open), closed, reopened, cancelled.
  const fulfillmentLine = first.line_items[0];
  const ret = (body) => inspectIds(s, `/orders/${a.id}/returns`, body);
  const gql = async (query, variables) => {
    const res = await fetch(`${s.base_url}/admin/api/${s.api_version}/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': s.access_token, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const out = await res.json();
    assert.equal(out.errors, undefined, JSON.stringify(out.errors));
    return out.data;
  };
  const lineOfReturn = { line_item_id: fulfillmentLine.id, quantity: 1, return_reason: 'DEFECTIVE' };
  const r1 = (await ret({ status: 'REQUESTED', line_items: [lineOfReturn] })).return;         // returns/request
  await gql('mutation($id: ID!) { returnDeclineRequest(input: {id: $id, declineReason: OTHER}) { userErrors { message } } }',
    { id: r1.admin_graphql_api_id });                                                         // returns/decline
  const r2 = (await ret({ status: 'REQUESTED', line_items: [lineOfReturn] })).return;
  await gql('mutation($id: ID!) { returnApproveRequest(input: {id: $id}) { userErrors { message } } }',
    { id: r2.admin_graphql_api_id });                                                         // returns/approve
  await gql('mutation($id: ID!) { returnClose(id: $id) { userErrors { message } } }', { id: r2.admin_graphql_api_id }); // returns/close
  await gql('mutation($id: ID!) { returnReopen(id: $id) { userErrors { message } } }', { id: r2.admin_graphql_api_id }); // returns/reopen
  await gql('mutation($id: ID!) { returnCancel(id: $id) { userErrors { message } } }', { id: r2.admin_graphql_api_id }); // returns/cancel
  // A second order, cancelled before fulfillment.
  const b = (await seed(orderDocument('mara@example.com', [two[0]]))).order;
  await rest(s, 'POST', `orders/${b.id}/cancel.json`, { reason: 'customer' });                // orders/cancelled
}

test(`every webhook topic the Shopify mock emits validates against shopify-webhook-schemas ${VERSION}`, async () => {
  const { config, stop } = await startServe();
  try {
    const s = config.services.shopify;
    assert.equal(s.api_version, VERSION, 'the mock serves another version: change VERSION with it');
    for (const topic of EMITTED) {
      await inspect(s.base_url, '/webhook_subscriptions', {
        method: 'POST', body: JSON.stringify({ topic, host: '127.0.0.1:9', path: '/nowhere' }),
      });
    }
    await produceEveryTopic(s);
    const { webhooks } = await inspect(s.base_url, '/webhooks');
    const seen = new Set();
    const failures = [];
    const validators = new Map();
    for (const w of webhooks) {
      seen.add(w.topic);
      if (!validators.has(w.topic)) validators.set(w.topic, validatorFor(w.topic));
      const validate = validators.get(w.topic);
      if (!validate(JSON.parse(w.body))) {
        failures.push(`${w.topic}: ${validate.errors.slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
      }
    }
    assert.deepEqual([...seen].sort(), [...EMITTED].sort(), 'every topic should have been produced');
    assert.deepEqual(failures, []);

    // Klaviyo's Shopify integration heard the same changes over the socket: its Shopify metrics
    // exist in Klaviyo's API.
    const k = config.services.klaviyo;
    const wanted = ['Placed Order', 'Ordered Product', 'Fulfilled Partial Order', 'Fulfilled Order',
      'Cancelled Order', 'Refunded Order', 'Confirmed Shipment'];
    let names = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const res = await fetch(`${k.base_url}/api/metrics`, {
        headers: { authorization: `Klaviyo-API-Key ${k.api_key}`, revision: k.revision, accept: 'application/vnd.api+json' },
      });
      assert.equal(res.status, 200);
      names = (await res.json()).data.map((m) => m.attributes.name);
      if (wanted.every((n) => names.includes(n))) break;
    }
    assert.deepEqual(wanted.filter((n) => !names.includes(n)), [], `Klaviyo's metrics: ${names.join(', ')}`);
  } finally {
    await stop();
  }
});

test('a Link header followed with plain fetch and with admin-api-client stays on the mock', async () => {
  const { config, stop } = await startServe();
  try {
    const s = config.services.shopify;
    const origin = new URL(s.base_url).origin;
    // Plain fetch: follow rel="next" until it is gone.
    let url = `${s.base_url}/admin/api/${s.api_version}/orders.json?status=any&limit=1`;
    const ids = [];
    for (let page = 0; url && page < 20; ++page) {
      assert.equal(new URL(url).origin, origin, `a page left the mock: ${url}`);
      const res = await fetch(url, { headers: { 'x-shopify-access-token': s.access_token } });
      assert.equal(res.status, 200);
      ids.push(...(await res.json()).orders.map((o) => o.id));
      const link = res.headers.get('link');
      const next = link && /<([^<]+)>; rel="next"/.exec(link);
      url = next ? next[1] : null;
    }
    assert.ok(ids.length >= 3, `expected several pages, got ${ids.length} orders`);
    assert.equal(new Set(ids).size, ids.length, 'no order twice');

    // admin-api-client: its REST client takes the next page's path and query from the Link URL.
    const client = createAdminRestApiClient({
      storeDomain: hostOf(s.base_url), scheme: 'http', apiVersion: s.api_version, accessToken: s.access_token,
    });
    const first = await client.get('orders', { searchParams: { status: 'any', limit: 1 } });
    const link = first.headers.get('link');
    assert.match(link, /rel="next"/);
    const nextUrl = new URL(/<([^<]+)>; rel="next"/.exec(link)[1]);
    assert.equal(nextUrl.origin, origin);
    const pageInfo = nextUrl.searchParams.get('page_info');
    const second = await client.get('orders', { searchParams: { limit: 1, page_info: pageInfo } });
    assert.equal(second.status, 200);
    const [o1] = (await first.json()).orders;
    const [o2] = (await second.json()).orders;
    assert.notEqual(o1.id, o2.id);
    const log = await inspect(s.base_url, '/requests');
    assert.ok(log.requests.some((r) => String(r.target ?? r.path ?? '').includes('page_info')),
      'the second page was served by the mock');
  } finally {
    await stop();
  }
});
