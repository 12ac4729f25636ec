// A stand-in detection thread for pool tests: the first byte of the request picks its behaviour.
// 1: throw (uncaught), 2: exit with code 7, 3: hang in a busy loop, 4: reply after 200 ms,
// 5: allocate until the heap limit,
// anything else: reply at once. Replies echo the byte count (and the thread id) as a typed refusal.
import { parentPort, threadId } from "node:worker_threads";

parentPort.on("message", (req) => {
  const mode = req.bytes[0];
  const reply = () => parentPort.postMessage({ id: req.id, result: { ok: false, error: { code: "image_corrupt", message: `echo ${req.bytes.length}`, thread: threadId } } });
  if (mode === 1) throw new Error("boom");
  if (mode === 2) process.exit(7);
  if (mode === 3) for (;;);
  if (mode === 5) {
    const hoard = [];
    for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
  }
  if (mode === 4) setTimeout(reply, 200);
  else reply();
});
