package fastifycors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// registry is the whole engine's, which lists the three Node formats.
func registry() *policy.Registry { return all.Registry() }

// Each Node framework's app file is claimed by its own format and by no
// other of the engine's: the frameworks' CORS middlewares are all called
// cors(...), so the import decides (golden files written for this test).
func TestDetectNodeApps(t *testing.T) {
	tests := []struct {
		desc, text, want string
	}{
		{desc: "Fastify app (README of @fastify/cors: register with the plugin)", want: "fastify-cors",
			text: "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, { origin: 'https://app.test' })\n"},
		{desc: "Fastify app with require", want: "fastify-cors",
			text: "const fastify = require('fastify')()\nfastify.register(require(\"@fastify/cors\"), { origin: true })\nfastify.listen({ port: 3000 })\n"},
		{desc: "Koa app (README of @koa/cors: app.use(cors()))", want: "koa-cors",
			text: "const Koa = require('koa');\nconst cors = require('@koa/cors');\n\nconst app = new Koa();\napp.use(cors({ origin: 'https://app.test' }));\n"},
		{desc: "Hono app on a Worker (hono docs: app.use('/api/*', cors()))", want: "hono-cors",
			text: "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\napp.use('/api/*', cors({ origin: ['https://app.test'] }))\nexport default app\n"},
		{desc: "Express app (expressjs/cors README)", want: "express",
			text: "const express = require('express')\nconst cors = require('cors')\nconst app = express()\napp.use(cors({ origin: 'https://app.test' }))\n"},
	}
	reg := registry()
	for _, tc := range tests {
		got := reg.Detect(tc.text)
		if len(got) != 1 || got[0].Format != tc.want {
			t.Errorf("%s: detected %+v, want only %s", tc.desc, got, tc.want)
		}
	}
}

// lint's rules see the plugin's traps through ReadRules: origin true
// with credentials reflects any origin, and a RegExp without anchors
// matches an attacker's domain (shared/reference/server-peers.md §4).
func TestLintTraps(t *testing.T) {
	tests := []struct {
		desc, opts string
		line       int
	}{
		// reflect-any is said at the register call, the rule's position
		{desc: "origin true with credentials", opts: "{\n  origin: true,\n  credentials: true,\n}", line: 5},
		{desc: "a RegExp without anchors", opts: "{\n  origin: /app\\.test/,\n}", line: 6},
	}
	for _, tc := range tests {
		text := strings.Replace(app, "%s", tc.opts, 1)
		fs, err := lint.Lint(registry(), text, "fastify-cors")
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		found := false
		for _, f := range fs {
			if f.Severity == lint.Error || f.Severity == lint.Warning {
				found = found || f.Line == tc.line
			}
		}
		if !found {
			t.Errorf("%s: findings %+v, want one at line %d", tc.desc, fs, tc.line)
		}
	}
}
