// The presets of the simulator page, as data: the request presets (a
// common fetch() each) and the server presets (one per source system).
// e2e tests may read them too.
export const REQ_PRESETS = {
  "json-post": {
    origin: "https://app.example", url: "https://api.example/v1/orders", method: "POST",
    headers: [["Content-Type", "application/json"], ["Authorization", "Bearer eyJhbGciOi.token"]],
    credentials: "same-origin", mode: "cors", body: "string",
  },
  "s3-upload": {
    origin: "https://app.example", url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.jpg", method: "PUT",
    headers: [["Content-Type", "image/jpeg"], ["x-amz-acl", "private"], ["x-amz-meta-owner", "42"]],
    credentials: "same-origin", mode: "cors", body: "string",
  },
  font: {
    origin: "https://app.example", url: "https://cdn.example/fonts/inter.woff2", method: "GET",
    headers: [], credentials: "same-origin", mode: "cors", body: "",
  },
  delete: {
    origin: "https://app.example", url: "https://api.example/items/1", method: "DELETE",
    headers: [], credentials: "include", mode: "cors", body: "",
  },
  "simple-get": {
    origin: "https://app.example", url: "https://api.example/items/1", method: "GET",
    headers: [], credentials: "same-origin", mode: "cors", body: "",
  },
};
// Server presets, one per source system. When the build has no reader
// for the system's own format, the preset falls back to the replies the
// system is documented to send (shared/reference/cloud-policies.md §5),
// pasted as raw replies.
export const SRV_PRESETS = {
  ec2: {
    format: "ec2", text: "ec2\n",
    raw: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: GET, POST, OPTIONS, DELETE, PUT\nAccess-Control-Allow-Headers: content-type, authorization, x-amz-date, x-amz-security-token\nAccess-Control-Max-Age: 1800\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Type: text/xml;charset=UTF-8\n",
  },
  s3: {
    format: "s3-json",
    text: '[\n  {\n    "AllowedOrigins": ["https://app.example"],\n    "AllowedMethods": ["GET", "PUT"],\n    "AllowedHeaders": ["content-type", "x-amz-*"],\n    "ExposeHeaders": ["ETag"],\n    "MaxAgeSeconds": 3000\n  }\n]\n',
  },
  "apigw-http": {
    format: "auto",
    text: '{\n  "CorsConfiguration": {\n    "AllowOrigins": ["https://app.example"],\n    "AllowMethods": ["GET", "POST"],\n    "AllowHeaders": ["content-type"],\n    "ExposeHeaders": ["x-request-id"],\n    "MaxAge": 300,\n    "AllowCredentials": false\n  }\n}\n',
    raw: "HTTP/2 204\naccess-control-allow-origin: https://app.example\naccess-control-allow-methods: GET,POST\naccess-control-allow-headers: content-type\naccess-control-max-age: 300\n\nHTTP/2 200\naccess-control-allow-origin: https://app.example\naccess-control-expose-headers: x-request-id\ncontent-type: application/json\n",
  },
  "apigw-rest": {
    format: "auto",
    text: '{\n  "RestApiCors": {\n    "AllowMethods": ["GET", "OPTIONS"],\n    "AllowHeaders": "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token",\n    "AllowOrigin": "*",\n    "GatewayResponses": [],\n    "Integration": "mock"\n  }\n}\n',
    raw: "HTTP/1.1 200 OK\nAccess-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token\nAccess-Control-Allow-Methods: GET,OPTIONS\nAccess-Control-Allow-Origin: *\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Type: application/json\n",
  },
  "sam": {
    format: "auto",
    text: "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  NotesApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Cors:\n        AllowOrigin: \"'https://app.example'\"\n        AllowMethods: \"'GET,POST,OPTIONS'\"\n        AllowHeaders: \"'Content-Type'\"\n",
  },
  "cloudformation": {
    format: "auto",
    text: "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"https://app.example\"]\n            AllowedMethods: [\"GET\", \"PUT\"]\n            AllowedHeaders: [\"content-type\"]\n",
  },
  "serverless": {
    format: "auto",
    text: "service: notes\nprovider:\n  name: aws\n  httpApi:\n    cors:\n      allowedOrigins: [\"https://app.example\"]\n      allowedMethods: [\"GET\", \"POST\"]\n      allowedHeaders: [\"content-type\"]\nfunctions:\n  api:\n    handler: handler.main\n    events:\n      - httpApi: '*'\n",
  },
  "lambda-url": {
    format: "auto",
    text: "{\n  \"Cors\": {\n    \"AllowOrigins\": [\"https://app.example\"],\n    \"AllowMethods\": [\"GET\", \"POST\"],\n    \"AllowHeaders\": [\"content-type\"]\n  }\n}\n",
  },
  "cloudfront-rhp": {
    format: "auto",
    text: "{\n  \"CorsConfig\": {\n    \"AccessControlAllowOrigins\": {\"Quantity\": 1, \"Items\": [\"https://app.example\"]},\n    \"AccessControlAllowMethods\": {\"Quantity\": 2, \"Items\": [\"GET\", \"POST\"]},\n    \"AccessControlAllowHeaders\": {\"Quantity\": 1, \"Items\": [\"content-type\"]},\n    \"AccessControlAllowCredentials\": false,\n    \"OriginOverride\": true\n  }\n}\n",
  },
  "nginx": {
    format: "auto",
    text: "location /v1/ {\n    if ($request_method = OPTIONS) {\n        add_header Access-Control-Allow-Origin https://app.example;\n        add_header Access-Control-Allow-Methods \"GET, POST\";\n        add_header Access-Control-Allow-Headers \"Content-Type\";\n        return 204;\n    }\n    add_header Access-Control-Allow-Origin https://app.example;\n}\n",
  },
  "express": {
    format: "auto",
    text: "const cors = require('cors');\napp.use(cors({ origin: ['https://app.example'], methods: ['GET', 'POST'] }));\n",
  },
  "fastify": {
    format: "auto",
    text: "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, { origin: ['https://app.example'], methods: ['GET', 'POST'] })\n",
  },
  "koa": {
    format: "auto",
    text: "const Koa = require('koa')\nconst cors = require('@koa/cors')\n\nconst app = new Koa()\napp.use(cors({ origin: 'https://app.example' }))\n",
  },
  "hono": {
    format: "auto",
    text: "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\napp.use('/v1/*', cors({ origin: ['https://app.example'], allowMethods: ['GET', 'POST'] }))\n",
  },
  "fastapi": {
    format: "auto",
    text: "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"https://app.example\"],\n    allow_methods=[\"GET\", \"POST\"],\n    allow_headers=[\"content-type\"],\n)\n",
  },
  "django": {
    format: "auto",
    text: "INSTALLED_APPS = [\"corsheaders\"]\nMIDDLEWARE = [\n    \"corsheaders.middleware.CorsMiddleware\",\n    \"django.middleware.common.CommonMiddleware\",\n]\nCORS_ALLOWED_ORIGINS = [\"https://app.example\"]\n",
  },
  "flask": {
    format: "auto",
    text: "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=[\"https://app.example\"])\n",
  },
  "rails": {
    format: "auto",
    text: "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"https://app.example\"\n\n    resource \"*\",\n      headers: :any,\n      methods: [:get, :post, :put, :patch, :delete, :options, :head]\n  end\nend\n",
  },
  "rs-cors": {
    format: "auto",
    text: "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/rs/cors\"\n)\n\nfunc main() {\n\tc := cors.New(cors.Options{\n\t\tAllowedOrigins: []string{\"https://app.example\"},\n\t\tAllowedMethods: []string{\"GET\", \"POST\"},\n\t})\n\thttp.ListenAndServe(\":8080\", c.Handler(http.DefaultServeMux))\n}\n",
  },
  "chi": {
    format: "auto",
    text: "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n\t\"github.com/go-chi/cors\"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Use(cors.Handler(cors.Options{\n\t\tAllowedOrigins: []string{\"https://app.example\"},\n\t\tAllowedMethods: []string{\"GET\", \"POST\"},\n\t}))\n\thttp.ListenAndServe(\":8080\", r)\n}\n",
  },
  "gin": {
    format: "auto",
    text: "package main\n\nimport (\n\t\"github.com/gin-contrib/cors\"\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc main() {\n\trouter := gin.Default()\n\trouter.Use(cors.New(cors.Config{\n\t\tAllowOrigins: []string{\"https://app.example\"},\n\t\tAllowMethods: []string{\"GET\", \"POST\"},\n\t}))\n\trouter.Run()\n}\n",
  },
  "echo": {
    format: "auto",
    text: "package main\n\nimport (\n\t\"github.com/labstack/echo/v4\"\n\t\"github.com/labstack/echo/v4/middleware\"\n)\n\nfunc main() {\n\te := echo.New()\n\te.Use(middleware.CORSWithConfig(middleware.CORSConfig{\n\t\tAllowOrigins: []string{\"https://app.example\"},\n\t\tAllowMethods: []string{\"GET\", \"POST\"},\n\t}))\n\te.Start(\":8080\")\n}\n",
  },
  caddy: {
    format: "auto",
    text: ":8080 {\n\t@cors header Origin https://app.example\n\theader @cors Access-Control-Allow-Origin \"https://app.example\"\n\theader @cors Vary Origin\n\t@preflight method OPTIONS\n\thandle @preflight {\n\t\theader Access-Control-Allow-Methods \"GET, POST\"\n\t\theader Access-Control-Allow-Headers \"Content-Type\"\n\t\trespond 204\n\t}\n\treverse_proxy app:3000\n}\n",
  },
  apache: {
    format: "auto",
    text: "<VirtualHost *:80>\n    ServerName api.example\n    SetEnvIf Origin \"^https://app\\.example$\" CORS_ORIGIN=$0\n    Header always set Access-Control-Allow-Origin \"%{CORS_ORIGIN}e\" env=CORS_ORIGIN\n    Header always merge Vary Origin\n    Header always set Access-Control-Allow-Methods \"GET, POST\" env=CORS_ORIGIN\n    RewriteEngine On\n    RewriteCond %{REQUEST_METHOD} OPTIONS\n    RewriteRule ^ - [R=204,L]\n    ProxyPass / http://app:3000/\n</VirtualHost>\n",
  },
  // A Kubernetes Ingress of ingress-nginx: two origins in one
  // cors-allow-origin; the controller echoes the one that matches.
  "ingress-nginx": {
    format: "auto",
    text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: \"https://app.example, https://admin.app.example\"\n    nginx.ingress.kubernetes.io/cors-allow-methods: \"GET, POST\"\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: api.example\n    http:\n      paths:\n      - path: /v1\n        pathType: Prefix\n        backend:\n          service:\n            name: api\n            port:\n              number: 80\n",
  },
  // A Traefik headers middleware with an origin list but no
  // addVaryHeader: a cache between may serve one origin's reply to the
  // other.
  traefik: {
    format: "auto",
    text: "http:\n  middlewares:\n    api-cors:\n      headers:\n        accessControlAllowMethods: [\"GET\", \"POST\"]\n        accessControlAllowHeaders: [\"Content-Type\"]\n        accessControlAllowOriginList:\n          - https://app.example\n          - https://admin.app.example\n        accessControlMaxAge: 600\n",
  },
  // Static hosting: the headers are added to the files served; no rule
  // answers OPTIONS, so a preflighted request fails.
  netlify: {
    format: "auto",
    text: "/v1/*\n  Access-Control-Allow-Origin: https://app.example\n  Access-Control-Allow-Methods: GET, POST\n  Access-Control-Allow-Headers: Content-Type, Authorization\n",
  },
  vercel: {
    format: "auto",
    text: "{\n  \"headers\": [\n    {\n      \"source\": \"/v1/(.*)\",\n      \"headers\": [\n        { \"key\": \"Access-Control-Allow-Origin\", \"value\": \"https://app.example\" },\n        { \"key\": \"Access-Control-Allow-Methods\", \"value\": \"GET, POST, OPTIONS\" },\n        { \"key\": \"Access-Control-Allow-Headers\", \"value\": \"Content-Type, Authorization\" }\n      ]\n    }\n  ]\n}\n",
  },
  firebase: {
    format: "auto",
    text: "{\n  \"hosting\": {\n    \"public\": \"dist\",\n    \"headers\": [\n      {\n        \"source\": \"/v1/**\",\n        \"headers\": [\n          { \"key\": \"Access-Control-Allow-Origin\", \"value\": \"https://app.example\" },\n          { \"key\": \"Access-Control-Allow-Headers\", \"value\": \"Content-Type, Authorization\" }\n        ]\n      }\n    ]\n  }\n}\n",
  },
  plain: {
    raw: "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST, PUT\nAccess-Control-Allow-Headers: Content-Type\nAccess-Control-Max-Age: 600\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nContent-Type: application/json\n",
  },
};

