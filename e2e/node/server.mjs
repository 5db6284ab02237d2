// The real Node CORS middlewares on loopback, for the differential tests
// in this folder (node_test.go). Usage:
//
//	node server.mjs fastify|koa|hono CONFIGS.json
//
// CONFIGS.json is [{"options": "<a JavaScript object literal>", "mount":
// "<a Hono path pattern, or empty>", "more": [{"options", "mount"}]}, ...]
// (more: further cors() middlewares mounted after the first, Koa and
// Hono). Configuration i answers under
// the path prefix /c<i>: its application answers every method with 200
// "ok" and X-App: 1 (the JSON {"ok":true} when the path contains /json),
// and throws an Error when the path contains /throw.
// The first line on stdout is JSON: {"port": N, "versions": {...}}.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const lib = process.argv[2];
const configs = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
// Options are object literals written by the Go generator (RegExp
// literals included), evaluated as JavaScript.
const options = (src) => new Function('return (' + src + ');')();
const version = (pkg) => JSON.parse(fs.readFileSync(path.join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
console.error = () => {}; // Hono logs each thrown error

function prefixed(url) {
  const m = /^\/c(\d+)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!m) return null;
  return { i: Number(m[1]), rest: (m[2] || '/') + (m[3] || '') };
}

async function fastifyServer() {
  const Fastify = (await import('fastify')).default;
  const cors = (await import('@fastify/cors')).default;
  const app = Fastify({ logger: false });
  configs.forEach((c, i) => {
    app.register(async (inst) => {
      await inst.register(cors, options(c.options));
      inst.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: '/*',
        handler: async (req, reply) => {
          if (req.url.includes('/throw')) throw new Error('boom');
          reply.header('X-App', '1');
          if (req.url.includes('/json')) return { ok: true };
          reply.type('text/plain; charset=utf-8');
          return 'ok';
        },
      });
    }, { prefix: '/c' + i });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, versions: { fastify: version('fastify'), '@fastify/cors': version('@fastify/cors') } };
}

async function koaServer() {
  const Koa = (await import('koa')).default;
  const cors = (await import('@koa/cors')).default;
  const apps = configs.map((c) => {
    const k = new Koa();
    k.silent = true;
    k.use(cors(options(c.options)));
    for (const m of c.more || []) k.use(cors(options(m.options)));
    k.use((ctx) => {
      if (ctx.path.includes('/throw')) throw new Error('boom');
      ctx.set('X-App', '1');
      if (ctx.path.includes('/json')) { ctx.body = { ok: true }; return; }
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'ok';
    });
    return k.callback();
  });
  const server = http.createServer((req, res) => {
    const p = prefixed(req.url);
    if (!p || !apps[p.i]) { res.statusCode = 599; res.end(); return; }
    req.url = p.rest;
    apps[p.i](req, res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: server.address().port, versions: { koa: version('koa'), '@koa/cors': version('@koa/cors') } };
}

async function honoServer() {
  const { Hono } = await import('hono');
  const { cors } = await import('hono/cors');
  const { getRequestListener } = await import('@hono/node-server');
  const apps = configs.map((c) => {
    const a = new Hono();
    if (c.mount) a.use(c.mount, cors(options(c.options)));
    else a.use(cors(options(c.options)));
    for (const m of c.more || []) {
      if (m.mount) a.use(m.mount, cors(options(m.options)));
      else a.use(cors(options(m.options)));
    }
    a.all('*', (ctx) => {
      if (ctx.req.path.includes('/throw')) throw new Error('boom');
      ctx.header('X-App', '1');
      if (ctx.req.path.includes('/json')) return ctx.json({ ok: true });
      return ctx.text('ok');
    });
    return a;
  });
  const listener = getRequestListener((req) => {
    const u = new URL(req.url);
    const p = prefixed(u.pathname + u.search);
    if (!p || !apps[p.i]) return new Response(null, { status: 599 });
    const target = new URL(p.rest, u.origin);
    return apps[p.i].fetch(new Request(target, { method: req.method, headers: req.headers }));
  });
  const server = http.createServer(listener);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: server.address().port, versions: { hono: version('hono'), '@hono/node-server': version('@hono/node-server') } };
}

const start = { fastify: fastifyServer, koa: koaServer, hono: honoServer }[lib];
if (!start) {
  process.stderr.write('unknown library ' + lib + '\n');
  process.exit(2);
}
start().then((info) => {
  process.stdout.write(JSON.stringify(info) + '\n');
}, (err) => {
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});
