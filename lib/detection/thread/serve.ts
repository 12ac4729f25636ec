// Inside a detection thread: run one request at a time and post the report back. Replies are copied,
// never transferred: transferring would detach an ArrayBuffer here and slow this isolate down (entry.mjs).
import { parentPort } from "node:worker_threads";
import { loadModel } from "../ml/index";
import { runDetection } from "../run-detection";
import type { DetectionRequest, DetectionReply } from "./protocol";

const port = parentPort;
if (!port) throw new Error("serve.ts runs inside a detection thread only");

port.on("message", async (req: DetectionRequest) => {
  let reply: DetectionReply;
  try {
    const bytes = Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength);
    // A handed-over raster arrives as a Uint8Array (structured clone); the engine reads Buffers.
    const p = req.opts.predecoded;
    const data = p?.analysis.data;
    const opts = p && data ? { ...req.opts, predecoded: { ...p, analysis: { ...p.analysis, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) } } } : req.opts;
    reply = { id: req.id, result: await runDetection(bytes, opts) };
  } catch (e) {
    // runDetection returns typed errors for bad input; a throw here is an engine bug.
    reply = { id: req.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});

// Load and verify the detector now rather than during the first scan. A broken install is reported by
// the ml signal of every scan (loadModel does not memoise failures), so the error is dropped here.
loadModel().catch(() => {});
