#!/usr/bin/env node
// runtime-smoke.js DIR - behaviour checks of the runtime, compiled to
// JavaScript in DIR: validation, the JIT validator, MIME wildcards, the
// upload middleware over HTTP (buffered fallback without busboy) and the
// data client against a stand-in REST API. Exits 1 on the first failure.
'use strict';
const out = require('path').resolve(process.argv[2] || 'out');
const load = (m) => require(out + '/' + m);
const assert = require('assert');
const v = load('validateRuntime');
const schema = { entity: 'Book', fields: [ { name: 'title', type: 'string', optional: false, lenMin: 2 }, { name: 'pages', type: 'integer', optional: false, defaultValue: 100, min: 1 }, { name: 'published', type: 'datetime', optional: false, defaultValue: { call: 'now', args: [] } }, { name: 'ok', type: 'boolean', optional: true }, { name: 'big', type: 'bigint', optional: true }, { name: 'tags', type: 'string', optional: true, list: true } ], relations: ['author'] };
let b = { title: 'Hi', ok: 'TRUE', big: 12, tags: ['a'], author: { connect: { id: 1 } } };
let r = v.validateBodyAgainst(schema, b, 'create'); assert.deepStrictEqual(r, { ok: true }); assert.strictEqual(b.pages, 100); assert.strictEqual(b.ok, true); assert.strictEqual(b.big, '12'); assert.ok(!('published' in b));
r = v.validateBodyAgainst(schema, { title: 'x', pages: '0', extra: 1, author: 5, tags: [1] }, 'create');
assert.deepStrictEqual(v.validationErrorEnvelope(r.errors).errors.map((e) => e.path), ['author', 'extra', 'pages', 'tags[0]', 'title']);
assert.strictEqual(v.validateBodyAgainst(schema, {}, 'update').ok, true);
assert.strictEqual(v.validateBodyAgainst(schema, [], 'update').errors[0].code, 'type_mismatch');
assert.strictEqual(v.validateBodyAgainst(schema, JSON.parse('{"__proto__": {"a":1}}'), 'patch').errors[0].code, 'disallowed_key');
assert.strictEqual(v.validateBodyAgainst(schema, { published: '2024-01-02' }, 'patch').errors[0].code, 'date_format');
const j = load('jitValidator'); process.env.LOCUS_VALIDATION_JIT = '1';
const simple = { entity: 'S', fields: [ { name: 'n', type: 'integer', optional: false, max: 3 }, { name: 'e', type: 'string', optional: true, email: true } ], relations: [] };
assert.deepStrictEqual(j.fastValidate(simple, { n: '2' }, 'create'), { ok: true });
assert.strictEqual(j.fastValidate(simple, { n: 5, e: 'x' }, 'create').errors.length, 2);
const m = load('multipart');
assert.ok(m.mimeAllowed(['image/*'], 'image/png')); assert.ok(!m.mimeAllowed(['image/*'], 'text/plain')); assert.ok(m.mimeAllowed(['image/png'], 'IMAGE/PNG; x=1'));
// upload middleware over http (buffered; busboy absent -> streaming_unavailable fallback)
const express = require('express'); const http = require('http'); const fs = require('fs'); const os = require('os'); const path = require('path');
const { makeUploadMiddleware } = load('uploadMiddleware');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'up-'));
const policy = { name: 'Cover', fields: [ { name: 'image', maxCount: 1, maxSizeBytes: 10, mime: ['image/*'], required: true } ], storage: { strategy: 'local' } };
const app = express(); app.use(express.json());
app.post('/cover', makeUploadMiddleware(policy, tmp), (req, res) => res.json({ files: req.uploadFiles, body: req.uploadBody }));
const rows = [{ id: 1, title: 'a' }];
app.get('/book', (req, res) => res.json(rows.filter(() => true)));
app.get('/book/:id', (req, res) => { const r = rows.find((x) => x.id === Number(req.params.id)); r ? res.json(r) : res.status(404).end(); });
app.put('/book/:id', (req, res) => res.json({ ...rows[0], ...req.body }));
app.post('/book', (req, res) => req.body.title ? res.status(201).json({ id: 2, ...req.body }) : res.status(400).json(v.validationErrorEnvelope([{ path: 'title', message: 'required', code: 'required' }])));
app.delete('/book/:id', (req, res) => res.status(204).end());
const srv = app.listen(0, async () => {
  const port = srv.address().port; const base = 'http://127.0.0.1:' + port;
  async function up(name, type, content, extra) {
    const fd = new FormData(); fd.append('title', '{"a":1}'); fd.append(name, new Blob([content], { type }), 'p.png'); if (extra) fd.append(name, new Blob([content], { type }), 'q.png');
    const res = await fetch(base + '/cover', { method: 'POST', body: fd }); return [res.status, await res.json()];
  }
  try {
    let [s, body] = await up('image', 'image/png', 'abc'); assert.strictEqual(s, 200, JSON.stringify(body)); assert.deepStrictEqual(body.body, { title: { a: 1 } }); assert.ok(body.files[0].url.startsWith('/uploads/')); assert.strictEqual(body.files[0].size, 3); assert.ok(fs.existsSync(body.files[0].path));
    [s, body] = await up('image', 'text/plain', 'abc'); assert.strictEqual(body.errors[0].code, 'file_mime_invalid');
    [s, body] = await up('image', 'image/png', 'abcdefghijklmnop'); assert.strictEqual(body.errors[0].code, 'file_too_large');
    [s, body] = await up('image', 'image/png', 'abc', true); assert.strictEqual(body.errors[0].code, 'file_count_exceeded');
    [s, body] = await up('other', 'image/png', 'abc'); assert.deepStrictEqual(body.errors.map((e) => e.code).sort(), ['file_required_missing', 'unexpected_file_field']);
    const res = await fetch(base + '/cover', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); assert.strictEqual((await res.json()).errors[0].code, 'invalid_content_type');
    const dc = load('dataClient'); dc.setApiBase(base);
    const list = await dc.find('Book', { where: { title: 'a' }, take: 5 }); assert.strictEqual(list.length, 1); assert.deepStrictEqual(Object.keys(list[0]), ['id', 'title']);
    const one = await dc.findOne('book', { id: 1 }); const none = await dc.findOne('book', { id: 9 }); assert.strictEqual(none, null);
    const u = await dc.update(one, { title: 'z' }); assert.strictEqual(u.title, 'z'); await dc.remove(u);
    const c = await dc.create('book', { title: 'n' }); assert.strictEqual(c.id, 2);
    await assert.rejects(dc.create('book', {}), (e) => e.status === 400 && e.body.code === 'validation_error' && /title: required/.test(e.message));
    await assert.rejects(dc.update({ id: 1 }, {}), /needs a record returned by find/);
    await assert.rejects(dc.remove(null), /got null instead of a record/);
    dc.log('smoke', 'ok');
  } catch (e) { console.error(e); process.exitCode = 1; } finally { srv.close(); }
});
