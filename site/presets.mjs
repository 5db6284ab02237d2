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
  plain: {
    raw: "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST, PUT\nAccess-Control-Allow-Headers: Content-Type\nAccess-Control-Max-Age: 600\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nContent-Type: application/json\n",
  },
};

