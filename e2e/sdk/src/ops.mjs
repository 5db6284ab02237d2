// The browser operations e2e/sdk records: each runs the real SDK from npm
// against the loopback server the Go test starts (window.whycorsRun(name,
// endpoint)), and resolves to what the page would get: the operation's
// output without the parts that differ run to run, or its error.
import {
  S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { BlockBlobClient } from "@azure/storage-blob";

// Fixed credentials: the server checks no signature.
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

function s3(endpoint) {
  return new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials });
}

// kept drops what changes run to run ($metadata's IDs and timings)
// and keeps the fields the page's code reads.
function kept(out) {
  const o = { ...out };
  delete o.$metadata;
  return o;
}

const MiB = 1024 * 1024;

const ops = {
  async "s3-putobject"(endpoint) {
    return kept(await s3(endpoint).send(new PutObjectCommand({ Bucket: "uploads", Key: "a.txt", Body: "hello", ContentType: "text/plain" })));
  },
  async "s3-getobject"(endpoint) {
    const out = await s3(endpoint).send(new GetObjectCommand({ Bucket: "uploads", Key: "a.txt" }));
    const body = await out.Body.transformToString();
    return { ...kept(out), Body: body };
  },
  async "s3-headobject"(endpoint) {
    return kept(await s3(endpoint).send(new HeadObjectCommand({ Bucket: "uploads", Key: "a.txt" })));
  },
  async "s3-multipart"(endpoint) {
    const c = s3(endpoint);
    const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: "uploads", Key: "big.bin" }));
    const part = await c.send(new UploadPartCommand({ Bucket: "uploads", Key: "big.bin", UploadId, PartNumber: 1, Body: "part one" }));
    if (!part.ETag) throw new Error("UploadPart returned no ETag: CompleteMultipartUpload cannot name the part");
    const done = await c.send(new CompleteMultipartUploadCommand({
      Bucket: "uploads", Key: "big.bin", UploadId,
      MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
    }));
    return kept(done);
  },
  async "s3-lib-storage-upload"(endpoint) {
    // Above the 5 MiB part size: lib-storage uploads it in two parts.
    const body = new Uint8Array(5 * MiB + 16);
    const up = new Upload({ client: s3(endpoint), params: { Bucket: "uploads", Key: "big.bin", Body: body }, queueSize: 1 });
    return kept(await up.done());
  },
  async "s3-presigned-put"(endpoint) {
    const url = await getSignedUrl(s3(endpoint), new PutObjectCommand({ Bucket: "uploads", Key: "a.txt" }), { expiresIn: 300 });
    const r = await fetch(url, { method: "PUT", body: "hello" });
    return { status: r.status };
  },
  async "s3-presigned-post"(endpoint) {
    const { url, fields } = await createPresignedPost(s3(endpoint), { Bucket: "uploads", Key: "a.txt", Expires: 300 });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("file", new Blob(["hello"], { type: "text/plain" }), "a.txt");
    const r = await fetch(url, { method: "POST", body: form });
    return { status: r.status };
  },
  async "azure-upload-data"(endpoint) {
    const blob = new BlockBlobClient(endpoint + "/uploads/a.txt?sv=2024-08-04&sp=cw&sr=b&sig=c2lnbmF0dXJl");
    const out = await blob.uploadData(new Blob(["hello"], { type: "text/plain" }));
    return { etag: out.etag, lastModified: String(out.lastModified), requestServerEncrypted: out.isServerEncrypted };
  },
};

window.whycorsOps = Object.keys(ops);
window.whycorsRun = async (name, endpoint) => {
  try {
    return { ok: true, out: JSON.stringify(await ops[name](endpoint)) };
  } catch (e) {
    return { ok: false, error: String(e && e.name) + ": " + String(e && e.message) };
  }
};
